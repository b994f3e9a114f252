// Two builds of the package in one process, taking turns round by round, over the loopback
// bench server (bench/server.mjs) on the default transport: `get` sequential, 64 in flight, and
// iterating. For before-and-after figures of per-call work, where full runs vary too much.
// Usage: node bench/paired-http.mjs <pkg dir A> <pkg dir B> [rounds] [rows: get,cpu,flight,iterate,page,iterate-cpu]
// (A build outside this repository must find undici: link a node_modules beside it.)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './start-server.mjs';

const [dirA, dirB, roundsArg = '17', rowsArg = 'get,flight,iterate'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/paired-http.mjs <pkg dir A> <pkg dir B> [rounds] [rows]');
  process.exit(2);
}
const load = (dir) => import(pathToFileURL(resolve(dir, 'node/index.mjs')).href);
const builds = { A: await load(dirA), B: await load(dirB) };
const server = await startServer();
const { url } = server;
const GROUP_ID = '0000002a-0000-4000-8000-00000000002a';
const options = { baseUrl: url, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 'bench-token', maxRetries: 0 };
const clients = Object.fromEntries(Object.entries(builds).map(([name, api]) => [name, new api.AccountGroups(options)]));
const now = () => performance.now();
const rowsWanted = rowsArg.split(',');
const cpuMicros = (since) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};
const work = {
  get: async (c) => {
    const n = 300;
    const t = now();
    for (let i = 0; i < n; i += 1) await c.get(GROUP_ID);
    return ((now() - t) * 1000) / n;
  },
  // This process's CPU time a sequential get (the server is another process): the package's own
  // work, less disturbed by other load on the machine than wall time.
  cpu: async (c) => {
    const n = 300;
    const since = process.cpuUsage();
    for (let i = 0; i < n; i += 1) await c.get(GROUP_ID);
    return cpuMicros(since) / n;
  },
  flight: async (c) => {
    const total = 3000;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next += 1;
        await c.get(GROUP_ID);
      }
    };
    const t = now();
    await Promise.all(Array.from({ length: 64 }, worker));
    return total / ((now() - t) / 1000);
  },
  // This process's CPU time a page of 1000 groups, and iterating 20,000 (as cpu above).
  page: async (c) => {
    const since = process.cpuUsage();
    for (let i = 0; i < 20; i += 1) await c.list({ offset: 0, limit: 1000 });
    return cpuMicros(since) / 1000 / 20;
  },
  'iterate-cpu': async (c) => {
    const since = process.cpuUsage();
    let seen = 0;
    for await (const g of c.iterate({ pageSize: 1000 })) {
      seen += g.id ? 1 : 0;
      if (seen === 20_000) break;
    }
    return cpuMicros(since) / 1000;
  },
  iterate: async (c) => {
    const t = now();
    let seen = 0;
    for await (const g of c.iterate({ pageSize: 1000 })) {
      seen += g.id ? 1 : 0;
      if (seen === 50_000) break;
    }
    return now() - t;
  },
};
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
const rounds = Number(roundsArg);
try {
  for (const row of rowsWanted) {
    const times = { A: [], B: [] };
    for (let round = -2; round < rounds; round += 1) {
      for (const name of round % 2 ? ['A', 'B'] : ['B', 'A']) {
        globalThis.gc?.();
        const value = await work[row](clients[name]);
        if (round >= 0) times[name].push(value);
      }
    }
    const [a, b] = [median(times.A), median(times.B)];
    const unit = { get: 'µs/call', cpu: 'CPU µs/call', flight: 'calls/s', iterate: 'ms for 50,000', page: 'CPU ms/page', 'iterate-cpu': 'CPU ms for 20,000' }[row];
    console.log(`${row}: A ${a.toFixed(1)} B ${b.toFixed(1)} ${unit}  B/A ${(b / a).toFixed(3)}  (median of ${rounds})`);
  }
} finally {
  server.stop();
}
