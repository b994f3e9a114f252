// @ts-check
// `mock.listen()` in Node: the in-process mock behind a real `node:http` server on 127.0.0.1, for
// code that must reach it by URL (another process, a browser, a proxy). Imported by the package's
// Node entries only, so that browser bundles never see `node:http`.
import { createServer } from 'node:http';

/**
 * @param {import('./index.js').Handle} handle
 * @param {{ port: number }} options an object without a prototype, so nothing inherited is read
 * @param {number} maxBodyBytes the largest body the mock reads (one byte more gets its 413)
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function listen(handle, { port }, maxBodyBytes) {
  // Closing the server ends the requests it holds (a delay fault's wait among them), so that
  // nothing keeps the process alive after close().
  const closing = new AbortController();
  const server = createServer((request, response) => {
    // A client that goes away ends its request's wait too.
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const signal = AbortSignal.any([closing.signal, gone.signal]);
    readBody(request, maxBodyBytes)
      .then(async (body) => {
        const [path, query] = splitTarget(request.url ?? '/');
        const answer = await handle({ method: request.method ?? 'GET', path, query, headers: request.rawHeaders, body }, signal);
        if (!answer) {
          // A drop fault: the change is made, the connection closes without an answer.
          request.socket.destroy();
          return;
        }
        for (let i = 0; i < answer.headers.length; i += 2) response.setHeader(answer.headers[i], answer.headers[i + 1]);
        // The rest of a body over the limit was never read: the connection cannot carry another request.
        if (body.length > maxBodyBytes) response.setHeader('connection', 'close');
        response.writeHead(answer.status);
        response.end(answer.body);
      })
      .catch(() => request.socket.destroy());
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
        closing.abort(new Error('the mock server was closed'));
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The body, or its first `maxBytes + 1` bytes (the rest is not read).
 * @param {import('node:http').IncomingMessage} request
 * @param {number} maxBytes
 * @returns {Promise<Uint8Array>}
 */
function readBody(request, maxBytes) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let length = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length > maxBytes) {
        request.pause();
        resolve(Buffer.concat(chunks).subarray(0, maxBytes + 1));
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
