// The shared client and reliability cases against the in-process mock (upvest-account-groups/mock,
// its wasm in this process) through `mock.fetch`: the same cases the binary answers over
// loopback, with no port.
import { test } from 'node:test';
import * as api from '../../pkg/node/index.mjs';
import { createMock } from '../../pkg/mock/index.mjs';
import { clientCases } from '../shared/client-cases.mjs';
import { reliabilityCases } from '../shared/reliability-cases.mjs';

const mock = await createMock({ seed: 20 });
const through = { extra: { fetch: mock.fetch }, fetch: mock.fetch };
for (const { name, run } of [...clientCases(api, mock.url, through), ...reliabilityCases(api, mock.url, through)]) {
  test(`in-process: ${name}`, run);
}
