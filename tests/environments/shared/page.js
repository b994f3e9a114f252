// The browser side of every page (Vite, webpack, Next.js's client component): runs the shared
// checks against the mock named by the page's `?mock=` query and reports the outcome in the DOM,
// in <pre id="result" data-status="ok|error">, where the runner (tests/environments/run.mjs)
// waits for it.
import { describeError, runChecks } from './check.js';

/** Runs the checks (api: { AccountGroups, ProblemError, createWebhookReceiver, MemoryWebhookStore } as the app imported them); resolves with { status: 'ok' | 'error', text } and never rejects. */
export async function checkInPage(api) {
  try {
    const mock = new URLSearchParams(location.search).get('mock');
    return { status: 'ok', text: JSON.stringify(await runChecks(api, mock)) };
  } catch (error) {
    return { status: 'error', text: describeError(error) };
  }
}

/** For plain pages: runs the checks and shows the outcome in #result. */
export async function showChecks(api) {
  const { status, text } = await checkInPage(api);
  const result = document.getElementById('result') ?? document.body.appendChild(document.createElement('pre'));
  result.id = 'result';
  result.textContent = text;
  result.dataset.status = status;
}
