// The page imports the package as the mock serves it, at `/pkg/web/index.js`; the page's pure
// modules, tested in Node (units.mjs), get the Node build there instead (the same exports).
import { register } from 'node:module';

const nodeBuild = new URL('../../pkg/node/index.mjs', import.meta.url).href;
const hooks = `export async function resolve(specifier, context, next) {
  return specifier === '/pkg/web/index.js' ? { url: ${JSON.stringify(nodeBuild)}, shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
