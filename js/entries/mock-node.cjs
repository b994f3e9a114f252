// @ts-check
// upvest-account-groups/mock for `require` in Node (pkg/mock/index.cjs): as mock-node.mjs, with the
// wasm's file found from __dirname.
'use strict';

const glue = require('#mock-glue');
const mock = require('../mock/index.js');

mock.bindMockPlatform(async () => {
  const { readFile } = require('node:fs/promises');
  await glue.default({ module_or_path: await readFile(require('node:path').join(__dirname, 'upvest_mock_bg.wasm')) });
  return glue;
}, require('../mock/node-server.js').listen);

module.exports = { createMock: mock.createMock };
