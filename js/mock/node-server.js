// @ts-check
// `mock.listen()` in Node: the in-process mock behind a real `node:http` server on 127.0.0.1, for
// code that must reach it by URL (another process, a browser, a proxy). Imported by the package's
// Node entries only, so that browser bundles never see `node:http`.
import { createServer } from 'node:http';

/** The request bodies the mock reads; one byte more is enough for it to answer 413. */
const MAX_BODY_BYTES = 1 << 20;

/**
 * @param {(exchange: import('./index.js').Incoming) => Promise<import('./index.js').Outgoing | undefined>} handle
 * @param {{ port?: number }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function listen(handle, { port = 0 } = {}) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`listen: port must be a whole number from 0 to 65535, not ${String(port)}`);
  const server = createServer((request, response) => {
    readBody(request).then(
      async (body) => {
        const [path, query] = splitTarget(request.url ?? '/');
        const answer = await handle({ method: request.method ?? 'GET', path, query, headers: request.rawHeaders, body });
        if (!answer) {
          // A drop fault: the change is made, the connection closes without an answer.
          request.socket.destroy();
          return;
        }
        for (let i = 0; i < answer.headers.length; i += 2) response.setHeader(answer.headers[i], answer.headers[i + 1]);
        // The rest of a body over the limit was never read: the connection cannot carry another request.
        if (body.length > MAX_BODY_BYTES) response.setHeader('connection', 'close');
        response.writeHead(answer.status);
        response.end(answer.body);
      },
      () => request.socket.destroy(),
    );
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The body, or its first MAX_BODY_BYTES + 1 bytes (the rest is not read).
 * @param {import('node:http').IncomingMessage} request
 * @returns {Promise<Uint8Array>}
 */
function readBody(request) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let length = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        request.pause();
        resolve(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1));
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * @param {string} target a request target, `/path?query`
 * @returns {[string, string | undefined]}
 */
function splitTarget(target) {
  const at = target.indexOf('?');
  return at < 0 ? [target, undefined] : [target.slice(0, at), target.slice(at + 1)];
}
