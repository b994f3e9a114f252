// Retries, time limits, aborts, tokens, the signer and hooks, driven by the mock's fault
// injection. Run in Node (tests/node/reliability.test.mjs) and in headless Chromium
// (tests/browser/run.mjs). Every case clears the faults it set.
import { deepEqual, equal, match, ok, rejects } from './assert.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const SECRET = 'SECRET-token-4711';

// `always`: options every client gets (the in-process mock's `fetch`); `reach`: how the cases
// reach the mock's control endpoints.
export function reliabilityCases(api, mockUrl, { extra: always = {}, fetch: reach = fetch } = {}) {
  const client = (extra = {}) =>
    new api.AccountGroups({ baseUrl: mockUrl, clientId, accessToken: SECRET, retryBaseDelayMs: 20, ...always, ...extra });
  // Positions in the log are sequence numbers (the log is a ring: its length stops growing).
  const logMark = async () => (await (await reach(`${mockUrl}/__mock/stats`)).json()).requests_seen;
  const since = async (mark, method) => (await (await reach(`${mockUrl}/__mock/requests?since=${mark}`)).json()).filter((r) => !method || r.method === method);
  const faults = async (rules) => {
    const response = await reach(`${mockUrl}/__mock/faults`, { method: 'POST', body: JSON.stringify(rules) });
    equal(response.status, 200, 'faults accepted');
  };
  const clearFaults = () => reach(`${mockUrl}/__mock/faults`, { method: 'DELETE' });
  const countFor = async (userId) => (await client().listForUser(userId)).meta.total_count;
  const withFaults = (run) => async () => {
    try {
      await run();
    } finally {
      await clearFaults();
    }
  };
  const newGroup = () => client().create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });

  const cases = {
    '503 twice, then success: one group, three attempts with one idempotency key': withFaults(async () => {
      await faults([{ method: 'POST', path: '/account_groups', times: 2, status: 503 }]);
      const before = await logMark();
      const userId = crypto.randomUUID();
      const group = await client().create({ user_id: userId, type: 'ISA' });
      const posts = await since(before, 'POST');
      equal(posts.length, 3);
      equal(new Set(posts.map((p) => p.headers['idempotency-key'])).size, 1, 'the same key on every attempt');
      equal(await countFor(userId), 1);
      equal((await client().get(group.id)).id, group.id);
    }),

    '429 with Retry-After waits as told': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, status: 429, retry_after: 1 }]);
      const started = Date.now();
      equal((await client().get(group.id)).id, group.id);
      ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms for Retry-After: 1`);
    }),

    '429 without Retry-After backs off exponentially and succeeds': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, times: 2, status: 429 }]);
      const before = await logMark();
      equal((await client().get(group.id)).id, group.id);
      equal((await since(before, 'GET')).length, 3);
    }),

    'deadlineMs bounds the whole call: no wait past it, the last attempt cut to what is left': withFaults(async () => {
      const group = await newGroup();
      // Retry-After 2 within a 3 s deadline: the first wait fits unless the first answer takes a
      // second, the second wait cannot fit; a slow machine has a second of room either way.
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, times: 20, status: 503, retry_after: 2 }]);
      let before = await logMark();
      let started = Date.now();
      const error = await rejects(client({ maxRetries: 10, deadlineMs: 3000 }).get(group.id));
      ok(error instanceof api.ProblemError && error.status === 503, String(error));
      ok(Date.now() - started < 3250, `gave up within the deadline (${Date.now() - started} ms)`);
      equal((await since(before, 'GET')).length, 2, 'one wait of Retry-After: 2 fits, the next does not');
      await clearFaults();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, delay_ms: 3000 }]);
      started = Date.now();
      const slow = await rejects(client({ timeoutMs: 30000 }).get(group.id, { deadlineMs: 300 }));
      ok(slow instanceof api.TimeoutError, String(slow));
      // What is left is measured when the attempt starts, a millisecond or two after the call did.
      ok(slow.timeoutMs <= 300 && slow.timeoutMs >= 250, `the attempt got what was left of the deadline: ${slow.timeoutMs} ms`);
      ok(Date.now() - started < 2500, `a call's deadlineMs wins over the client's timeoutMs (${Date.now() - started} ms)`);
      const bad = await rejects(client().get(group.id, { deadlineMs: 0 }));
      ok(bad instanceof api.InvalidInputError && bad.field === 'deadlineMs' && bad.code === 'range', String(bad));
    }),

    'retries stop at maxRetries, and other 4xx are not retried': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, times: 10, status: 503 }]);
      let before = await logMark();
      const error = await rejects(client({ maxRetries: 1 }).get(group.id));
      ok(error instanceof api.ProblemError);
      equal(error.status, 503);
      equal((await since(before, 'GET')).length, 2);
      await clearFaults();
      before = await logMark();
      await rejects(client().get('9d95820d-4333-46b6-98de-04ab7512e76f'));
      equal((await since(before, 'GET')).length, 1, 'a 404 is final');
    }),

    'a connection dropped after a create is retried with the same key: no duplicate': withFaults(async () => {
      await faults([{ method: 'POST', path: '/account_groups', drop: true }]);
      const before = await logMark();
      const userId = crypto.randomUUID();
      const group = await client().create({ user_id: userId, type: 'PERSONAL' });
      const posts = await since(before, 'POST');
      equal(posts.length, 2);
      equal(posts[0].headers['idempotency-key'], posts[1].headers['idempotency-key']);
      equal(await countFor(userId), 1, 'the replay returned the first group');
      equal((await client().listForUser(userId)).data[0].id, group.id);
    }),

    'an attempt slower than timeoutMs is a TimeoutError in about timeoutMs, not retried': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, delay_ms: 3000 }]);
      const before = await logMark();
      const started = Date.now();
      const error = await rejects(client({ timeoutMs: 300 }).get(group.id));
      const took = Date.now() - started;
      ok(error instanceof api.TimeoutError, String(error));
      equal(error.timeoutMs, 300);
      ok(took >= 280 && took < 2500, `took ${took} ms`);
      equal((await since(before, 'GET')).length, 1);
    }),

    'an abort during backoff rejects at once with the reason, and nothing more is sent': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, times: 5, status: 503, retry_after: 10 }]);
      const before = await logMark();
      const controller = new AbortController();
      const reason = new Error('user navigated away');
      const call = rejects(client().get(group.id, { signal: controller.signal }));
      // Aborted once the first attempt has reached the mock (its 503 then holds the call in a
      // 10 s backoff), not after a fixed time a slow machine might not have sent it in.
      for (let i = 0; i < 250 && (await since(before, 'GET')).length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      controller.abort(reason);
      const error = await call;
      equal(error, reason);
      ok(Date.now() - started < 2000, `rejected ${Date.now() - started} ms after the abort`);
      await new Promise((r) => setTimeout(r, 100));
      equal((await since(before, 'GET')).length, 1);
    }),

    'an abort during the request cancels it': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, delay_ms: 3000 }]);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const error = await rejects(client().get(group.id, { signal: controller.signal }));
      equal(error.name, 'AbortError');
      ok(Date.now() - started < 2500, `rejected after ${Date.now() - started} ms, not after the 3 s delay`);
    }),

    'a 401 with a token provider: one refresh, then success': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, status: 401 }]);
      let calls = 0;
      const tokenProvider = async () => `provided-${(calls += 1)}`;
      const before = await logMark();
      const fetched = await client({ accessToken: undefined, tokenProvider }).get(group.id);
      equal(fetched.id, group.id);
      equal(calls, 2);
      deepEqual((await since(before, 'GET')).map((r) => r.headers.authorization), ['Bearer provided-1', 'Bearer provided-2']);
    }),

    'a provider is called lazily, once for concurrent calls, and again before expiry': async () => {
      let calls = 0;
      const tokenProvider = async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 20));
        return { access_token: `t${calls}`, expires_in: 4 };
      };
      const provided = client({ accessToken: undefined, tokenProvider });
      equal(calls, 0, 'not called before the first request');
      await Promise.all(Array.from({ length: 10 }, () => provided.list({ limit: 1 })));
      equal(calls, 1, 'one call for ten concurrent requests');
      await provided.list({ limit: 1 });
      equal(calls, 1, 'cached');
      // A 4 s token is used for half its life (the refresh margin is 30 s or half, if shorter):
      // two seconds for the calls above, however slow the machine.
      await new Promise((r) => setTimeout(r, 2100));
      await provided.list({ limit: 1 });
      equal(calls, 2, 'asked again once the token neared expiry');
    },

    'a failing provider rejects the call; an UpvestError from it passes through': async () => {
      const plain = await rejects(client({ accessToken: undefined, tokenProvider: async () => { throw new Error('vault down'); } }).list());
      ok(plain instanceof api.UpvestError);
      match(plain.message, /Token provider failed: vault down/);
      equal(plain.cause.message, 'vault down');
      const bad = await rejects(client({ accessToken: undefined, tokenProvider: async () => ({ token: 'x' }) }).list());
      match(bad.message, /string or \{ access_token, expires_in \}/);
    },

    'clientCredentials gets tokens from POST /auth/token, and its errors are ProblemErrors': async () => {
      const before = await logMark();
      const tokenProvider = api.clientCredentials({
        tokenUrl: `${mockUrl}/auth/token`,
        ...always,
        clientId,
        clientSecret: 'mock-client-secret',
        scopes: ['accounts:read', 'accounts:admin'],
      });
      const page = await client({ accessToken: undefined, tokenProvider }).list({ limit: 1 });
      ok(page.meta);
      const [tokenRequest, listRequest] = await since(before);
      equal(tokenRequest.path, '/auth/token');
      equal(tokenRequest.headers.authorization, undefined, 'the token request has no authorization');
      equal(tokenRequest.headers['content-type'], 'application/x-www-form-urlencoded');
      equal(new URLSearchParams(tokenRequest.body).get('scope'), 'accounts:read accounts:admin');
      match(listRequest.headers.authorization, /^Bearer mock\./);
      const wrong = api.clientCredentials({ tokenUrl: `${mockUrl}/auth/token`, ...always, clientId, clientSecret: 'wrong', scopes: 'accounts:read' });
      const error = await rejects(client({ accessToken: undefined, tokenProvider: wrong }).list());
      ok(error instanceof api.ProblemError, String(error));
      equal(error.status, 401);
    },

    'the signer runs once per attempt, after every other header, and its headers are sent': withFaults(async () => {
      await faults([{ method: 'POST', path: '/account_groups', status: 503 }]);
      const seen = [];
      const signer = async (request) => {
        seen.push(request);
        return { signature: `sig1=:${btoa(String(seen.length))}:`, 'signature-input': `sig1=();created=${seen.length}` };
      };
      const before = await logMark();
      await client({ signer }).create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
      equal(seen.length, 2, 'signed afresh for the retry');
      for (const request of seen) {
        equal(request.method, 'POST');
        equal(request.url, `${mockUrl}/account_groups`);
        ok(request.headers['idempotency-key'] && request.headers.authorization && request.headers['content-type']);
        equal(typeof request.body, 'string');
      }
      deepEqual((await since(before, 'POST')).map((r) => r.headers['signature-input']), ['sig1=();created=1', 'sig1=();created=2']);
    }),

    'a failing signer is a SignerError with its cause, and nothing is sent': async () => {
      const before = await logMark();
      const cause = new Error('HSM unavailable');
      const error = await rejects(client({ signer: async () => { throw cause; } }).list());
      ok(error instanceof api.SignerError, String(error));
      equal(error.cause, cause);
      const replacing = await rejects(client({ signer: async () => ({ authorization: 'Bearer other' }) }).list());
      ok(replacing instanceof api.SignerError);
      match(replacing.message, /added authorization, which is set already/);
      equal((await since(before)).length, 0);
    },

    'a signer header value fetch would refuse is a SignerError that does not show it; nothing is sent or retried': async () => {
      const before = await logMark();
      const signature = 'sig1=:SECRET-signature-0042:';
      for (const bad of ['\u0000', '\r\nx-injected: 1', '\n', '€', '\u{1F600}', '\u0100', '\u007f', '\u001b']) {
        let calls = 0;
        const signer = async () => ((calls += 1), { 'signature-input': 'sig1=()', signature: `${signature}${bad}` });
        const error = await rejects(client({ signer }).list());
        ok(error instanceof api.SignerError, `${JSON.stringify(bad)}: ${error}`);
        match(error.message, /invalid value for signature/);
        for (const text of [String(error), JSON.stringify(error), error.stack ?? '']) ok(!text.includes('SECRET-signature'), `${JSON.stringify(bad)}: the value shows`);
        equal(calls, 1, 'not retried');
      }
      equal((await since(before)).length, 0, 'nothing was sent');
    },

    'a signer may resolve with a Headers object, like a plain object': async () => {
      const before = await logMark();
      await client({ signer: async () => new Headers({ Signature: 'sig1=:AAE=:', 'Signature-Input': 'sig1=();created=1' }) }).list({ limit: 1 });
      const [sent] = await since(before);
      deepEqual([sent.headers.signature, sent.headers['signature-input']], ['sig1=:AAE=:', 'sig1=();created=1']);
      const replacing = await rejects(client({ signer: async () => new Headers({ Authorization: 'Bearer other' }) }).list());
      ok(replacing instanceof api.SignerError, String(replacing));
      match(replacing.message, /added authorization, which is set already/);
    },

    'hooks see each attempt with secrets redacted; a throwing hook breaks nothing': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, status: 503 }]);
      const requests = [];
      const responses = [];
      const hooked = client({
        onRequest: (event) => {
          requests.push(event);
          throw new Error('hook bug');
        },
        onResponse: async (event) => {
          responses.push(event);
          throw new Error('async hook bug');
        },
      });
      equal((await hooked.get(group.id)).id, group.id);
      deepEqual(requests.map((e) => [e.method, e.path, e.attempt]), [['GET', `/account_groups/${group.id}`, 1], ['GET', `/account_groups/${group.id}`, 2]]);
      equal(requests[0].headers.authorization, '[redacted]');
      deepEqual(responses.map((e) => [e.attempt, e.status, e.error]), [[1, 503, 'ProblemError'], [2, 200, undefined]]);
      ok(responses.every((e) => typeof e.durationMs === 'number' && /^[0-9a-f-]{36}$/.test(e.requestId)));
      ok(!JSON.stringify([requests, responses]).includes(SECRET), 'no secret in hook events');
    }),

    'a malformed 200 is a ResponseError and is not retried': withFaults(async () => {
      const group = await newGroup();
      await faults([{ method: 'GET', path: `/account_groups/${group.id}`, malformed: true }]);
      const before = await logMark();
      const error = await rejects(client().get(group.id));
      ok(error instanceof api.ResponseError, String(error));
      match(error.message, /not valid JSON/);
      match(error.requestId, /^[0-9a-f-]{36}$/);
      equal((await since(before, 'GET')).length, 1);
    }),

    'hostile responses are ResponseErrors, never a crash': async () => {
      const answering = (body, init) => client({ maxRetries: 0, fetch: async () => new Response(body, init) });
      const json = { 'content-type': 'application/json' };
      const huge = await rejects(answering('{}', { status: 200, headers: { ...json, 'content-length': String(64 * 1024 * 1024) } }).get(group0));
      match(huge.message, /larger than 16777216 bytes/);
      equal(huge.code, 'too-large');
      // The same from a Response-like object whose body cannot be cancelled (node-fetch's kind).
      const notWebStream = { status: 200, headers: new Headers({ ...json, 'content-length': String(64 * 1024 * 1024) }), body: {}, arrayBuffer: async () => new ArrayBuffer(0) };
      match((await rejects(client({ maxRetries: 0, fetch: async () => notWebStream }).get(group0))).message, /larger than 16777216 bytes/);
      const deep = '['.repeat(100000) + ']'.repeat(100000);
      ok((await rejects(answering(deep, { status: 200, headers: json }).get(group0))) instanceof api.ResponseError);
      ok((await rejects(answering('{"meta":{}}', { status: 200, headers: json }).list())) instanceof api.ResponseError);
      const noContent = await rejects(answering(null, { status: 204 }).get(group0));
      ok(noContent instanceof api.ResponseError, String(noContent));
      match(noContent.message, /status 204 is not one this operation returns/);
      ok((await rejects(answering('null', { status: 200, headers: json }).list())) instanceof api.ResponseError);
      const notResponse = await rejects(client({ maxRetries: 0, fetch: async () => 'nope' }).get(group0));
      ok(notResponse instanceof api.NetworkError);
    },

    'secrets never appear in errors': withFaults(async () => {
      await faults([{ method: 'GET', path: '/account_groups', delay_ms: 1000 }]);
      const errors = [
        await rejects(client({ timeoutMs: 50, maxRetries: 0 }).list()),
        await rejects(client().get('9d95820d-4333-46b6-98de-04ab7512e76f')),
        await rejects(client({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 }).get(group0)),
        await rejects(client().list({ limit: 0 })),
      ];
      try {
        new api.AccountGroups({ clientId, accessToken: `${SECRET} with spaces` });
      } catch (error) {
        errors.push(error);
      }
      const wrongSecret = api.clientCredentials({ tokenUrl: `${mockUrl}/auth/token`, clientId, clientSecret: SECRET, scopes: ['accounts:read'] });
      errors.push(await rejects(client({ accessToken: undefined, tokenProvider: wrongSecret }).list()));
      try {
        api.clientCredentials({ tokenUrl: 'http://example.com/auth/token', clientId, clientSecret: SECRET, scopes: ['x'] });
      } catch (error) {
        errors.push(error);
      }
      equal(errors.length, 7);
      ok(errors[0] instanceof api.TimeoutError);
      for (const error of errors) {
        for (const text of [String(error), JSON.stringify(error), error.message, error.stack ?? '']) {
          ok(!text.includes(SECRET), `${error.name} leaks the token`);
        }
      }
    }),
  };
  return Object.entries(cases).map(([name, run]) => ({ name, run }));
}

const group0 = '9d95820d-4333-46b6-98de-04ab7512e76f';
