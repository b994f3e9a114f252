// Runs the shared client, reliability and webhook-verifier cases against the web build in this
// page, one after another, then the client and reliability cases again against the in-process
// mock (upvest-account-groups/mock's web build, its wasm in this page) through `mock.fetch`, and leaves the results on window.__results for tests/browser/run.mjs
// to read.
import * as api from '/pkg/web/index.js';
import { clientCases } from '../shared/client-cases.mjs';
import { reliabilityCases } from '../shared/reliability-cases.mjs';
import { webhookVerifierCases } from '../shared/webhook-verifier-cases.mjs';
import { createMock } from '/pkg/mock/web.js';

const mock = await createMock({ seed: 20 });
const through = { extra: { fetch: mock.fetch }, fetch: mock.fetch };
const inProcess = [...clientCases(api, mock.url, through), ...reliabilityCases(api, mock.url, through)].map(({ name, run }) => ({ name: `in-process: ${name}`, run }));
const results = [];
for (const { name, run } of [...clientCases(api, location.origin), ...reliabilityCases(api, location.origin), ...webhookVerifierCases(api), ...inProcess]) {
  try {
    await run();
    results.push({ name, ok: true });
  } catch (error) {
    results.push({ name, ok: false, error: `${error?.name}: ${error?.message}` });
  }
}
document.getElementById('out').textContent = results.map((r) => `${r.ok ? 'ok' : 'not ok'} ${r.name}`).join('\n');
window.__results = results;
