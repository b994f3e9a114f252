// @ts-check
// upvest-account-groups/mock for `import` in Node (pkg/mock/index.mjs): the mock's wasm is read
// from the file beside the entry on the first createMock, not on import; it can listen (node:http).
import init, * as glue from '#mock-glue';
import { bindMockPlatform } from '../mock/index.js';
import { listen } from '../mock/node-server.js';

bindMockPlatform(async () => {
  const { readFile } = await import('node:fs/promises');
  await init({ module_or_path: await readFile(new URL('./upvest_mock_bg.wasm', import.meta.url)) });
  return glue;
}, listen);

export { createMock } from '../mock/index.js';
