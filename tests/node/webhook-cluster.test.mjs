// Webhooks across replicas, with real parts (issue 27, item 5): three receiver processes
// (tests/node/webhook-replica.mjs: node:http, createWebhookReceiver, BullMQWebhookStore over a
// BullMQ 6 Queue) on fixed loopback ports behind the native mock's round-robin delivery
// (--webhook-url three times; a failed POST is retried at the next replica), one real Redis with
// its append-only file. Events come from creating and closing account groups through the client
// (a create: CREATED and ACTIVATED; a close: CLOSING_INITIATED, then CLOSED). Meanwhile a replica
// is SIGKILLed on a request and restarted on its port, Redis is SIGKILLed and restarted on its
// AOF, and a replica is SIGKILLed on a request while Redis is down. At the end every event is
// exactly one job (jobId the event id), none missing, none twice, and a plain BullMQ Worker
// processes each once. Also: one signed delivery POSTed to two replicas at the same moment is
// one job per event. Everything started here is stopped by PID in `after`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import * as api from '../../pkg/node/index.mjs';
import { startMock } from '../../scripts/with-mock.mjs';
import { freshBody, newSigner, signDelivery } from '../shared/webhook-verifier-cases.mjs';
import { freePort, startRedis } from './redis-server.mjs';

const replicaScript = fileURLToPath(new URL('./webhook-replica.mjs', import.meta.url));
const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const TYPES = ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED', 'ACCOUNT_GROUP.CLOSING_INITIATED', 'ACCOUNT_GROUP.CLOSED'];
const READY_MS = 10_000;
const WAIT_MS = 20_000;
/** A replica waits this long for Redis before answering 503. */
const STORE_TIMEOUT_MS = 400;
const JOB_STATES = ['wait', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'paused', 'waiting-children'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `check()`'s first truthy value (it may be async), polled every 50 ms; rejects after `ms`. */
async function until(ms, what, check) {
  const limit = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > limit) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(50);
  }
}

/**
 * A replica process on a fixed port: `start()` spawns it and resolves once it listens, `kill()`
 * SIGKILLs it by PID, `killOnNextRequest()` SIGKILLs it as soon as it reports a request coming in
 * (so, most likely, while the request is being recorded). `answers` counts its answers by status.
 */
function replica(name, port, { redisPort, queue, jwks }) {
  let child;
  let onRequest;
  const answers = {};
  const self = {
    name,
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    answers,
    requests: 0,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      const args = [replicaScript, '--port', String(port), '--redis-port', String(redisPort), '--queue', queue, '--store-timeout-ms', String(STORE_TIMEOUT_MS), '--log'];
      child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UPVEST_TEST_JWKS: JSON.stringify(jwks) } });
      const started = child;
      const exited = new Promise((resolve) => started.once('exit', resolve));
      let ready;
      const listening = new Promise((resolve) => (ready = resolve));
      createInterface({ input: started.stdout }).on('line', (line) => {
        if (line === `ready ${port}`) ready(true);
        else if (line === 'start') {
          self.requests += 1;
          onRequest?.();
        } else if (line.startsWith('answer ')) answers[line.slice(7)] = (answers[line.slice(7)] ?? 0) + 1;
      });
      let timer;
      const late = new Promise((resolve) => (timer = setTimeout(resolve, READY_MS, 'late')));
      const outcome = await Promise.race([listening, exited.then((code) => `exited (${code})`), late]);
      clearTimeout(timer);
      if (outcome !== true) throw new Error(`replica ${name} on port ${port}: ${outcome === 'late' ? `not ready within ${READY_MS} ms` : outcome}`);
    },
    async kill() {
      if (!self.running) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
    /** Resolves once the replica was SIGKILLed on a request; rejects if none comes within `ms`. */
    async killOnNextRequest(ms) {
      let timer;
      try {
        await new Promise((resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no request reached replica ${name} within ${ms} ms`)), ms);
          onRequest = () => {
            onRequest = undefined;
            child.kill('SIGKILL');
            resolve();
          };
        });
      } finally {
        clearTimeout(timer);
        onRequest = undefined;
      }
      await self.kill();
    },
  };
  return self;
}

/** Creates and closes account groups one after another until `stop()`, which resolves with their ids. */
function driveGroups(client, pauseMs) {
  const groups = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      const { id } = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' });
      groups.push(id);
      await client.close(id);
      await sleep(pauseMs);
    }
  })();
  return {
    groups,
    async stop() {
      stopped = true;
      await running;
      return groups;
    },
  };
}

/** Every job in the queue, whatever its state. */
const allJobs = async (queue) => (await queue.getJobs(JOB_STATES, 0, -1)).filter(Boolean);

describe('webhooks across three replicas, one Redis, the mock as load balancer', () => {
  let redis;
  let mock;
  let signer;
  let client;
  let replicas = [];
  const queueName = `upvest-events-${crypto.randomUUID()}`;
  const closing = [];
  /** Event ids of the deliveries this file signed itself (not the mock's). */
  const ownEventIds = new Set();

  before(async () => {
    redis = await startRedis();
    const ports = [];
    while (ports.length < 3) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const urls = ports.map((port) => `http://127.0.0.1:${port}/hooks`);
    // A retry 50 ms after a failed POST (then 100, 150, 250 …), CLOSED 300 ms after a close.
    mock = await startMock(['--webhook-retry-base-ms', '50', '--close-delay-ms', '300', ...urls.flatMap((url) => ['--webhook-url', url])]);
    client = new api.AccountGroups({ baseUrl: mock.url, clientId, accessToken: 't' });
    // The replicas trust the mock's key and this file's own signer.
    signer = await newSigner();
    const mockKeys = await client.verifyKeys();
    const jwks = { keys: [...mockKeys.keys, signer.jwk] };
    replicas = ports.map((port, i) => replica('abc'[i], port, { redisPort: redis.port, queue: queueName, jwks }));
    await Promise.all(replicas.map((r) => r.start()));
  });

  after(async () => {
    for (const close of closing.reverse()) await close().catch(() => {});
    for (const r of replicas) await r.kill();
    mock?.stop();
    await redis?.stop();
  });

  /** A Queue on the test's Redis, closed in `after` (or by the caller). */
  const watch = (name = queueName) => {
    const queue = new Queue(name, { connection: redis.connection });
    queue.on('error', () => {});
    closing.push(() => queue.close());
    return queue;
  };

  test('one signed delivery POSTed to two replicas at the same moment is one job per event', async () => {
    // Twelve deliveries of ten fresh events, each sent to a pair of replicas at once: 24 POSTs in flight.
    const deliveries = [];
    for (let i = 0; i < 12; i += 1) {
      const payload = Array.from({ length: 10 }, () => JSON.parse(freshBody()).payload[0]);
      for (const event of payload) ownEventIds.add(event.id);
      deliveries.push(await signDelivery(signer, { url: '/hooks', body: JSON.stringify({ payload }) }));
    }
    const posts = deliveries.flatMap((delivery, i) =>
      [replicas[i % 3], replicas[(i + 1) % 3]].map((r) => fetch(r.url, { method: 'POST', headers: delivery.headers, body: delivery.body }).then((response) => response.status)),
    );
    const statuses = await Promise.all(posts);
    assert.deepEqual(statuses, Array(24).fill(200), 'every POST answered 200 (the second of a pair finds its events recorded)');
    const queue = watch();
    const jobs = (await allJobs(queue)).filter((job) => ownEventIds.has(job.data.id));
    assert.equal(jobs.length, ownEventIds.size, `${ownEventIds.size} events, one job each`);
    assert.equal(new Set(jobs.map((job) => job.id)).size, jobs.length);
    assert.ok(jobs.every((job) => job.id === job.data.id && job.name === job.data.type));
  });

  test('replica and Redis SIGKILLed mid-run: every event the mock emitted is one job, processed once by a Worker', { timeout: 90_000 }, async () => {
    const [, b, c] = replicas;
    const driver = driveGroups(client, 25);
    await sleep(800);

    // A replica SIGKILLed on a request and restarted on its port: the mock retries at the next one.
    await b.killOnNextRequest(WAIT_MS);
    await sleep(500);
    await b.start();
    await sleep(800);

    // Redis SIGKILLed and restarted on its AOF: meanwhile every replica answers 503 and the mock
    // retries, holding later deliveries back.
    const before503 = replicas.reduce((n, r) => n + (r.answers['503'] ?? 0), 0);
    await redis.kill();
    await sleep(1000);
    await redis.start();
    await sleep(1000);

    // A replica SIGKILLed on a request while Redis is down (what it had not recorded is not
    // acknowledged, so it is delivered again), restarted while Redis is still down.
    await redis.kill();
    await c.killOnNextRequest(WAIT_MS);
    await c.start();
    await sleep(300);
    await redis.start();
    await sleep(800);

    const groups = await driver.stop();
    const answered503 = replicas.reduce((n, r) => n + (r.answers['503'] ?? 0), 0) - before503;
    assert.ok(answered503 > 0, 'deliveries were refused while Redis was down');
    assert.ok(groups.length >= 20, `enough groups were made (${groups.length})`);

    // Each group's four events, and this file's own deliveries, all recorded.
    const expected = new Set(groups.flatMap((id) => TYPES.map((type) => `${id} ${type}`)));
    const expectedJobs = expected.size + ownEventIds.size;
    const queue = watch();
    const keyOf = (job) => `${job.data.object.id} ${job.data.type}`;
    // Bounded; if some never come, the assertions below say which.
    await until(WAIT_MS, `all ${expectedJobs} events recorded`, async () => {
      const seen = new Set((await allJobs(queue)).map(keyOf));
      return [...expected].every((key) => seen.has(key));
    }).catch(() => {});
    // Time for a redelivery that would make a second job (a retry comes 50 ms after a failure).
    await sleep(500);
    const jobs = await allJobs(queue);
    const perEvent = new Map();
    for (const job of jobs) if (!ownEventIds.has(job.data.id)) perEvent.set(keyOf(job), (perEvent.get(keyOf(job)) ?? 0) + 1);
    // Counts, and a few of each kind (a list of hundreds helps nobody).
    const some = (keys) => ({ count: keys.length, some: keys.slice(0, 3) });
    const twice = some([...perEvent].filter(([, n]) => n > 1).map(([key]) => key));
    const unexpected = some([...perEvent.keys()].filter((key) => !expected.has(key)));
    const missing = some([...expected].filter((key) => !perEvent.has(key)));
    const none = { count: 0, some: [] };
    assert.deepEqual({ twice, unexpected, missing }, { twice: none, unexpected: none, missing: none }, `each of the ${expected.size} events of ${groups.length} groups is one job`);
    assert.equal(jobs.length, expectedJobs, 'one job per event');
    assert.equal(new Set(jobs.map((job) => job.data.id)).size, expectedJobs, 'no event id in two jobs');
    for (const job of jobs) {
      assert.equal(job.id, job.data.id, 'jobId is the event id');
      assert.equal(job.name, job.data.type, 'the job name is the event type');
    }
    const quarantine = watch(`${queueName}-quarantine`);
    assert.equal((await allJobs(quarantine)).length, 0, 'nothing quarantined');

    // A plain BullMQ Worker processes each job once.
    const processed = new Map();
    const worker = new Worker(queueName, async (job) => void processed.set(job.id, (processed.get(job.id) ?? 0) + 1), { connection: redis.connection, concurrency: 16 });
    worker.on('error', () => {});
    closing.push(() => worker.close());
    await until(WAIT_MS, `the Worker completing ${expectedJobs} jobs`, async () => processed.size === expectedJobs && (await queue.getJobCountByTypes('completed')) === expectedJobs);
    await sleep(300);
    await worker.close();
    assert.deepEqual([...processed.values()].filter((n) => n !== 1), [], 'each job processed once');
    assert.deepEqual(new Set(processed.keys()), new Set(jobs.map((job) => job.id)));
    const counts = await queue.getJobCounts(...JOB_STATES);
    assert.deepEqual(counts, { ...Object.fromEntries(JOB_STATES.map((state) => [state, 0])), completed: expectedJobs });
    console.log(`# ${groups.length} groups, ${expectedJobs} events (${ownEventIds.size} signed here), ${answered503} answers 503 while Redis was down; answers by replica: ${JSON.stringify(Object.fromEntries(replicas.map((r) => [r.name, r.answers])))}`);
  });
});
