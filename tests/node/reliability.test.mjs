// The shared reliability cases (tests/shared/reliability-cases.mjs) in Node, plus what only Node
// can set up: a redirecting server on loopback. Over undici (the default), and over node:http or
// fetch with UPVEST_TRANSPORT (tests/node/other-transports.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { packageUrl } from './transport-package.mjs';
import { reliabilityCases } from '../shared/reliability-cases.mjs';

const api = await import(packageUrl);

for (const { name, run } of reliabilityCases(api, process.env.UPVEST_MOCK_URL)) {
  test(name, run);
}

/** A server on 127.0.0.1 that answers with `handler`; resolves with its URL and a closer. */
function serve(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

test('redirects are not followed, so credentials never reach another host', async () => {
  const seenElsewhere = [];
  const elsewhere = await serve((req, res) => {
    seenElsewhere.push(req.headers.authorization);
    res.end('{}');
  });
  const redirecting = await serve((req, res) => {
    res.writeHead(302, { location: `${elsewhere.url}/account_groups`, 'upvest-request-id': 'r-302' });
    res.end();
  });
  try {
    const client = new api.AccountGroups({ baseUrl: redirecting.url, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 'secret' });
    const error = await client.list().catch((e) => e);
    assert.ok(error instanceof api.ResponseError, String(error));
    assert.match(error.message, /redirects are not followed/);
    assert.deepEqual(seenElsewhere, []);
  } finally {
    elsewhere.close();
    redirecting.close();
  }
});

test('one signal shared by 100 calls at once: no MaxListenersExceededWarning; a limit the caller set is kept', async () => {
  const events = await import('node:events');
  const warnings = [];
  const onWarning = (warning) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const client = new api.AccountGroups({ baseUrl: process.env.UPVEST_MOCK_URL, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 't' });
    const shared = new AbortController().signal;
    const pages = await Promise.all(Array.from({ length: 100 }, () => client.list({ limit: 1 }, { signal: shared })));
    assert.equal(pages.length, 100);
    // As Node's fetch does with a signal it is given (undici lifts the default of 10 to 1500).
    assert.equal(events.getMaxListeners(shared), 1500);
    assert.equal(events.getEventListeners(shared, 'abort').length, 0, 'every attempt removed its listener');
    const chosen = new AbortController().signal;
    events.setMaxListeners(20, chosen);
    await client.list({ limit: 1 }, { signal: chosen });
    assert.equal(events.getMaxListeners(chosen), 20);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
  }
});
