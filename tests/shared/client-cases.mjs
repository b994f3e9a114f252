// The client's behaviour against the real mock, as cases that run unchanged in Node (node --test,
// tests/node/client.test.mjs), in headless Chromium (tests/browser/run.mjs), and through the Prism
// contract validator (tests/contract/prism.test.mjs). `api` is the package module (the Node or the
// web build); `mockUrl` the mock's origin, used for its request log; `apiUrl` where API calls go
// (the mock, or a proxy in front of it); `extra` options every client gets (e.g. a signer).
import { deepEqual, equal, match, ok, rejects } from './assert.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const GROUP_ID = '9d95820d-4333-46b6-98de-04ab7512e76f';

export function clientCases(api, mockUrl, { apiUrl = mockUrl, extra: always = {}, fetch: reach = fetch } = {}) {
  const client = (extra = {}) => new api.AccountGroups({ baseUrl: apiUrl, clientId, accessToken: 'shared-token', ...always, ...extra });
  const log = async () => (await reach(`${mockUrl}/__mock/requests`)).json();
  // Positions in the log are sequence numbers (the log is a ring: its length stops growing).
  const logMark = async () => (await (await reach(`${mockUrl}/__mock/stats`)).json()).requests_seen;
  const requestsSince = async (mark) => (await reach(`${mockUrl}/__mock/requests?since=${mark}`)).json();
  /** A user no other case touches, with `count` groups created in order. */
  const userWithGroups = async (count) => {
    const userId = crypto.randomUUID();
    const groups = [];
    for (let i = 0; i < count; i += 1) groups.push(await client().create({ user_id: userId, type: i % 2 ? 'ISA' : 'PERSONAL' }));
    return { userId, groups };
  };
  /** A client whose fetch answers every request with the given response. */
  const answering = (body, init) => client({ fetch: async () => new Response(body, init) });

  const cases = {
    async 'create (user) sends the documented headers and returns the group'() {
      const before = await logMark();
      const userId = crypto.randomUUID();
      const created = await client().create({ user_id: userId, type: 'CHILD', securities_account_number: '123450001' });
      equal(created.type, 'CHILD');
      equal(created.status, 'ACTIVE');
      equal(created.securities_account_number, '123450001');
      deepEqual(created.users, [{ id: userId, type: 'CHILD' }]);
      const [sent] = await requestsSince(before);
      equal(sent.method, 'POST');
      equal(sent.headers['upvest-client-id'], clientId);
      equal(sent.headers.authorization, 'Bearer shared-token');
      equal(sent.headers['upvest-api-version'], '1');
      equal(sent.headers.accept, 'application/json');
      equal(sent.headers['content-type'], 'application/json');
      match(sent.headers['idempotency-key'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      deepEqual(JSON.parse(sent.body), { user_id: userId, type: 'CHILD', securities_account_number: '123450001' });
    },

    async 'create (business) returns a business group'() {
      const businessId = crypto.randomUUID();
      const created = await client().create({ business_id: businessId, type: 'BUSINESS' });
      equal(created.type, 'BUSINESS');
      equal(created.business_id, businessId);
      equal(created.users, undefined);
    },

    async 'create with an idempotency key replays the first success'() {
      const idempotencyKey = crypto.randomUUID();
      const request = { user_id: crypto.randomUUID(), type: 'LEGAL_ENTITY' };
      const first = await client().create(request, { idempotencyKey });
      const again = await client().create(request, { idempotencyKey });
      equal(again.id, first.id);
    },

    async 'get returns the group with its request id under lastResponse'() {
      const created = await client().create({ user_id: crypto.randomUUID(), type: 'FRENCH_PEA' });
      const fetched = await client().get(created.id);
      deepEqual(fetched, created);
      equal(fetched.lastResponse.status, 200);
      match(fetched.lastResponse.requestId, /^[0-9a-f-]{36}$/);
      ok(!Object.keys(fetched).includes('lastResponse'), 'lastResponse is not enumerable');
      ok(!JSON.stringify(fetched).includes('lastResponse'), 'lastResponse does not serialise');
      equal(created.lastResponse.status, 200);
    },

    async 'list returns meta and data exactly as the API sends them'() {
      const page = await client().list({ limit: 2, offset: 1 });
      equal(page.meta.offset, 1);
      equal(page.meta.limit, 2);
      equal(page.meta.count, page.data.length);
      ok(page.meta.total_count >= page.data.length);
      equal(page.meta.sort, 'created_at');
      match(page.lastResponse.requestId, /^[0-9a-f-]{36}$/);
      const [sent] = (await log()).slice(-1);
      equal(sent.query, 'offset=1&limit=2');
    },

    async 'listForUser pages with both sort fields and both orders'() {
      const { userId, groups } = await userWithGroups(5);
      const ids = (page) => page.data.map((g) => g.id);
      const created = groups.map((g) => g.id);
      deepEqual(ids(await client().listForUser(userId, { sort: 'created_at', order: 'ASC' })), created);
      deepEqual(ids(await client().listForUser(userId, { sort: 'created_at', order: 'DESC' })), [...created].reverse());
      const firstTwo = await client().listForUser(userId, { limit: 2 });
      const rest = await client().listForUser(userId, { limit: 2, offset: 2 });
      deepEqual([...ids(firstTwo), ...ids(rest)], created.slice(0, 4));
      equal(firstTwo.meta.total_count, 5);
      // Closing the first group makes it the most recently updated (a few ms on: the mock's clock
      // counts milliseconds, and a fast in-process run could otherwise close it in the one the
      // last group was created in).
      await new Promise((r) => setTimeout(r, 5));
      await client().close(created[0]);
      const byUpdate = ids(await client().listForUser(userId, { sort: 'updated_at', order: 'ASC' }));
      equal(byUpdate.at(-1), created[0]);
      equal(ids(await client().listForUser(userId, { sort: 'updated_at', order: 'DESC' }))[0], created[0]);
    },

    async 'close resolves on 202 with the request id, then the group is CLOSING'() {
      const created = await client().create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
      const before = await logMark();
      const accepted = await client().close(created.id, { closure_reason: 'user_initiated', notification_only: false });
      equal(accepted.status, 202);
      match(accepted.requestId, /^[0-9a-f-]{36}$/);
      const [sent] = await requestsSince(before);
      equal(sent.method, 'DELETE');
      equal(sent.query, 'closure_reason=user_initiated&notification_only=false');
      equal((await client().get(created.id)).status, 'CLOSING');
      const again = await rejects(client().close(created.id));
      ok(again instanceof api.ProblemError);
      equal(again.status, 409);
    },

    async 'iterate walks every page lazily and stops at total_count'() {
      const { userId, groups } = await userWithGroups(7);
      const before = await logMark();
      const iterable = client().iterateForUser(userId, { pageSize: 3 });
      equal((await requestsSince(before)).length, 0, 'nothing is fetched before the loop asks');
      const seen = [];
      for await (const group of iterable) seen.push(group.id);
      deepEqual(seen, groups.map((g) => g.id));
      const queries = (await requestsSince(before)).map((r) => r.query);
      // Each page after the first reads the end of the one before again (up to 10 groups).
      deepEqual(queries, ['offset=0&limit=3', 'offset=0&limit=13']);
    },

    async 'iteratePages hands out each page as one array of new groups, lazily; no page after break'() {
      const { userId, groups } = await userWithGroups(7);
      const before = await logMark();
      const iterable = client().iteratePagesForUser(userId, { pageSize: 3 });
      equal((await requestsSince(before)).length, 0, 'nothing is fetched before the loop asks');
      const pages = [];
      for await (const page of iterable) pages.push(page.map((group) => group.id));
      // The second read starts at the first again (the overlap): only its new groups are handed out.
      deepEqual(pages, [groups.slice(0, 3).map((g) => g.id), groups.slice(3).map((g) => g.id)]);
      deepEqual((await requestsSince(before)).map((r) => r.query), ['offset=0&limit=3', 'offset=0&limit=13']);
      const again = await logMark();
      for await (const page of client().iteratePages({ pageSize: 2 })) {
        equal(page.length, 2);
        break;
      }
      equal((await requestsSince(again)).length, 1, 'no page after break');
    },

    async 'iterate fetches no further page after break'() {
      const { userId } = await userWithGroups(7);
      const before = await logMark();
      let taken = 0;
      for await (const group of client().iterateForUser(userId, { pageSize: 2, sort: 'updated_at', order: 'DESC' })) {
        ok(group.id);
        taken += 1;
        if (taken === 3) break;
      }
      const queries = (await requestsSince(before)).map((r) => r.query);
      deepEqual(queries, ['sort=updated_at&order=DESC&offset=0&limit=2', 'sort=updated_at&order=DESC&offset=0&limit=12']);
    },

    async 'per-call options: headers reach the server, each page carries them; lastResponse.headers holds the response headers'() {
      const before = await logMark();
      const result = await client().list({ limit: 1 }, { headers: { 'x-correlation-id': 'shared-case' }, timeoutMs: 10_000, maxRetries: 0 });
      const [sent] = await requestsSince(before);
      equal(sent.headers['x-correlation-id'], 'shared-case');
      equal(result.lastResponse.headers['upvest-request-id'], result.lastResponse.requestId, 'a header the API exposes');
      ok(Object.isFrozen(result.lastResponse.headers));
      const refused = await rejects(client().get('9d95820d-4333-46b6-98de-04ab7512e76f', { headers: { authorization: 'Bearer other' } }));
      ok(refused instanceof api.InvalidInputError && refused.field === 'headers' && refused.code === 'conflict', String(refused));
    },

    async 'a logger gets one line per attempt, without the token; a tracer one CLIENT span; collect stops at max'() {
      const lines = [];
      const spans = [];
      const tracer = {
        startSpan(name, options) {
          const span = { name, kind: options?.kind, attributes: { ...options?.attributes }, ended: false };
          spans.push(span);
          return { setAttribute: (k, v) => ((span.attributes[k] = v), undefined), setStatus: () => {}, end: () => ((span.ended = true), undefined), recordException: () => {} };
        },
      };
      const c = client({ logger: (line) => lines.push(line), tracer });
      await c.list({ limit: 1 });
      equal(lines.length, 1, lines.join('\n'));
      match(lines[0], /GET \/account_groups/);
      ok(!lines[0].includes('shared-token'), 'the token is not logged');
      equal(spans.length, 1);
      equal(spans[0].kind, 2, 'SpanKind.CLIENT');
      equal(spans[0].attributes['http.request.method'], 'GET');
      ok(spans[0].ended);
      const before = await logMark();
      const first = await api.collect(client().iterate({ pageSize: 2 }), { max: 3 });
      equal(first.length, 3);
      equal((await requestsSince(before)).length, 2, 'no page after the one that held the third');
    },

    async 'iterate over all groups uses the default page size'() {
      const before = await logMark();
      const first = await client().iterate().next();
      equal(first.done, false);
      equal((await requestsSince(before))[0].query, 'offset=0&limit=100');
    },

    async 'an unknown id is a ProblemError with the RFC 7807 fields'() {
      const error = await rejects(client().get(GROUP_ID));
      ok(error instanceof api.ProblemError && error instanceof api.UpvestError && error instanceof Error);
      equal(error.name, 'ProblemError');
      equal(error.status, 404);
      equal(error.type, 'https://docs.upvest.co/errors/not_found');
      equal(error.title, 'Not Found');
      match(error.detail, /no account group/);
      equal(error.instance, undefined);
      match(error.requestId, /^[0-9a-f-]{36}$/);
      equal(error.problem.request_id, error.requestId);
    },

    async 'fields and enum values added by later API versions are kept'() {
      const group = {
        id: GROUP_ID, created_at: '2020-08-24T14:15:22Z', updated_at: '2020-08-24T14:15:22Z', type: 'PERSONAL',
        status: 'INACTIVE', users: [{ id: GROUP_ID, type: 'TRUSTEE', since: 2024 }], securities_account_number: '123456789',
        tax_residency: { country: 'DE' },
      };
      const fetched = await answering(JSON.stringify(group), { status: 200, headers: { 'content-type': 'application/json' } }).get(GROUP_ID);
      deepEqual(fetched, group);
    },

    async 'a non-problem error status is still a ProblemError'() {
      const error = await rejects(answering('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html', 'upvest-request-id': 'r-1' } }).get(GROUP_ID));
      ok(error instanceof api.ProblemError);
      equal(error.status, 502);
      equal(error.type, 'about:blank');
      equal(error.title, 'Bad Gateway');
      equal(error.requestId, 'r-1');
      equal(error.problem, undefined);
    },

    async 'a body that breaks the contract is a ResponseError'() {
      const json = { 'content-type': 'application/json', 'upvest-request-id': 'r-2' };
      for (const [body, reason] of [
        ['{"id": "x"', /not valid JSON/],
        ['{"id": "not-a-uuid"}', /id must be a UUID/],
        ['[]', /must be an object/],
      ]) {
        const error = await rejects(answering(body, { status: 200, headers: json }).get(GROUP_ID));
        ok(error instanceof api.ResponseError, String(error));
        equal(error.status, 200);
        equal(error.requestId, 'r-2');
        match(error.message, reason);
      }
      const html = await rejects(answering('<p>hi</p>', { status: 200, headers: { 'content-type': 'text/html' } }).get(GROUP_ID));
      match(html.message, /content-type/);
    },

    async 'a refused connection is a NetworkError'() {
      // Through the platform's fetch, whatever fetch the other cases use.
      const error = await rejects(client({ baseUrl: 'http://127.0.0.1:9', fetch: (url, init) => fetch(url, init) }).get(GROUP_ID));
      ok(error instanceof api.NetworkError, String(error));
      ok(error.cause !== undefined, 'the platform error is kept as cause');
    },

    async 'an aborted call rejects with the signal reason and sends nothing'() {
      const before = await logMark();
      const controller = new AbortController();
      const reason = new Error('operator cancelled');
      controller.abort(reason);
      const error = await rejects(client().get(GROUP_ID, { signal: controller.signal }));
      equal(error, reason);
      equal((await requestsSince(before)).length, 0);
    },

    async 'the fetch option replaces the global fetch and the default host is the sandbox'() {
      const seen = [];
      const recording = new api.AccountGroups({
        ...always,
        clientId,
        accessToken: 't',
        fetch: async (url, init) => {
          // init.headers is a Headers object, so a wrapping fetch can add to it.
          ok(init.headers instanceof Headers, 'init.headers is a Headers object');
          init.headers.set('x-trace', 'added by the wrapper');
          seen.push([url, init.method, init.headers.get('authorization'), init.redirect]);
          // A body that is not a web stream (node-fetch's kind) must not break the call either.
          return { status: 202, headers: new Headers({ 'upvest-request-id': GROUP_ID }), body: {}, arrayBuffer: async () => new ArrayBuffer(0) };
        },
      });
      const accepted = await recording.close(GROUP_ID);
      equal(accepted.requestId, GROUP_ID);
      deepEqual(seen, [[`${api.SANDBOX_BASE_URL}/account_groups/${GROUP_ID}`, 'DELETE', 'Bearer t', 'manual']]);
      equal(api.SANDBOX_BASE_URL, 'https://sandbox.upvest.co');
      equal(api.PRODUCTION_BASE_URL, 'https://api.upvest.co');
    },

    async 'every bad input is an InvalidInputError naming the field, and nothing is sent'() {
      const before = await logMark();
      for (const [call, field, code, rule] of badInputs(client())) {
        const error = await rejects(call(), `${field} should be refused`);
        ok(error instanceof api.InvalidInputError, `${field}: ${error}`);
        equal(error.field, field);
        equal(error.code, code, `${field}: ${error.message}`);
        match(error.message, rule, field);
      }
      equal((await requestsSince(before)).length, 0, 'no request reached the mock');
    },

    async 'bad constructor options throw InvalidInputError'() {
      for (const [options, field, code] of [
        [undefined, 'options', 'required'],
        [{ clientId, accessToken: 't', baseUrl: 'http://example.com' }, 'baseUrl', 'format'],
        [{ clientId, accessToken: 't', baseUrl: 42 }, 'baseUrl', 'type'],
        [{ clientId: 'nope', accessToken: 't' }, 'clientId', 'uuid'],
        [{ clientId }, 'accessToken', 'required'],
        [{ clientId, accessToken: 't', tokenProvider: async () => 't' }, 'accessToken', 'conflict'],
        [{ clientId, accessToken: 'has spaces' }, 'accessToken', 'format'],
        [{ clientId, accessToken: 't', apiVersion: 1 }, 'apiVersion', 'format'],
        [{ clientId, accessToken: 't', maxRetries: 11 }, 'maxRetries', 'range'],
        [{ clientId, accessToken: 't', fetch: 'fetch' }, 'fetch', 'type'],
        [{ clientId, accessToken: 't', baseURL: mockUrl }, 'options', 'unknown-field'],
      ]) {
        let thrown;
        try {
          new api.AccountGroups(options);
        } catch (error) {
          thrown = error;
        }
        ok(thrown instanceof api.InvalidInputError, `${field}: ${thrown}`);
        equal(thrown.field, field);
        equal(thrown.code, code, `${field}: ${thrown.message}`);
      }
    },
  };
  return Object.entries(cases).map(([name, run]) => ({ name, run }));
}

/** Each bad input: the call, the field its error names, its `code`, and what the message says. */
export function badInputs(client) {
  const user = '413715f2-5401-4b97-8055-034a6b879f8c';
  return [
    [() => client.create(), 'request', 'required', /is required/],
    [() => client.create('PERSONAL'), 'request', 'type', /must be an object/],
    [() => client.create({ user_id: user }), 'type', 'required', /is required/],
    [() => client.create({ user_id: user, type: 'SAVINGS' }), 'type', 'enum', /must be one of PERSONAL, LEGAL_ENTITY, FRENCH_PEA, ISA, CHILD, BUSINESS/],
    [() => client.create({ user_id: user, type: 'personal' }), 'type', 'enum', /must be one of/],
    [() => client.create({ type: 'ISA' }), 'user_id', 'required', /is required/],
    [() => client.create({ user_id: 'not-a-uuid', type: 'ISA' }), 'user_id', 'uuid', /must be a UUID string/],
    [() => client.create({ user_id: 42, type: 'ISA' }), 'user_id', 'type', /got 42/],
    [() => client.create({ business_id: user, type: 'ISA' }), 'business_id', 'conflict', /not allowed with type ISA/],
    [() => client.create({ user_id: user, type: 'BUSINESS' }), 'user_id', 'conflict', /not allowed with type BUSINESS/],
    [() => client.create({ user_id: user, type: 'ISA', securities_account_number: '12345689' }), 'securities_account_number', 'format', /exactly 9 digits/],
    [() => client.create({ user_id: user, type: 'ISA', securities_account_number: 123456789 }), 'securities_account_number', 'type', /exactly 9 digits/],
    [() => client.create({ user_id: user, type: 'ISA', securities_account_number: null }), 'securities_account_number', 'type', /got null/],
    [() => client.create({ user_id: user, type: 'ISA', usr_id: user }), 'request', 'unknown-field', /unknown field "usr_id"/],
    [() => client.create({ user_id: user, type: 'ISA' }, { idempotencyKey: 'abc' }), 'idempotencyKey', 'uuid', /UUID of version 0 to 5/],
    [() => client.create({ user_id: user, type: 'ISA' }, { idempotencyKey: '01890a5d-ac96-774b-bcce-b302099a8057' }), 'idempotencyKey', 'uuid', /UUIDv7/],
    [() => client.create({ user_id: user, type: 'ISA' }, { idempotency_key: user }), 'options', 'unknown-field', /unknown field "idempotency_key"/],
    [() => client.get(), 'accountGroupId', 'required', /is required/],
    [() => client.get('../users'), 'accountGroupId', 'uuid', /must be a UUID/],
    [() => client.get(`${user}/close`), 'accountGroupId', 'uuid', /must be a UUID/],
    [() => client.get(user, { signal: 'stop' }), 'signal', 'type', /AbortSignal/],
    [() => client.list({ limit: 0 }), 'limit', 'range', /from 1 to 1000/],
    [() => client.list({ limit: 1001 }), 'limit', 'range', /from 1 to 1000/],
    [() => client.list({ limit: 2.5 }), 'limit', 'range', /integer/],
    [() => client.list({ offset: -1 }), 'offset', 'range', /integer from 0/],
    [() => client.list({ offset: '10' }), 'offset', 'type', /got "10"/],
    [() => client.list({ sort: 'id' }), 'sort', 'enum', /created_at, updated_at/],
    [() => client.list({ order: 'asc' }), 'order', 'enum', /ASC, DESC/],
    [() => client.list({ pageSize: 10 }), 'query', 'unknown-field', /unknown field "pageSize"/],
    [() => client.list([]), 'query', 'type', /must be an object/],
    [() => client.listForUser('nope'), 'userId', 'uuid', /must be a UUID/],
    [() => client.close(user, { closure_reason: 'bored' }), 'closure_reason', 'enum', /must be one of dunning/],
    [() => client.close(user, { notification_only: 'yes' }), 'notification_only', 'type', /true or false/],
    [() => client.close(user, { reason: 'aml' }), 'closeOptions', 'unknown-field', /unknown field "reason"/],
    [() => client.iterate({ pageSize: 0 }).next(), 'pageSize', 'range', /from 1 to 1000/],
    [() => client.iterate({ limit: 10 }).next(), 'query', 'unknown-field', /unknown field "limit"/],
    [() => client.iterateForUser('nope').next(), 'userId', 'uuid', /must be a UUID/],
    [() => client.iteratePages({ pageSize: 1001 }).next(), 'pageSize', 'range', /from 1 to 1000/],
    [() => client.iteratePagesForUser('nope').next(), 'userId', 'uuid', /must be a UUID/],
  ];
}
