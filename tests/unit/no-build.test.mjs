// The unit suite needs no build: every module it loads, followed import by import from these
// test files, is source in the repository (js/, tests/), none the wasm glue or anything in pkg/
// or target/. So `npm ci && npm run test:unit` works in a fresh clone, with no cargo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
/** Relative specifiers of static and dynamic imports (and re-exports), in code with its comments
 * (and so JSDoc's type imports) taken out. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

test('what the unit tests load is source: no pkg/, no target/, no wasm', () => {
  const pending = readdirSync(here).filter((name) => name.endsWith('.mjs')).map((name) => join(here, name));
  const loaded = new Set();
  while (pending.length > 0) {
    const file = /** @type {string} */ (pending.pop());
    if (loaded.has(file)) continue;
    loaded.add(file);
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const [, specifier] of code.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), specifier);
      const shown = relative(root, target);
      assert.match(shown, /^(js|tests)\//, `${relative(root, file)} imports ${shown}`);
      assert.doesNotMatch(shown, /\.wasm$|_bg\.js$/, `${relative(root, file)} imports the wasm glue`);
      assert.ok(existsSync(target), `${relative(root, file)} imports ${shown}, which is not in the repository`);
      pending.push(target);
    }
  }
  assert.ok([...loaded].some((file) => file.endsWith('js/driver.js')), 'the walk reaches the modules under test');
});
