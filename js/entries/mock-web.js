// @ts-check
// upvest-account-groups/mock in browsers (pkg/mock/web.js): the mock's wasm is fetched from its
// URL beside the module on the first createMock. It cannot listen; it serves a `fetch`.
import init, * as glue from '#mock-glue';
import { bindMockPlatform } from '../mock/index.js';

bindMockPlatform(async () => {
  await init({ module_or_path: new URL('./upvest_mock_bg.wasm', import.meta.url) });
  return glue;
});

export { createMock } from '../mock/index.js';
