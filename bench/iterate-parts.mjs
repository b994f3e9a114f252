// Where iterating's time goes beyond the pages it reads (README, Benchmark): 20,000 groups from
// the bench server (bench/server.mjs, started here on 127.0.0.1 and stopped), eight ways, taking
// turns, in one process: the floor (fetch + JSON.parse, 20 pages); `list` 20 pages of 1000 in a
// plain loop; the pages `iterate` reads (each
// after the first starts 10 groups back, and a page holds at most 1000, so 21 of them); those
// pages with each group's id checked in a `Set` per page, and in one `Set` for the whole walk
// (what `iterate` remembers), and those with the next page asked for before this one is used;
// `iteratePages` (a `for await` step a page); and `iterate` itself (a step a group). Medians of 15 rounds of this
// process's CPU and of wall time, in ms.
// Usage: node --expose-gc bench/iterate-parts.mjs [pkg dir, default pkg/]
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { headers } from './contenders.mjs';
import { startServer } from './start-server.mjs';

const TOTAL = 20_000;
const OVERLAP = 10;
const api = await import(pathToFileURL(resolve(process.argv[2] ?? fileURLToPath(new URL('../pkg', import.meta.url)), 'node/index.mjs')).href);
const server = await startServer();
try {
  const baseUrl = server.url;
  const client = new api.AccountGroups({ baseUrl, clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 't', maxRetries: 0 });
  let seen = 0;
  /** The pages `iterate` reads, each handed to `use`. */
  const overlapping = async (use) => {
    for (let offset = 0; offset < TOTAL; offset += 1000 - OVERLAP) use((await client.list({ offset: Math.max(0, offset - OVERLAP), limit: 1000 })).data);
  };
  const ways = {
    'fetch + JSON.parse, 20 pages (floor)': async () => {
      for (let offset = 0; offset < TOTAL; offset += 1000) for (const group of (await (await fetch(`${baseUrl}/account_groups?offset=${offset}&limit=1000`, { headers })).json()).data) seen += group.id.length;
    },
    'list, 20 pages': async () => {
      for (let offset = 0; offset < TOTAL; offset += 1000) for (const group of (await client.list({ offset, limit: 1000 })).data) seen += group.id.length;
    },
    'list, the 21 pages iterate reads': () => overlapping((groups) => groups.forEach((group) => (seen += group.id.length))),
    '… with a Set a page': () => overlapping((groups) => {
      const ids = new Set();
      for (const group of groups) if (ids.add(group.id).size > 0) seen += 1;
    }),
    '… with one Set for the walk': () => {
      const ids = new Set();
      return overlapping((groups) => groups.forEach((group) => ids.add(group.id).size > 0 && (seen += 1)));
    },
    // Not what `iterate` does (it is lazy: the next page is asked for once this one is used
    // up): the figure for the owner's choice whether it should read one page ahead.
    '… one page read ahead': async () => {
      const ids = new Set();
      const read = (offset) => client.list({ offset: Math.max(0, offset - OVERLAP), limit: 1000 });
      let next = read(0);
      for (let offset = 0; offset < TOTAL; offset += 1000 - OVERLAP) {
        const groups = (await next).data;
        if (offset + 1000 - OVERLAP < TOTAL) next = read(offset + 1000 - OVERLAP);
        groups.forEach((group) => ids.add(group.id).size > 0 && (seen += 1));
      }
    },
    'iteratePages (for await a page)': async () => {
      let count = 0;
      for await (const page of client.iteratePages({ pageSize: 1000 })) {
        for (const group of page) if ((seen += group.id.length) && ++count >= TOTAL) break;
        if (count >= TOTAL) break;
      }
    },
    'iterate (for await)': async () => {
      let count = 0;
      for await (const group of client.iterate({ pageSize: 1000 })) if ((seen += group.id.length) && ++count >= TOTAL) break;
    },
  };
  const samples = Object.fromEntries(Object.keys(ways).map((name) => [name, { cpu: [], wall: [] }]));
  for (let round = 0; round < 17; round += 1) {
    for (const [name, way] of Object.entries(ways)) {
      globalThis.gc?.();
      const wall = performance.now();
      const cpu = process.cpuUsage();
      await way();
      const used = process.cpuUsage(cpu);
      if (round < 2) continue;
      samples[name].cpu.push((used.user + used.system) / 1000);
      samples[name].wall.push(performance.now() - wall);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  for (const [name, { cpu, wall }] of Object.entries(samples)) console.log(`${name.padEnd(38)} ${median(cpu).toFixed(1).padStart(6)} ms of CPU ${median(wall).toFixed(1).padStart(6)} ms`);
} finally {
  server.stop();
}
