// Platform crypto for the ready Upvest signer and the webhook verifier: WebCrypto
// (globalThis.crypto.subtle), which Node 20+ and browsers both have, so no cryptography is
// compiled into the wasm.

const ALGORITHMS = {
  ed25519: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  'ecdsa-p521-sha512': { key: { name: 'ECDSA', namedCurve: 'P-521' }, sign: { name: 'ECDSA', hash: 'SHA-512' } },
};

/** WebCrypto's `subtle`, or a clear error where the platform has none. */
export function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available here; use Node 20+ or a secure browser context');
  return s;
}

/** SHA-512 of a string's UTF-8 bytes. */
export function sha512(text) {
  return digest('SHA-512', new TextEncoder().encode(text));
}

/** A digest (`'SHA-256'`, `'SHA-512'`) of bytes. */
export async function digest(algorithm, bytes) {
  return new Uint8Array(await subtle().digest(algorithm, bytes));
}

/** The bytes of standard base64 text (already checked to be base64). */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Standard base64 of a few bytes (a digest). */
export function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

/** The PKCS#8 DER bytes of a PEM private key, a Node KeyObject, or `null` for a CryptoKey. */
function pkcs8(privateKey) {
  if (typeof privateKey === 'string') {
    const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(privateKey);
    if (!match) {
      throw new Error('privateKey must be a PKCS#8 PEM ("BEGIN PRIVATE KEY"); convert others with `openssl pkcs8 -topk8 -nocrypt`, or pass a KeyObject');
    }
    return fromBase64(match[1].replace(/\s+/g, ''));
  }
  if (typeof privateKey?.export === 'function' && privateKey.type === 'private') {
    return new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  }
  return null;
}

/** Imports the signing key once; accepts PEM, a Node KeyObject, or a WebCrypto CryptoKey. A
 * failure is reported by the first signature, so the promise's rejection is marked handled. */
export function importSigningKey(privateKey, algorithm) {
  const key = importKey(privateKey, algorithm);
  key.catch(() => {});
  return key;
}

async function importKey(privateKey, algorithm) {
  const spec = ALGORITHMS[algorithm];
  if (typeof CryptoKey !== 'undefined' && privateKey instanceof CryptoKey) return privateKey;
  const der = pkcs8(privateKey);
  if (!der) throw new Error('privateKey must be a PKCS#8 PEM string, a Node KeyObject or a CryptoKey');
  return subtle().importKey('pkcs8', der, spec.key, false, ['sign']);
}

/** Signs a string's UTF-8 bytes; ECDSA comes back as raw r ‖ s, as WebCrypto gives it. */
export async function signText(key, algorithm, text) {
  return new Uint8Array(await subtle().sign(ALGORITHMS[algorithm].sign, key, new TextEncoder().encode(text)));
}
