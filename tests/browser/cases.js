// Runs the shared client, reliability and webhook-verifier cases against the web build in this
// page, one after another, and leaves the results on window.__results for tests/browser/run.mjs
// to read.
import * as api from '/pkg/web/index.js';
import { clientCases } from '../shared/client-cases.mjs';
import { reliabilityCases } from '../shared/reliability-cases.mjs';
import { webhookVerifierCases } from '../shared/webhook-verifier-cases.mjs';

const results = [];
for (const { name, run } of [...clientCases(api, location.origin), ...reliabilityCases(api, location.origin), ...webhookVerifierCases(api)]) {
  try {
    await run();
    results.push({ name, ok: true });
  } catch (error) {
    results.push({ name, ok: false, error: `${error?.name}: ${error?.message}` });
  }
}
document.getElementById('out').textContent = results.map((r) => `${r.ok ? 'ok' : 'not ok'} ${r.name}`).join('\n');
window.__results = results;
