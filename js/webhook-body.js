// @ts-check
// A webhook delivery's raw body: measured, decoded and parsed in JavaScript, so a large body
// never enters (and grows) the wasm memory, which is never given back.
import { WebhookError } from './errors.js';
import { bare } from './members.js';

/** @param {import('./errors.js').WebhookErrorCode} code @param {string} reason */
const webhookError = (code, reason) => new WebhookError(`Invalid webhook delivery: ${reason}`, { code });

/** Refuses a webhook body over `maxBytes` (UTF-8 bytes, for a string), and anything that is not
 * a body, before it is verified or parsed.
 * @param {unknown} raw @param {number} maxBytes */
export function checkWebhookBodySize(raw, maxBytes) {
  let length;
  try {
    length = utf8Length(raw, maxBytes);
  } catch (error) {
    // A Proxy (a revoked one, say) throws from the type checks themselves.
    if (error instanceof WebhookError) throw error;
    throw webhookError('encoding', 'the raw body could not be read (a Proxy threw)');
  }
  if (length > maxBytes) throw webhookError('too-large', `the body is larger than ${maxBytes} bytes (maxBodyBytes)`);
}

/** How many bytes a body is; for a string, its UTF-8 length, counted only as far as it matters.
 * @param {unknown} raw @param {number} maxBytes */
function utf8Length(raw, maxBytes) {
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) return raw.byteLength;
  if (typeof raw !== 'string') throw webhookError('encoding', 'the raw body must be a string, a Uint8Array (a Buffer) or an ArrayBuffer');
  // Every UTF-16 unit is at least one UTF-8 byte and at most three.
  if (raw.length > maxBytes || raw.length * 3 <= maxBytes) return raw.length;
  let bytes = raw.length;
  for (let i = 0; i < raw.length; i += 1) {
    const unit = raw.charCodeAt(i);
    // U+0080..U+07FF take two bytes, the rest of the BMP three; each half of a surrogate pair
    // counts two of the pair's four.
    if (unit >= 0x80) bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}

/** A webhook's raw body decoded (strict UTF-8, for bytes) and parsed by the platform.
 * @param {unknown} raw a string or bytes (`checkWebhookBodySize` refused anything else)
 * @returns {unknown} */
export function parseWebhookBody(raw) {
  let text;
  try {
    text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', bare({ fatal: true })).decode(/** @type {ArrayBuffer | ArrayBufferView} */ (raw));
  } catch (error) {
    throw webhookError('encoding', `the body could not be read as UTF-8 text (${/** @type {Error} */ (error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw webhookError('json', 'the body is not valid JSON');
  }
}
