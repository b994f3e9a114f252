// @ts-check
// Reading a request's body under a byte limit, from a Fetch API `Request` or a Node
// `IncomingMessage`: refused as soon as it says (content-length) or shows (bytes received) that
// it is larger, so a sender never makes the receiver hold more than the limit.
import { own } from './members.js';
import { Gathered } from './runtime.js';

/** What a read resolves with when the body is (or says it will be) larger than the limit. */
export const TOO_LARGE = Symbol('too large');

/** @typedef {Uint8Array<ArrayBuffer> | typeof TOO_LARGE} BodyRead */

/** A body a framework parsed before the receiver saw it: a mistake of the server's set-up, not
 * the sender's. */
export class BodyAlreadyParsedError extends Error {}

/** What is read of Node's `IncomingMessage` (so no Node types are needed to check this module).
 * @typedef {object} NodeRequest
 * @property {string | undefined} [method]
 * @property {string | undefined} [url]
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {boolean} readableEnded
 * @property {boolean} complete
 * @property {(event: string, listener: (...args: any[]) => void) => NodeRequest} on
 * @property {(event: string, listener: (...args: any[]) => void) => NodeRequest} off */

/** What is used of Node's `ServerResponse`.
 * @typedef {object} NodeResponse
 * @property {boolean} headersSent
 * @property {(status: number, headers: Record<string, string>) => { end: (body: string) => void }} writeHead */

/**
 * A Fetch API request's body, or `TOO_LARGE`; the stream is cancelled once over the limit.
 * @param {Request} request
 * @param {number} limit bytes
 * @returns {Promise<BodyRead>}
 */
export async function readRequestBody(request, limit) {
  if (declaredLength(request.headers.get('content-length')) > limit) return TOO_LARGE;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const gathered = new Gathered(limit);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!gathered.add(value)) {
      reader.cancel().catch(() => {});
      return TOO_LARGE;
    }
  }
  return /** @type {Uint8Array<ArrayBuffer>} */ (gathered.bytes());
}

/**
 * A Node request's body, or `TOO_LARGE`. A body a framework already read is used as it is when
 * it is the raw bytes or text (Express' `express.raw()`/`express.text()`); a body it already
 * parsed (`express.json()`) cannot be checked against its signature, and is an error.
 * @param {NodeRequest} request
 * @param {number} limit bytes
 * @returns {Promise<BodyRead>}
 */
export function readIncomingBody(request, limit) {
  const parsed = own(request, 'body');
  if (parsed instanceof Uint8Array) return Promise.resolve(parsed.byteLength > limit ? TOO_LARGE : new Uint8Array(parsed));
  if (typeof parsed === 'string') {
    const bytes = new TextEncoder().encode(parsed);
    return Promise.resolve(bytes.byteLength > limit ? TOO_LARGE : bytes);
  }
  if (parsed !== undefined || request.readableEnded) {
    return Promise.reject(new BodyAlreadyParsedError('the request body was already read and parsed before the webhook receiver (mount it before a JSON body parser, or give it the raw bytes: express.raw())'));
  }
  if (declaredLength(request.headers['content-length']) > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve, reject) => {
    const gathered = new Gathered(limit);
    /** @param {Uint8Array} chunk */
    const keep = (chunk) => {
      if (gathered.add(chunk)) return;
      // Nothing more is kept; Node discards the rest once the answer is sent.
      request.off('data', keep).off('end', end);
      resolve(TOO_LARGE);
    };
    const end = () => resolve(/** @type {Uint8Array<ArrayBuffer>} */ (gathered.bytes()));
    const cut = () => reject(new Error('the connection closed before the body was complete'));
    request.on('data', keep).on('end', end).on('error', reject).on('close', () => request.complete || cut());
  });
}

/** @param {unknown} value a content-length header's value @returns {number} */
function declaredLength(value) {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : 0;
}
