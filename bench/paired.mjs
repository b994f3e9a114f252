// Two builds of the package in one process, taking turns round by round: iterating 100,000
// groups through an in-memory `fetch` (no network, so the package's own cost shows). For "did
// this change make it slower", where the full benchmark's run-to-run spread is too wide.
// Usage: node bench/paired.mjs <pkg dir A> <pkg dir B> [rounds]   (each a built pkg/ folder,
// e.g. one from a worktree of an earlier commit). Prints each one's median.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dirA, dirB, roundsArg = '12'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/paired.mjs <pkg dir A> <pkg dir B> [rounds]');
  process.exit(2);
}
const load = (dir) => import(pathToFileURL(resolve(dir, 'node/index.mjs')).href);
const builds = { A: await load(dirA), B: await load(dirB) };

const TOTAL = 100_000;
const hex = (n, width) => n.toString(16).padStart(width, '0');
const uuid = (n) => `${hex(n >>> 0, 8)}-0000-4000-8000-${hex(n, 12)}`;
const group = (n) =>
  JSON.stringify({
    id: uuid(n), created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-06-01T12:00:00.000Z', type: 'PERSONAL', status: 'ACTIVE',
    users: [{ id: uuid(n + 2e9), type: 'OWNER' }], securities_account_number: String(100000000 + n),
  });
const groups = Array.from({ length: TOTAL }, (_, n) => group(n));
/** Pages by `offset/limit`, made once: both builds read the same bytes. */
const pages = new Map();
const fetch = async (url) => {
  const query = new URL(url).searchParams;
  const [offset, limit] = [Number(query.get('offset')), Number(query.get('limit'))];
  const key = `${offset}/${limit}`;
  if (!pages.has(key)) {
    const data = groups.slice(offset, offset + limit);
    const meta = { offset, limit, count: data.length, total_count: TOTAL, sort: 'created_at', order: 'ASC' };
    pages.set(key, new TextEncoder().encode(`{"meta":${JSON.stringify(meta)},"data":[${data.join(',')}]}`));
  }
  const body = pages.get(key);
  return new Response(body, { headers: { 'content-type': 'application/json', 'content-length': String(body.length) } });
};

const options = { baseUrl: 'http://127.0.0.1:1', clientId: '363f3305-7ab0-4e82-a158-f9d382ad08b6', accessToken: 'token', fetch };
const clients = Object.fromEntries(Object.entries(builds).map(([name, api]) => [name, new api.AccountGroups(options)]));
const times = { A: [], B: [] };
const rounds = Number(roundsArg);
for (let round = 0; round < rounds; round += 1) {
  for (const name of round % 2 ? ['A', 'B'] : ['B', 'A']) {
    const started = performance.now();
    let count = 0;
    for await (const item of clients[name].iterate({ pageSize: 1000 })) count += item.id ? 1 : 0;
    if (count !== TOTAL) throw new Error(`${name} yielded ${count} groups`);
    // The first two rounds warm up (page bytes made, code optimised).
    if (round >= 2) times[name].push(performance.now() - started);
  }
}
const median = (values) => values.sort((x, y) => x - y)[values.length >> 1];
console.log(`iterate ${TOTAL.toLocaleString('en')} groups, in-memory fetch, median of ${rounds - 2} rounds: A ${median(times.A).toFixed(1)} ms (${dirA}), B ${median(times.B).toFixed(1)} ms (${dirB})`);
