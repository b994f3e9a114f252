// The page-decode row in the browser (the admin page's workload): one page of 1000 groups,
// fetched and decoded by each contender, round by round. Results land on window.__bench.
import * as api from '/pkg/web/index.js';
import { contenders } from './contenders.mjs';
import { summary } from './stats.mjs';

const rounds = Number(new URLSearchParams(location.search).get('rounds') ?? 20);
const all = contenders(api, location.origin);
for (const c of all) await c.page();
const samples = all.map(() => []);
for (let round = 0; round < rounds; round += 1) {
  for (let k = 0; k < all.length; k += 1) {
    const i = (round + k) % all.length;
    const started = performance.now();
    const page = await all[i].page();
    samples[i].push(performance.now() - started);
    if (page.data.length !== 1000) throw new Error(`${all[i].name} read ${page.data.length} groups`);
  }
}
window.__bench = all.map((c, i) => ({ contender: c.name, ...summary(samples[i]) }));
document.getElementById('out').textContent = JSON.stringify(window.__bench, null, 2);
