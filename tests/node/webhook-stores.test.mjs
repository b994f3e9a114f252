// The webhook store contract (tests/shared/webhook-store-contract.mjs) against each store the
// package ships: MemoryWebhookStore, and BullMQWebhookStore on a real Redis (started here on a
// free loopback port) with BullMQ 6 and BullMQ 5, whose jobs a plain BullMQ Worker processes
// (and removes, as `removeOnComplete` does). Also: the stores' option checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as bullmq6 from 'bullmq';
import * as bullmq5 from 'bullmq5';
import * as api from '../../pkg/node/index.mjs';
import { BullMQWebhookStore } from '../../pkg/bullmq/index.mjs';
import { eventRecord, storeContractCases } from '../shared/webhook-store-contract.mjs';
import { startRedis } from './redis-server.mjs';

describe('MemoryWebhookStore', () => {
  for (const [name, run] of Object.entries(storeContractCases)) {
    test(name, async () => {
      const shared = new api.MemoryWebhookStore();
      const taken = [];
      await run({
        // One process: "another replica" is the same store (it cannot be shared further).
        store: () => shared,
        recorded: () => {
          taken.push(...shared.take());
          return taken.map(({ id, type, event }) => ({ id, type, event }));
        },
        settle: async () => {
          taken.push(...shared.take());
        },
        quarantined: () => shared.quarantined().map(({ id, body, reason }) => ({ id, body: new TextDecoder().decode(body), reason })),
      });
    });
  }

  test('remembers ids for its window, and at most maxIds of them', async () => {
    let now = 0;
    const store = new api.MemoryWebhookStore({ windowMs: 1000, maxIds: 2, now: () => now });
    const [a, b, c] = [eventRecord(), eventRecord(), eventRecord()];
    assert.deepEqual({ ...(await store.record([a])) }, { recorded: 1, duplicates: 0 });
    now = 999;
    assert.deepEqual({ ...(await store.record([a])) }, { recorded: 0, duplicates: 1 }, 'within the window');
    now = 1000;
    assert.deepEqual({ ...(await store.record([a])) }, { recorded: 1, duplicates: 0 }, 'after it');
    await store.record([b, c]);
    assert.deepEqual({ ...(await store.record([a])) }, { recorded: 1, duplicates: 0 }, 'a, the oldest of three, was forgotten for maxIds: 2');
    assert.equal(store.take().length, 5);
    assert.equal(store.pending, 0);
  });

  test('bad options and bad records are InvalidInputError, and record nothing', async () => {
    for (const [options, field] of [[{ windowMs: 0 }, 'windowMs'], [{ maxIds: 1.5 }, 'maxIds'], [{ now: 1 }, 'now'], [{ size: 1 }, 'size'], [7, 'options']]) {
      assert.throws(() => new api.MemoryWebhookStore(options), (e) => e instanceof api.InvalidInputError && e.field === field, JSON.stringify(options));
    }
    const store = new api.MemoryWebhookStore();
    await assert.rejects(store.record([eventRecord(), { id: 1, type: 'X' }]), (e) => e instanceof api.InvalidInputError && e.field === 'events[1]');
    assert.equal(store.pending, 0, 'the good record before the bad one was not kept');
  });
});

for (const [label, bullmq] of [['BullMQ 6', bullmq6], ['BullMQ 5', bullmq5]]) {
  describe(`BullMQWebhookStore (${label}, real Redis)`, () => {
    let redis;
    const closing = [];
    before(async () => {
      redis = await startRedis();
    });
    after(async () => {
      for (const close of closing.reverse()) await close().catch(() => {});
      await redis?.stop();
    });

    /** A queue of its own per case, processed by a Worker that removes completed jobs. */
    async function harness() {
      const name = `events-${crypto.randomUUID()}`;
      const connection = redis.connection;
      const processed = [];
      const worker = new bullmq.Worker(name, async (job) => void processed.push({ id: job.id, type: job.name, event: job.data }), { connection, concurrency: 4 });
      const watcher = new bullmq.Queue(name, { connection });
      // BullMQ 5's close() before the worker is ready leaves its connections open.
      await worker.waitUntilReady();
      closing.push(() => worker.close(), () => watcher.close());
      const settle = async () => {
        for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 20))) {
          const counts = await watcher.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
          if (Object.values(counts).every((n) => n === 0)) return;
        }
        throw new Error('the worker did not finish the queue within 10 s');
      };
      return {
        name,
        store: async () => {
          // Each call: another replica, with a connection of its own.
          const queue = new bullmq.Queue(name, { connection, defaultJobOptions: { removeOnComplete: true } });
          const store = new BullMQWebhookStore({ queue });
          closing.push(() => store.close(), () => queue.close());
          return store;
        },
        recorded: async () => {
          await settleFully(settle);
          return processed.slice();
        },
        settle: () => settleFully(settle),
        quarantined: async () => {
          const quarantine = new bullmq.Queue(`${name}-quarantine`, { connection });
          closing.push(() => quarantine.close());
          const jobs = await quarantine.getJobs(['wait']);
          return jobs.map((job) => ({ id: job.id, body: job.data.body, reason: job.data.reason, name: job.name, encoding: job.data.encoding }));
        },
      };
    }

    for (const [name, run] of Object.entries(storeContractCases)) test(name, async () => run(await harness()));

    test('each job: jobId the event id, name its type, data the event; a body that is not UTF-8 is kept as base64', async () => {
      const h = await harness();
      const queue = new bullmq.Queue(h.name, { connection: redis.connection });
      const store = new BullMQWebhookStore({ queue });
      closing.push(() => store.close(), () => queue.close());
      const record = eventRecord();
      await store.record([record]);
      const job = await queue.getJob(record.id);
      assert.deepEqual({ id: job.id, name: job.name, data: job.data }, { id: record.id, name: record.type, data: record.event });
      await store.quarantine({ id: 'sha256-00', body: new Uint8Array([0xff, 0xfe, 0x41]), reason: 'not UTF-8', receivedAt: new Date().toISOString() });
      const [kept] = await h.quarantined();
      assert.deepEqual({ name: kept.name, body: kept.body, encoding: kept.encoding }, { name: 'quarantined-delivery', body: '//5B', encoding: 'base64' });
    });
  });
}

test('BullMQWebhookStore refuses what is not a queue, and a window under a day', () => {
  const queue = new bullmq6.Queue('never-connected', { connection: { host: '127.0.0.1', port: 1, lazyConnect: true } });
  for (const [options, field] of [[{}, 'queue'], [{ queue: {} }, 'queue'], [{ queue, deduplicationWindowMs: 60_000 }, 'deduplicationWindowMs'], [{ queue, extra: 1 }, 'extra']]) {
    assert.throws(() => new BullMQWebhookStore(options), (e) => e instanceof api.InvalidInputError && e.field === field, Object.keys(options).join());
  }
  return queue.close();
});

/** Twice settled in a row: a job added while the first check ran is seen by the second. */
async function settleFully(settle) {
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await settle();
}
