// @ts-check
// The Node entry (pkg/node/index.cjs; node/index.mjs is its ESM face). scripts/assemble-pkg.mjs
// bundles it with the modules it requires into one file: one module to load (loading a dozen
// ES modules through require() cost Node more than instantiating the wasm), and one instance of
// every error class whichever entry a program reaches. The wasm is compiled and instantiated
// synchronously on require, from bytes carried in the bundle (`#wasm-bytes`), so a server
// bundler that moves the file leaves nothing behind.
'use strict';

const glue = require('#wasm-glue');
glue.initSync({ module: require('#wasm-bytes') });
require('../core.js').bindCore(glue);
// The Node transport, in Node only (Bun and Deno, which also read this entry, keep fetch:
// README, Decisions); the web and Workers entries never import it. undici (a dependency,
// pinned) is required on the first request, not here: loading it costs 20-30 ms.
if (require('../node-http.js').isNode()) {
  const load = () => ({ Pool: require('undici/lib/dispatcher/pool.js'), Client: require('undici/lib/dispatcher/client.js') });
  require('../runtime.js').bindDefaultExchange(require('../node-dispatch.js').nodeDefaultExchange(load));
}
// Own values, not getters: what a caller destructures or spreads is the export itself.
module.exports = { ...require('../index.js') };
