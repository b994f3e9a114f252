// @ts-check
// Platform crypto for the ready Upvest signer and the webhook verifier: WebCrypto
// (globalThis.crypto.subtle), which Node 20+ and browsers both have, so no cryptography is
// compiled into the wasm.

export const ALGORITHMS = {
  ed25519: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  'ecdsa-p521-sha512': { key: { name: 'ECDSA', namedCurve: 'P-521' }, sign: { name: 'ECDSA', hash: 'SHA-512' } },
};

/** A signing algorithm, as `UpvestSignerOptions.algorithm` names it (the core checked it).
 * @typedef {keyof typeof ALGORITHMS} SigningAlgorithm */

/** WebCrypto's `subtle`, or a clear error where the platform has none.
 * @returns {SubtleCrypto} */
export function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available here; use Node 20+ or a secure browser context');
  return s;
}

/** SHA-512 of a string's UTF-8 bytes.
 * @param {string} text
 * @returns {Promise<Uint8Array<ArrayBuffer>>} */
export function sha512(text) {
  return digest('SHA-512', new TextEncoder().encode(text));
}

/** A digest (`'SHA-256'`, `'SHA-512'`) of bytes.
 * @param {'SHA-256' | 'SHA-512'} algorithm
 * @param {BufferSource} bytes
 * @returns {Promise<Uint8Array<ArrayBuffer>>} */
export async function digest(algorithm, bytes) {
  return new Uint8Array(await subtle().digest(algorithm, bytes));
}

/** The bytes of standard base64 text (already checked to be base64).
 * @param {string} text
 * @returns {Uint8Array<ArrayBuffer>} */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Standard base64, a slice at a time (a spread of a whole body would overflow the stack).
 * @param {Uint8Array} bytes
 * @returns {string} */
export function toBase64(bytes) {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

/** Lower-case hex of bytes (a digest, a UUID's).
 * @param {Uint8Array} bytes
 * @returns {string} */
export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Signs a string's UTF-8 bytes; ECDSA comes back as raw r ‖ s, as WebCrypto gives it.
 * @param {CryptoKey} key
 * @param {SigningAlgorithm} algorithm
 * @param {string} text
 * @returns {Promise<Uint8Array<ArrayBuffer>>} */
export async function signText(key, algorithm, text) {
  return new Uint8Array(await subtle().sign(ALGORITHMS[algorithm].sign, key, new TextEncoder().encode(text)));
}

/**
 * A random UUID v4, from `crypto.getRandomValues` (which, unlike `crypto.randomUUID`, browsers
 * also offer on pages that are not secure contexts): idempotency keys and signature nonces.
 * @returns {string}
 */
export function randomUuid() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
