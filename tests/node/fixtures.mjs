// Fixtures the node tests share: a webhook receiver on loopback, a bounded wait, and a mock that
// verifies signatures by a given public key. (Not a test file: `node --test` does not run it.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from '../../scripts/with-mock.mjs';

/** A valid account group (the shape of tests/shared/client-cases.mjs), under any id. */
export const accountGroup = (id, extra = {}) => ({
  id,
  created_at: '2020-08-24T14:15:22Z',
  updated_at: '2020-08-24T14:15:22Z',
  type: 'PERSONAL',
  status: 'ACTIVE',
  users: [{ id: '413715f2-5401-4b97-8055-034a6b879f8c', type: 'OWNER' }],
  securities_account_number: '123456789',
  ...extra,
});

/** Resolves with `check()`'s first truthy value, polled every 20 ms; rejects after `ms`. */
export const within = (ms, what, check) =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const value = check();
      if (value) {
        clearInterval(poll);
        resolve(value);
      } else if (Date.now() - started > ms) {
        clearInterval(poll);
        reject(new Error(`${what} did not happen within ${ms} ms`));
      }
    }, 20);
  });

/**
 * A receiver on 127.0.0.1 at `path` (query allowed) that keeps each delivery ({ method, url,
 * headers, body }) and fails the first `failures` with 500; or, with `answer`, answers each with
 * the status `answer(delivery)` resolves with.
 */
export async function receiver({ path = '/hooks', failures = 0, answer } = {}) {
  const deliveries = [];
  const server = http.createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const delivery = { method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks) };
    deliveries.push(delivery);
    response.writeHead(answer ? await answer(delivery) : deliveries.length <= failures ? 500 : 200).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}${path}`, deliveries, close: () => server.close() };
}

/** Runs `body(url)` against a mock started with `--verify-key` for `publicKey` and `flags`. */
export async function withVerifyingMock(publicKey, body, flags = []) {
  const dir = mkdtempSync(join(tmpdir(), 'upvest-key-'));
  const file = join(dir, 'public.pem');
  writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
  const mock = await startMock(['--verify-key', file, ...flags]);
  try {
    await body(mock.url);
  } finally {
    mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
