// The shared client cases (tests/shared/client-cases.mjs) in Node, over the built package.
import { test } from 'node:test';
import * as api from '../../pkg/node/index.mjs';
import { clientCases } from '../shared/client-cases.mjs';

for (const { name, run } of clientCases(api, process.env.UPVEST_MOCK_URL)) {
  test(name, run);
}
