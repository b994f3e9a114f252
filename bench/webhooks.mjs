// `node bench/webhooks.mjs`: figures for the webhook receiver over BullMQ (issue 27, item 6),
// not asserted by any test. One real Redis (tests/node/redis-server.mjs: loopback, AOF on) and
// three receiver processes (tests/node/webhook-replica.mjs: node:http, createWebhookReceiver,
// BullMQWebhookStore over one BullMQ 6 queue). Deliveries are signed here, as Upvest signs them,
// by a P-521 key of this script (tests/shared/webhook-verifier-cases.mjs: newSigner,
// signDelivery; the replicas are given its public key as a JWKS), before the clock starts.
//
// (a) events recorded per second: many signed deliveries of N fresh events each, POSTed
//     round-robin to the three replicas, a fixed number in flight; rounds, median and spread.
// (b) the latency one delivery of 100 events adds: time to a 2xx (response read to its end) from
//     one receiver, against a bare node:http server that reads the body and answers 200 (the
//     floor), taking turns, one delivery at a time, over loopback; p50 and p99.
//
// Prints a markdown table and writes it, with the machine and the command, to
// bench/results/webhooks.md.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { freshBody, newSigner, signDelivery } from '../tests/shared/webhook-verifier-cases.mjs';
import { freePort, startRedis } from '../tests/node/redis-server.mjs';
import { summary } from './stats.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const replicaScript = `${root}tests/node/webhook-replica.mjs`;
const plan = {
  rounds: 5,
  throughput: [
    { events: 100, deliveries: 60, inFlight: 24 },
    { events: 10, deliveries: 300, inFlight: 24 },
  ],
  latencyEvents: 100,
  latencySamples: 300,
  latencyWarmup: 30,
};
const READY_MS = 15_000;
const now = () => performance.now();

/** A replica (or, with `--floor`, the bare server) on a free port; `stop()` ends it by PID. */
async function startReplica(args, env) {
  const port = await freePort();
  const child = spawn(process.execPath, [replicaScript, '--port', String(port), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const stop = () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM');
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`replica not ready within ${READY_MS} ms`)), READY_MS);
      child.once('exit', (code) => reject(new Error(`replica exited (${code}) before it was ready`)));
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        line === `ready ${port}` ? resolve() : reject(new Error(`unexpected line from the replica: ${line}`));
      });
    });
  } catch (error) {
    stop();
    throw error;
  }
  child.removeAllListeners('exit');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return { port, agent, stop: () => (agent.destroy(), stop()) };
}

/** POSTs a signed delivery; resolves with the status once the response is read to its end. */
function post(target, delivery) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: target.port, path: delivery.url, method: 'POST', headers: delivery.headers, agent: target.agent }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end(delivery.body);
  });
}

/** `count` deliveries of `events` fresh events each, signed now (valid for 60 s). */
async function signed(signer, count, events) {
  const deliveries = [];
  for (let i = 0; i < count; i += 1) {
    const payload = Array.from({ length: events }, () => JSON.parse(freshBody()).payload[0]);
    deliveries.push(await signDelivery(signer, { url: '/hooks', body: JSON.stringify({ payload }) }));
  }
  return deliveries;
}

/** Runs `task(i)` for i below `total`, `width` at a time. */
async function inFlight(total, width, task) {
  let next = 0;
  const worker = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const fixed = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

const loadAtStart = os.loadavg()[0];
const redis = await startRedis();
const started = [];
const queueName = `bench-events-${crypto.randomUUID()}`;
const queue = new Queue(queueName, { connection: redis.connection });
queue.on('error', () => {});
try {
  const signer = await newSigner();
  const env = { UPVEST_TEST_JWKS: JSON.stringify({ keys: [signer.jwk] }) };
  const receiverArgs = ['--redis-port', String(redis.port), '--queue', queueName, '--store-timeout-ms', '10000'];
  const replicas = await Promise.all([0, 1, 2].map(() => startReplica(receiverArgs, env)));
  started.push(...replicas);
  const floor = await startReplica(['--floor'], {});
  started.push(floor);
  let posted = 0;

  /** POSTs the deliveries round-robin to the replicas; throws on any answer but 200. */
  const postAll = async (deliveries, width) => {
    await inFlight(deliveries.length, width, async (i) => {
      const status = await post(replicas[i % 3], deliveries[i]);
      if (status !== 200) throw new Error(`a replica answered ${status}`);
    });
  };

  // (a) Throughput. A warm-up round first (connections, the replicas' JIT, BullMQ's scripts).
  await postAll(await signed(signer, 30, 10), 24);
  posted += 300;
  const throughput = [];
  for (const row of plan.throughput) {
    const rates = [];
    for (let round = 0; round < plan.rounds; round += 1) {
      const deliveries = await signed(signer, row.deliveries, row.events);
      const begun = now();
      await postAll(deliveries, row.inFlight);
      rates.push((row.deliveries * row.events) / ((now() - begun) / 1000));
      posted += row.deliveries * row.events;
    }
    throughput.push({ ...row, rates: summary(rates) });
    console.error(`throughput, ${row.events} events a delivery: ${rates.map(fixed).join(', ')} events/s`);
  }
  const jobs = await queue.getJobCountByTypes('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed');
  if (jobs !== posted) throw new Error(`${posted} events were posted, but the queue holds ${jobs} jobs`);

  // (b) Latency of one delivery of 100 events, receiver and floor taking turns.
  const contenders = [
    { name: 'bare node:http, reads the body, 200 (floor)', target: floor },
    { name: 'createWebhookReceiver + BullMQWebhookStore', target: replicas[0] },
  ];
  const total = plan.latencyWarmup + plan.latencySamples;
  const samples = contenders.map(() => []);
  // Signed in batches, so that none is near its expiry (60 s) when sent.
  for (let at = 0; at < total; at += 50) {
    const batch = Math.min(50, total - at);
    const deliveries = await Promise.all(contenders.map(() => signed(signer, batch, plan.latencyEvents)));
    for (let i = 0; i < batch; i += 1) {
      for (let k = 0; k < contenders.length; k += 1) {
        const c = (at + i + k) % contenders.length;
        const begun = now();
        const status = await post(contenders[c].target, deliveries[c][i]);
        const ms = now() - begun;
        if (status !== 200) throw new Error(`${contenders[c].name} answered ${status}`);
        if (at + i >= plan.latencyWarmup) samples[c].push(ms);
      }
    }
  }
  const latency = contenders.map(({ name }, c) => {
    const sorted = samples[c].sort((a, b) => a - b);
    return { name, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), n: sorted.length };
  });
  const [base, receiver] = latency;

  // Redis rewrites its AOF in a forked child as it grows (auto-aof-rewrite-*), which takes a core meanwhile.
  const persistence = (() => {
    try {
      return execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'persistence'], { encoding: 'utf8' });
    } catch {
      return '';
    }
  })();
  const aofRewrites = /aof_rewrites:(\d+)/.exec(persistence)?.[1] ?? 'unknown';
  const cpus = os.cpus();
  const bullmqVersion = JSON.parse(readFileSync(`${root}node_modules/bullmq/package.json`, 'utf8')).version;
  const redisVersion = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1];
  const lines = [
    '# Webhook receiver figures',
    '',
    `Run by \`node bench/webhooks.mjs\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${cpus.length} cores (${cpus[0]?.model.trim()}), Node ${process.version}, redis-server ${redisVersion} (AOF on, appendfsync everysec; ${aofRewrites} AOF rewrites during the run), BullMQ ${bullmqVersion}; everything on this one machine, over loopback (1-minute load average ${loadAtStart.toFixed(2)} at the start: other work shares the cores).`,
    'Three replicas (`tests/node/webhook-replica.mjs`: `node:http`, `createWebhookReceiver`, `BullMQWebhookStore` over one queue) and one Redis; deliveries signed by the script (P-521, given to the replicas as a JWKS), before the clock starts, each of fresh events.',
    '',
    `## Events recorded per second (three replicas, one Redis; median [p25–p75] of ${plan.rounds} rounds)`,
    '',
    '| events a delivery | deliveries a round | in flight | events recorded per s | deliveries per s |',
    '|---|---|---|---|---|',
    ...throughput.map(({ events, deliveries, inFlight: width, rates }) => `| ${events} | ${deliveries} | ${width} | ${fixed(rates.median)} [${fixed(rates.p25)}–${fixed(rates.p75)}] | ${fixed(rates.median / events)} |`),
    '',
    `## Latency of one delivery of ${plan.latencyEvents} events (time to a 2xx, one at a time, ${base.n} samples each after ${plan.latencyWarmup} warm-up, taking turns)`,
    '',
    '| server | p50 (ms) | p99 (ms) |',
    '|---|---|---|',
    ...latency.map(({ name, p50, p99 }) => `| ${name} | ${fixed(p50)} | ${fixed(p99)} |`),
    `| added by the receiver | ${fixed(receiver.p50 - base.p50)} | ${fixed(receiver.p99 - base.p99)} |`,
    '',
    'The receiver\'s time covers checking the signature and the digest (P-521), parsing and checking the events, and one `addBulk` of 100 jobs with deduplication that Redis has applied (and written to its AOF) before the 2xx. Each machine differs: compare rows of one run, not runs.',
    '',
  ];
  const table = lines.join('\n');
  console.log(table);
  writeFileSync(`${root}bench/results/webhooks.md`, table);
} finally {
  for (const s of started) s.stop();
  await queue.close().catch(() => {});
  await redis.stop();
}
