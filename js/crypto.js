// Platform crypto for the ready Upvest signer: WebCrypto (globalThis.crypto.subtle), which Node
// 20+ and browsers both have, so no cryptography is compiled into the wasm.

const ALGORITHMS = {
  ed25519: { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  'ecdsa-p521-sha512': { key: { name: 'ECDSA', namedCurve: 'P-521' }, sign: { name: 'ECDSA', hash: 'SHA-512' } },
};

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available here; use Node 20+ or a secure browser context');
  return s;
}

/** SHA-512 of a string's UTF-8 bytes. */
export async function sha512(text) {
  return new Uint8Array(await subtle().digest('SHA-512', new TextEncoder().encode(text)));
}

/** The PKCS#8 DER bytes of a PEM private key, a Node KeyObject, or `null` for a CryptoKey. */
function pkcs8(privateKey) {
  if (typeof privateKey === 'string') {
    const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(privateKey);
    if (!match) {
      throw new Error('privateKey must be a PKCS#8 PEM ("BEGIN PRIVATE KEY"); convert others with `openssl pkcs8 -topk8 -nocrypt`, or pass a KeyObject');
    }
    return Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
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
