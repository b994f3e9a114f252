// The benchmark's server: fixed, contract-valid bytes, prepared before the first request, so
// every contender pays the same server cost. Serves one group, pages of up to 1000 groups out of
// 100,000, and (for the browser row) the package and the bench page. Prints its URL first.
// With BENCH_TLS_KEY and BENCH_TLS_CERT (PEM files), it serves HTTPS instead; UPVEST_BENCH_PKG
// serves another build of the package at /pkg/.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
export const TOTAL = 100_000;
const hex = (n, width) => n.toString(16).padStart(width, '0');
const uuid = (n) => `${hex(n >>> 0, 8)}-0000-4000-8000-${hex(n, 12)}`;
const group = (n) =>
  JSON.stringify({
    id: uuid(n),
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-06-01T12:00:00.000Z',
    type: n % 7 === 6 ? 'BUSINESS' : 'PERSONAL',
    status: 'ACTIVE',
    ...(n % 7 === 6 ? { business_id: uuid(n + 1e9) } : { users: [{ id: uuid(n + 2e9), type: 'OWNER' }] }),
    securities_account_number: String(100000000 + n),
  });
const groups = Array.from({ length: TOTAL }, (_, n) => group(n));
const pages = new Map();
const page = (offset, limit) => {
  const key = `${offset}/${limit}`;
  if (!pages.has(key)) {
    const data = groups.slice(offset, offset + limit);
    const meta = { offset, limit, count: data.length, total_count: TOTAL, sort: 'created_at', order: 'ASC' };
    pages.set(key, Buffer.from(`{"meta":${JSON.stringify(meta)},"data":[${data.join(',')}]}`));
  }
  return pages.get(key);
};
const one = Buffer.from(groups[42]);
const headers = { 'content-type': 'application/json', 'upvest-request-id': '169ae4c7-ebd7-4041-94da-25369653eba7', 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-expose-headers': 'upvest-request-id' };
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };

const tls = process.env.BENCH_TLS_KEY ? { key: readFileSync(process.env.BENCH_TLS_KEY), cert: readFileSync(process.env.BENCH_TLS_CERT) } : undefined;
const handler = (request, response) => {
  const url = new URL(request.url, 'http://x');
  if (request.method === 'OPTIONS') return response.writeHead(204, { ...headers, 'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '' }).end();
  if (url.pathname.startsWith('/account_groups/')) return response.writeHead(200, headers).end(one);
  if (url.pathname === '/account_groups') {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    return response.writeHead(200, headers).end(page(offset, limit));
  }
  // Static files for the browser row: the package, openapi-fetch and the bench page.
  const pkgDir = process.env.UPVEST_BENCH_PKG;
  const file = pkgDir && url.pathname.startsWith('/pkg/') ? normalize(join(pkgDir, url.pathname.slice(5))) : normalize(join(root, url.pathname === '/' ? 'bench/browser.html' : url.pathname));
  if (!(file.startsWith(root) || (pkgDir && file.startsWith(pkgDir))) || !/^\/(pkg|bench|node_modules\/openapi-fetch)\//.test(url.pathname.replace(/^\/$/, '/bench/'))) return response.writeHead(404).end();
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return response.writeHead(404).end();
  }
  response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(bytes);
};
const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on ${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`));
