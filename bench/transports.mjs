// The transports alone, no client around them (README, Decisions: the transport in Node): a
// `get` of one group from the bench server (bench/server.mjs, started here on 127.0.0.1 and
// stopped), sequential and 64 in flight, over node:http with a keep-alive agent (the
// benchmark's limit), undici's `request()`, a dispatch on an undici pool with a handler of its
// own (what js/node-dispatch.js does), and Node's fetch (the benchmark's floor, by hand); each
// parses the JSON. Rounds taken in turn; medians of wall time and
// CPU per call. Also how long requiring undici takes, in this process.
// Usage: node bench/transports.mjs [in flight, default 1] [calls per round, default 2000]
import http from 'node:http';
import { createRequire } from 'node:module';
import { GROUP_ID, headers, limit } from './contenders.mjs';
import { startServer } from './start-server.mjs';

const require = createRequire(import.meta.url);
const inFlight = Number(process.argv[2] ?? 1);
const calls = Number(process.argv[3] ?? 2000);
const server = await startServer();
try {
  const base = server.url;
  const started = performance.now();
  const undici = require('undici');
  const undiciMs = performance.now() - started;
  const path = `/account_groups/${GROUP_ID}`;
  const flat = Object.entries(headers).flat();
  const origin = new URL(base).origin;
  const pool = new undici.Agent({ connections: 128 });
  const json = (chunks) => JSON.parse((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString());
  const contenders = {
    'node:http': limit(http, base).get,
    'undici request()': async () => JSON.parse(await (await pool.request({ origin, path, method: 'GET', headers: flat })).body.text()),
    'undici dispatch': () => new Promise((resolve, reject) => {
      const chunks = [];
      pool.dispatch({ origin, path, method: 'GET', headers: flat }, {
        onConnect() {},
        onHeaders: () => true,
        onData: (chunk) => chunks.push(chunk) > 0,
        onComplete: () => resolve(json(chunks)),
        onError: reject,
      });
    }),
    fetch: async () => (await fetch(base + path, { headers })).json(),
  };
  const batch = async (call, count) => {
    let next = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next++ < count) await call();
    }));
  };
  for (const call of Object.values(contenders)) await batch(call, 300);
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, { wall: [], cpu: [] }]));
  for (let round = 0; round < 7; round += 1) {
    for (const [name, call] of Object.entries(contenders)) {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      await batch(call, calls);
      const used = process.cpuUsage(cpu);
      samples[name].wall.push(((performance.now() - wall) * 1000) / calls);
      samples[name].cpu.push((used.user + used.system) / calls);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(`require('undici'): ${undiciMs.toFixed(1)} ms; ${inFlight} in flight, medians of 7 rounds of ${calls} calls`);
  for (const [name, { wall, cpu }] of Object.entries(samples)) console.log(`${name.padEnd(17)} ${median(wall).toFixed(1).padStart(7)} µs a call, ${median(cpu).toFixed(1).padStart(7)} µs of CPU`);
  await pool.close();
} finally {
  server.stop();
}
