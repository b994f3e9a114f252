// Seeing what the client does (issue 26, part 3): the `logger` option and `DEBUG` write one line
// per request sent, with no secret in it; the `tracer` option makes one OpenTelemetry CLIENT span
// per request sent, with the stable HTTP client attributes, inside the caller's active context,
// ended on every path. Checked with the SDK's in-memory exporter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as api from '../../pkg/node/index.mjs';

const baseUrl = process.env.UPVEST_MOCK_URL;
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const missingId = '9d95820d-4333-46b6-98de-04ab7512e76f';
const TOKEN = 'secret-bearer-token-0042';
const SIGNATURE = 'sig1=:secret-signature-0042:';
const signer = async () => ({ signature: SIGNATURE, 'signature-input': 'sig1=("@method");keyid="k"' });
const client = (extra = {}) => new api.AccountGroups({ baseUrl, clientId, accessToken: TOKEN, retryBaseDelayMs: 1, ...extra });

/** A fetch that answers the first `failures` requests itself with 503 (`Retry-After: 0`), then
 * passes them on to the mock. */
const failingFirst = (failures) => {
  let seen = 0;
  return (url, init) =>
    (seen += 1) <= failures ? Promise.resolve(new Response('', { status: 503, headers: { 'retry-after': '0', 'upvest-request-id': `r-503-${seen}` } })) : fetch(url, init);
};

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracer = provider.getTracer('observability-test');
const LINE = /^upvest-account-groups (GET|POST|DELETE) (\/\S*) attempt=(\d+) status=(\d+) ms=(\d+) request_id=(\S+)(?: (retry|error)=(\w+))?(?: (wait_ms=\d+|refresh_token=true))?$/;

/** The spans ended since `exporter.reset()`, in the order they ended. */
const finished = () => exporter.getFinishedSpans();

/** A server on 127.0.0.1 that never answers. */
async function hanging() {
  const server = http.createServer((request) => request.resume());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve) && server.closeAllConnections()) };
}

test('a logger gets one line per attempt: method, path, attempt, status, ms, request id, the retry and its wait; no secret', async () => {
  const lines = [];
  const c = client({ signer, logger: (line) => lines.push(line), fetch: failingFirst(1) });
  const created = await c.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
  assert.equal(lines.length, 2, lines.join('\n'));
  const [first, second] = lines.map((line) => LINE.exec(line));
  assert.ok(first && second, lines.join('\n'));
  assert.deepEqual(first.slice(1, 5), ['POST', '/account_groups', '1', '503']);
  assert.equal(first[6], 'r-503-1');
  assert.deepEqual([first[7], first[8]], ['retry', 'ProblemError']);
  assert.match(first[9], /^wait_ms=\d+$/);
  assert.deepEqual(second.slice(1, 5), ['POST', '/account_groups', '2', String(created.lastResponse.status)]);
  assert.equal(second[6], created.lastResponse.requestId);
  assert.equal(second[7], undefined, 'a success names no error');

  // A failed call: a 404 (final), then 503s until maxRetries is used up.
  lines.length = 0;
  await assert.rejects(c.get(missingId), api.ProblemError);
  assert.equal(lines.length, 1);
  assert.match(lines[0], new RegExp(`^upvest-account-groups GET /account_groups/${missingId} attempt=1 status=404 ms=\\d+ request_id=[\\w-]+ error=ProblemError$`));
  lines.length = 0;
  const unavailable = client({ signer, logger: (line) => lines.push(line), fetch: failingFirst(99), maxRetries: 2 });
  await assert.rejects(unavailable.list({ limit: 2 }), (e) => e instanceof api.ProblemError && e.status === 503);
  assert.deepEqual(lines.map((line) => LINE.exec(line)?.slice(3, 5).concat(LINE.exec(line)?.[7], LINE.exec(line)?.[8])), [
    ['1', '503', 'retry', 'ProblemError'],
    ['2', '503', 'retry', 'ProblemError'],
    ['3', '503', 'error', 'ProblemError'],
  ]);
  for (const line of lines) {
    assert.ok(!line.includes(TOKEN) && !line.includes('secret-signature') && !line.includes('Bearer'), line);
  }
});

test('a logger object: its debug method (console, pino, winston, a class), called on the logger; the token request logs too, without the secret', async () => {
  class ClassLogger {
    lines = [];
    debug(line) {
      this.lines.push(line);
    }
  }
  const logger = new ClassLogger();
  await client({ logger }).list({ limit: 1 });
  assert.equal(logger.lines.length, 1);
  assert.match(logger.lines[0], LINE);
  const plainLogger = { lines: [], debug(line) { this.lines.push(line); } };
  const clientSecret = 'mock-client-secret';
  await api.clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret, scopes: ['accounts:read'], logger: plainLogger })();
  assert.equal(plainLogger.lines.length, 1);
  assert.match(plainLogger.lines[0], /^upvest-account-groups POST \/auth\/token attempt=1 status=200 /);
  const spans = [];
  const recording = { startSpan: (name, options) => (spans.push([name, options.attributes['url.template']]), tracer.startSpan(name, options)) };
  await api.clientCredentials({ tokenUrl: `${baseUrl}/auth/token`, clientId, clientSecret, scopes: ['accounts:read'], tracer: recording })();
  assert.deepEqual(spans, [['POST /auth/token', '/auth/token']]);
  assert.ok(!plainLogger.lines[0].includes(clientSecret));
  for (const [option, value] of [['logger', {}], ['logger', 'debug'], ['logger', { info() {} }], ['tracer', {}], ['tracer', () => {}]]) {
    assert.throws(() => client({ [option]: value }), (e) => e instanceof api.InvalidInputError && e.field === option && e.code === 'type', `${option}: ${String(value)}`);
  }
  assert.throws(() => client({ loger: console }), (e) => e instanceof api.InvalidInputError, 'a misspelt option is still refused');
});

test('a logger or tracer that throws or rejects breaks nothing', async () => {
  const broken = {
    startSpan() {
      throw new Error('tracer broke');
    },
    startActiveSpan() {
      throw new Error('tracer broke');
    },
  };
  const throwingSpan = {
    startSpan: () => ({
      setAttribute() {
        throw new Error('span broke');
      },
      setStatus() {},
      end() {
        throw new Error('span broke');
      },
    }),
  };
  for (const extra of [
    { logger: () => { throw new Error('logger broke'); } },
    { logger: () => Promise.reject(new Error('logger rejected')) },
    { logger: { debug() { throw new Error('logger broke'); } } },
    { tracer: broken },
    { tracer: throwingSpan },
  ]) {
    const c = client({ ...extra, fetch: failingFirst(1) });
    const page = await c.list({ limit: 1 });
    assert.equal(page.lastResponse.status, 200);
    await assert.rejects(c.get(missingId), api.ProblemError);
  }
});

test('DEBUG=upvest-account-groups in Node writes the lines to stderr, with no logger; other values and a polluted prototype do not', () => {
  const script = `
    const api = await import(${JSON.stringify(new URL('../../pkg/node/index.mjs', import.meta.url).href)});
    if (process.env.POLLUTE) { Object.prototype.DEBUG = 'upvest-account-groups'; Object.prototype.logger = (l) => console.error('polluted', l); }
    const c = new api.AccountGroups({ baseUrl: ${JSON.stringify(baseUrl)}, clientId: ${JSON.stringify(clientId)}, accessToken: ${JSON.stringify(TOKEN)} });
    await c.list({ limit: 1 });
    await c.get(${JSON.stringify(missingId)}).catch(() => {});
  `;
  const stderrWith = (env) => {
    const { DEBUG: _, ...rest } = process.env;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...rest, ...env }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.status, 0, child.stderr);
    return child.stderr.split('\n').filter(Boolean);
  };
  for (const DEBUG of ['upvest-account-groups', 'express:* upvest-account-groups', 'upvest-*']) {
    const lines = stderrWith({ DEBUG });
    assert.equal(lines.length, 2, `DEBUG=${DEBUG}: ${lines.join('\n')}`);
    assert.match(lines[0], /^upvest-account-groups GET \/account_groups attempt=1 status=200 ms=\d+ request_id=\S+$/);
    assert.match(lines[1], /status=404 .* error=ProblemError$/);
    assert.ok(lines.every((line) => !line.includes(TOKEN)));
  }
  for (const DEBUG of ['upvest-account-groups-other', '*,-upvest-account-groups']) {
    assert.deepEqual(stderrWith({ DEBUG }), [], `DEBUG=${DEBUG}`);
  }
  assert.deepEqual(stderrWith({ POLLUTE: '1' }), [], 'nothing comes from Object.prototype');
});

test('the tracer gets one CLIENT span per attempt with the HTTP semantic conventions, resend_count on retries, parented to the caller’s active span', async () => {
  exporter.reset();
  const c = client({ tracer, fetch: failingFirst(1) });
  let parentContext;
  await tracer.startActiveSpan('caller', async (parent) => {
    parentContext = parent.spanContext();
    const page = await c.list({ limit: 2, sort: 'created_at' });
    assert.equal(page.lastResponse.status, 200);
    parent.end();
  });
  const spans = finished().filter((span) => span.name !== 'caller');
  assert.equal(spans.length, 2);
  const port = Number(new URL(baseUrl).port);
  for (const [i, span] of spans.entries()) {
    assert.equal(span.kind, 2, 'SpanKind.CLIENT');
    assert.equal(span.name, 'GET /account_groups');
    assert.equal(span.spanContext().traceId, parentContext.traceId);
    assert.equal(span.parentSpanContext?.spanId, parentContext.spanId);
    assert.equal(span.ended, true);
    const a = span.attributes;
    assert.equal(a['http.request.method'], 'GET');
    assert.equal(a['server.address'], '127.0.0.1');
    assert.equal(a['server.port'], port);
    assert.equal(a['url.full'], `${baseUrl}/account_groups?sort=created_at&limit=2`);
    assert.equal(a['url.template'], '/account_groups');
    assert.equal(a['http.request.resend_count'], i === 0 ? undefined : i);
    assert.equal(a['http.response.status_code'], i === 0 ? 503 : 200);
    assert.equal(a['error.type'], i === 0 ? '503' : undefined);
    assert.equal(span.status.code, i === 0 ? 2 : 0, 'ERROR for the 503, UNSET for the 200');
    for (const value of Object.values(a)) assert.ok(!String(value).includes(TOKEN));
  }

  // Ids become the API's parameter names in the span's name; a 404 is an error span.
  exporter.reset();
  await assert.rejects(c.get(missingId), api.ProblemError);
  const [missing] = finished();
  assert.equal(missing.name, 'GET /account_groups/{account_group_id}');
  assert.equal(missing.attributes['url.full'], `${baseUrl}/account_groups/${missingId}`);
  assert.equal(missing.attributes['error.type'], '404');
  assert.equal(missing.parentSpanContext, undefined, 'no active span: a root span');
});

test("the request runs inside its span: spans the fetch makes are the attempt span's children", async () => {
  exporter.reset();
  const tracedFetch = (url, init) => tracer.startActiveSpan('inner fetch', (inner) => fetch(url, init).finally(() => inner.end()));
  const userId = crypto.randomUUID();
  await client({ tracer, fetch: tracedFetch }).listForUser(userId, { limit: 1 });
  const inner = finished().find((span) => span.name === 'inner fetch');
  const attempt = finished().find((span) => span.kind === 2);
  assert.equal(attempt.name, 'GET /users/{user_id}/account_groups');
  assert.equal(inner.parentSpanContext?.spanId, attempt.spanContext().spanId);

  // A tracer with startSpan only (no startActiveSpan) is taken too.
  exporter.reset();
  await client({ tracer: { startSpan: (name, options) => tracer.startSpan(name, options) } }).list({ limit: 1 });
  assert.deepEqual(finished().map((span) => [span.name, span.kind, span.attributes['http.response.status_code']]), [['GET /account_groups', 2, 200]]);
});

test('spans end on every path: a timeout, an abort, a network error', async () => {
  const hung = await hanging();
  try {
    exporter.reset();
    const c = client({ baseUrl: hung.url, tracer, maxRetries: 0 });
    await assert.rejects(c.get(missingId, { timeoutMs: 100 }), api.TimeoutError);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 100);
    await assert.rejects(c.get(missingId, { signal: controller.signal }), /stop/);
    const [timedOut, aborted] = finished();
    assert.equal(timedOut.attributes['error.type'], 'TimeoutError');
    assert.equal(timedOut.attributes['http.response.status_code'], undefined);
    assert.equal(timedOut.status.code, 2);
    assert.equal(aborted.attributes['error.type'], 'AbortError');
    assert.equal(aborted.status.code, 2);
  } finally {
    await hung.close();
  }
  const closed = await hanging();
  await closed.close();
  exporter.reset();
  const lines = [];
  const c = client({ baseUrl: closed.url, tracer, logger: (line) => lines.push(line), maxRetries: 1 });
  await assert.rejects(c.get(missingId), api.NetworkError);
  assert.deepEqual(finished().map((span) => [span.attributes['error.type'], span.attributes['http.request.resend_count']]), [['NetworkError', undefined], ['NetworkError', 1]]);
  assert.match(lines[0], /attempt=1 status=0 ms=\d+ request_id=- retry=NetworkError wait_ms=\d+$/);
  assert.match(lines[1], /attempt=2 status=0 ms=\d+ request_id=- error=NetworkError$/);
});
