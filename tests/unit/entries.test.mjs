// The Node ESM entry (js/entries/node.mjs) exports what js/index.js does. It lists the names
// itself (it re-exports the CommonJS build without Node scanning it), so a name added to
// js/index.js and not to it would be missing for `import` users only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const source = (file) => readFileSync(new URL(`../../js/entries/${file}`, import.meta.url), 'utf8');

test('the Node ESM entry names every export of js/index.js, and nothing else', async () => {
  const api = await import('../../js/index.js');
  const listed = /export const \{([^}]*)\} = cjs;/.exec(source('node.mjs'))?.[1];
  assert.ok(listed, 'js/entries/node.mjs destructures the CommonJS build');
  const names = listed.split(',').map((name) => name.trim()).filter(Boolean);
  assert.deepEqual([...names].sort(), Object.keys(api).sort());
});

