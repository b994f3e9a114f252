// @ts-check
// The signing key, checked when the signer is made (so that a wrong key fails at start-up, not
// on the first request): a PEM is read here, its DER by a small reader whose every read is
// bounds-checked, and its key type and curve are held against `algorithm`. Whatever is wrong
// becomes an `InvalidInputError` for `privateKey` whose words never quote the key. What only
// WebCrypto can tell (a scalar out of range, say) still fails on the first signature.

import { InvalidInputError } from './errors.js';
import { ALGORITHMS, fromBase64, subtle } from './crypto.js';
import { bare, inherent, method, own } from './members.js';

/** @typedef {import('./crypto.js').SigningAlgorithm} SigningAlgorithm */

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ED25519 = '1.3.101.112';
const P521 = '1.3.132.0.35';

/** What `algorithm` takes: the key's type (an OID), its curve (EC only), and in words. */
const WANTED = {
  ed25519: { type: ED25519, curve: '', described: 'an Ed25519 key' },
  'ecdsa-p521-sha512': { type: EC_PUBLIC_KEY, curve: P521, described: 'an EC P-521 key (secp521r1)' },
};

/** Key types by OID, in words. */
const KEY_TYPES = new Map([
  ['1.2.840.113549.1.1.1', 'an RSA key'],
  ['1.2.840.113549.1.1.10', 'an RSA-PSS key'],
  ['1.2.840.10040.4.1', 'a DSA key'],
  ['1.2.840.113549.1.3.1', 'a Diffie-Hellman key'],
  ['1.2.840.10046.2.1', 'a Diffie-Hellman key'],
  ['1.3.101.110', 'an X25519 key'],
  ['1.3.101.111', 'an X448 key'],
  [ED25519, 'an Ed25519 key'],
  ['1.3.101.113', 'an Ed448 key'],
]);

/** Named curves by OID. */
const CURVES = new Map([
  ['1.2.840.10045.3.1.7', 'P-256'],
  ['1.3.132.0.34', 'P-384'],
  [P521, 'P-521'],
  ['1.3.132.0.10', 'secp256k1'],
]);

/** The longest PEM text read: far more than any private key (an RSA-16384 PEM is 12 KB). */
const MAX_PEM_CHARS = 1 << 20;

/** How to make a PKCS#8 PEM of another PEM. */
const TO_PKCS8 = 'convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem -out pkcs8.pem`, or pass `crypto.createPrivateKey(pem)`';

/**
 * An `InvalidInputError` for `privateKey`.
 * @param {import('./errors.js').InvalidInputCode} code
 * @param {string} rule what is wrong and how to fix it; never any of the key
 * @param {unknown} [cause]
 */
function keyError(code, rule, cause) {
  return new InvalidInputError(`Invalid input: privateKey ${rule}`, { field: 'privateKey', code, rule, cause });
}

/**
 * A key in words: its type, and its curve for an EC key.
 * @param {string} type an OID
 * @param {string} curve an OID, or ''
 */
function describeKey(type, curve) {
  if (type === EC_PUBLIC_KEY) return `an EC ${CURVES.get(curve) ?? `key on the curve ${curve}`}${CURVES.has(curve) ? ' key' : ''}`;
  return KEY_TYPES.get(type) ?? `a key of another type (${type})`;
}

/**
 * Throws unless the key's type and curve are what `algorithm` takes.
 * @param {SigningAlgorithm} algorithm
 * @param {string} type an OID
 * @param {string} curve an OID, or ''
 */
function checkKind(algorithm, type, curve) {
  const wanted = WANTED[algorithm];
  if (type === wanted.type && curve === wanted.curve) return;
  const fits = (/** @type {SigningAlgorithm} */ other) => WANTED[other].type === type && WANTED[other].curve === curve;
  throw keyError('conflict', `must be ${wanted.described} for algorithm '${algorithm}', not ${describeKey(type, curve)}${fix(fits)}`);
}

/**
 * How to fix a key that does not fit `algorithm`: the algorithm it fits, if any.
 * @param {(algorithm: SigningAlgorithm) => boolean} fits
 */
function fix(fits) {
  // `find`, not a loop left early: leaving a for…of looks up the iterator's `return`, which an
  // array iterator inherits from Object.prototype.
  const other = /** @type {SigningAlgorithm[]} */ (Object.keys(WANTED)).find(fits);
  return other ? `; this key is for algorithm '${other}'` : '; Upvest takes Ed25519 and EC P-521 keys only';
}

/** A DER reader over `bytes[at, end)`: each read checks its bounds, and a fault throws an
 * `InvalidInputError` that names the structure read (`PKCS#8`, `SEC1`). */
class Der {
  /**
   * @param {Uint8Array} bytes
   * @param {string} what the structure, for errors
   * @param {number} [at]
   * @param {number} [end]
   */
  constructor(bytes, what, at = 0, end = bytes.length) {
    this.bytes = bytes;
    this.what = what;
    this.at = at;
    this.end = end;
  }

  /** @param {string} detail @returns {never} */
  fault(detail) {
    throw keyError('format', `is not a well-formed ${this.what} private key (${detail}); export it again, or ${TO_PKCS8}`);
  }

  /** The next element's tag, or -1 at the end. */
  peek() {
    return this.at < this.end ? this.bytes[this.at] : -1;
  }

  /** The next element, whatever its tag: its tag, its whole encoding, and a reader of its contents. */
  element() {
    const { bytes, end } = this;
    let at = this.at;
    if (at >= end) this.fault('its DER ends early');
    const tag = bytes[at++];
    if ((tag & 0x1f) === 0x1f) this.fault('its DER has a tag this reader does not take');
    if (at >= end) this.fault('its DER ends early');
    let length = bytes[at++];
    if (length & 0x80) {
      const count = length & 0x7f;
      // Indefinite lengths are not DER; four length bytes would already be 4 GB.
      if (count === 0 || count > 3) this.fault('its DER has a length form DER does not allow');
      if (count > end - at) this.fault('its DER ends early');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[at++];
    }
    if (length > end - at) this.fault('its DER ends early');
    const start = this.at;
    this.at = at + length;
    return { tag, encoding: bytes.subarray(start, at + length), contents: new Der(bytes, this.what, at, at + length) };
  }

  /** The contents of the next element, which must have `tag`.
   * @param {number} tag @param {string} what the element, for errors */
  read(tag, what) {
    if (this.peek() !== tag) this.fault(`${what} is missing`);
    return this.element().contents;
  }

  /** The contents of the next element if it has `tag`. @param {number} tag */
  optional(tag) {
    return this.peek() === tag ? this.element().contents : undefined;
  }

  /** Throws unless everything was read. @param {string} what the structure, for errors */
  finish(what) {
    if (this.at !== this.end) this.fault(`${what} has bytes after its end`);
  }

  /** The bytes of what is left. */
  rest() {
    return this.bytes.subarray(this.at, this.end);
  }

  /** A small INTEGER (0 to 127). @param {string} what */
  smallInteger(what) {
    const contents = this.read(0x02, what).rest();
    if (contents.length !== 1 || contents[0] > 0x7f) this.fault(`${what} is not a small integer`);
    return contents[0];
  }

  /** An OBJECT IDENTIFIER's contents, as dotted text. @param {string} what */
  oidText(what) {
    const contents = this.rest();
    if (contents.length === 0 || contents.length > 32 || contents[contents.length - 1] & 0x80) this.fault(`${what} is not an object identifier`);
    /** @type {number[]} */
    const arcs = [];
    let value = 0;
    // An index, not for…of: a fault leaves the loop, and leaving a for…of looks up the
    // iterator's `return` (through Object.prototype).
    for (let i = 0; i < contents.length; i++) {
      const byte = contents[i];
      value = value * 128 + (byte & 0x7f);
      if (value > 0xffffffff) this.fault(`${what} is not an object identifier`);
      if (!(byte & 0x80)) {
        arcs.push(value);
        value = 0;
      }
    }
    const first = arcs[0];
    arcs.splice(0, 1, first < 40 ? 0 : first < 80 ? 1 : 2, first < 80 ? first % 40 : first - 80);
    return arcs.join('.');
  }
}

/**
 * The curve named by an `ECParameters` element (RFC 5480: a named curve; explicit parameters and
 * `implicitCA` are refused).
 * @param {Der} reader where the element is next
 * @param {string} what
 * @returns {{ curve: string, encoding: Uint8Array }} the curve's OID, and the element's DER
 */
function namedCurve(reader, what) {
  const { tag, encoding, contents } = reader.element();
  if (tag === 0x30) {
    reader.fault(`${what} gives the curve by explicit parameters; export it with a named curve (\`openssl ec -param_enc named_curve\`)`);
  }
  if (tag !== 0x06) reader.fault(`${what} names no curve`);
  return { curve: contents.oidText(what), encoding };
}

/**
 * An `ECPrivateKey` (RFC 5915, SEC1): its curve from the `[0]` parameters ('' when absent), that
 * element's DER, and the private scalar's bytes.
 * @param {Der} reader where the ECPrivateKey is next, and all that is left
 */
function ecPrivateKey(reader) {
  const key = reader.read(0x30, 'the ECPrivateKey');
  reader.finish('the ECPrivateKey');
  if (key.smallInteger('the ECPrivateKey version') !== 1) key.fault('the ECPrivateKey version is not 1');
  const scalar = key.read(0x04, 'the private key').rest();
  /** @type {{ curve: string, encoding: Uint8Array }} */
  let named = { curve: '', encoding: new Uint8Array(0) };
  const parameters = key.optional(0xa0);
  if (parameters) {
    named = namedCurve(parameters, 'the ECPrivateKey');
    parameters.finish('the curve parameters');
  }
  const publicKey = key.optional(0xa1);
  if (publicKey) {
    publicKey.read(0x03, 'the public key');
    publicKey.finish('the public key');
  }
  key.finish('the ECPrivateKey');
  return { ...named, scalar };
}

/**
 * Throws unless a P-521 private scalar has a length and value it can have (1 to 66 bytes, below
 * 2^521, not zero); the rest of its range is WebCrypto's to check.
 * @param {Der} reader for errors
 * @param {Uint8Array} scalar
 */
function checkP521Scalar(reader, scalar) {
  if (scalar.length === 0 || scalar.length > 66 || (scalar.length === 66 && scalar[0] > 1) || scalar.every((byte) => byte === 0)) {
    reader.fault('its private key is not a P-521 scalar');
  }
}

/**
 * DER: `tag`, then the length, then `parts`.
 * @param {number} tag
 * @param {Uint8Array[]} parts
 */
function derElement(tag, parts) {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const header = length < 0x80 ? [tag, length] : length < 0x100 ? [tag, 0x81, length] : [tag, 0x82, length >> 8, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let at = header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `id-ecPublicKey`'s OBJECT IDENTIFIER, in DER. */
const EC_PUBLIC_KEY_DER = Uint8Array.of(0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);

/**
 * A PKCS#8 PrivateKeyInfo for an EC key: version 0, `{ id-ecPublicKey, curve }`, and the
 * ECPrivateKey's DER in an OCTET STRING (WebCrypto imports PKCS#8 only, and wants the curve in
 * the AlgorithmIdentifier).
 * @param {Uint8Array} curve the curve's OBJECT IDENTIFIER, in DER
 * @param {Uint8Array} ecKey an ECPrivateKey, in DER
 */
function ecPkcs8(curve, ecKey) {
  return derElement(0x30, [Uint8Array.of(0x02, 0x01, 0x00), derElement(0x30, [EC_PUBLIC_KEY_DER, curve]), derElement(0x04, [ecKey])]);
}

/**
 * Checks a PKCS#8 PrivateKeyInfo (or OneAsymmetricKey) against `algorithm`; returns the DER to
 * import: `der` itself, or for an EC key that names its curve only inside, the same key with the
 * curve in the AlgorithmIdentifier.
 * @param {Uint8Array<ArrayBuffer>} der
 * @param {SigningAlgorithm} algorithm
 * @returns {Uint8Array<ArrayBuffer>}
 */
function checkedPkcs8(der, algorithm) {
  const top = new Der(der, 'PKCS#8');
  const info = top.read(0x30, 'the PrivateKeyInfo');
  top.finish('the PrivateKeyInfo');
  if (info.smallInteger('the version') > 1) info.fault('its version is neither 0 nor 1');
  const algorithmId = info.read(0x30, 'the AlgorithmIdentifier');
  const type = algorithmId.read(0x06, 'the key type').oidText('the key type');
  const hasParameters = algorithmId.peek() !== -1;
  const privateKey = info.read(0x04, 'the private key');
  info.optional(0xa0); // attributes
  info.optional(0x81); // the public key (version 1)
  info.finish('the PrivateKeyInfo');
  if (type !== EC_PUBLIC_KEY) {
    checkKind(algorithm, type, '');
    // Ed25519 (RFC 8410): no parameters, and a CurvePrivateKey of 32 bytes.
    if (hasParameters) algorithmId.fault('an Ed25519 key has parameters');
    const seed = privateKey.read(0x04, 'the Ed25519 private key');
    privateKey.finish('the Ed25519 private key');
    if (seed.rest().length !== 32) seed.fault('the Ed25519 private key is not 32 bytes');
    return der;
  }
  // The curve, unless the parameters are absent or NULL (then it must be inside).
  let outer = '';
  if (algorithmId.peek() === 0x05) algorithmId.element();
  else if (hasParameters) outer = namedCurve(algorithmId, 'the AlgorithmIdentifier').curve;
  algorithmId.finish('the AlgorithmIdentifier');
  const ecKeyBytes = privateKey.rest();
  const inner = ecPrivateKey(privateKey);
  if (outer && inner.curve && outer !== inner.curve) privateKey.fault('it names two different curves');
  const curve = outer || inner.curve;
  if (!curve) privateKey.fault('it names no curve');
  checkKind(algorithm, EC_PUBLIC_KEY, curve);
  checkP521Scalar(privateKey, inner.scalar);
  return outer ? der : ecPkcs8(inner.encoding, ecKeyBytes);
}

/**
 * Checks a SEC1 ECPrivateKey (`BEGIN EC PRIVATE KEY`) against `algorithm`, and returns it as
 * PKCS#8.
 * @param {Uint8Array<ArrayBuffer>} der
 * @param {SigningAlgorithm} algorithm
 */
function checkedSec1(der, algorithm) {
  const reader = new Der(der, 'SEC1');
  const key = ecPrivateKey(reader);
  if (!key.curve) reader.fault('it names no curve (no [0] parameters)');
  checkKind(algorithm, EC_PUBLIC_KEY, key.curve);
  checkP521Scalar(reader, key.scalar);
  return ecPkcs8(key.encoding, der);
}

/**
 * The blocks of PEM text, `-----BEGIN label-----` to `-----END label-----`, in one pass.
 * @param {string} text
 * @returns {{ label: string, body: string }[]}
 */
function pemBlocks(text) {
  const blocks = [];
  for (let at = 0; ; ) {
    const begin = text.indexOf('-----BEGIN ', at);
    if (begin < 0) return blocks;
    const labelEnd = text.indexOf('-----', begin + 11);
    const label = labelEnd < 0 ? '' : text.slice(begin + 11, labelEnd);
    if (!/^[A-Z0-9]+(?: [A-Z0-9]+)*$/.test(label) || label.length > 40) throw keyError('format', 'has a malformed -----BEGIN line');
    const endLine = `-----END ${label}-----`;
    const end = text.indexOf(endLine, labelEnd + 5);
    if (end < 0) throw keyError('format', `has a -----BEGIN ${label}----- line without its -----END line (cut short?)`);
    blocks.push({ label, body: text.slice(labelEnd + 5, end) });
    at = end + endLine.length;
  }
}

/**
 * The DER of a PEM block's base64.
 * @param {string} label
 * @param {string} body
 * @returns {Uint8Array<ArrayBuffer>}
 */
function pemBytes(label, body) {
  if (/Proc-Type:\s*4,\s*ENCRYPTED/.test(body)) {
    throw keyError('format', `is encrypted (a BEGIN ${label} PEM with Proc-Type: 4,ENCRYPTED); decrypt it first (\`openssl pkcs8 -topk8 -nocrypt -in key.pem -out pkcs8.pem\` asks for its passphrase), or pass \`crypto.createPrivateKey({ key, passphrase })\``);
  }
  const base64 = body.replace(/\s+/g, '');
  if (base64 === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64)) {
    throw keyError('format', `has a ${label} block whose text is not base64 (headers, stray characters, or cut short)`);
  }
  return fromBase64(base64);
}

/**
 * A PEM private key checked against `algorithm`, as PKCS#8 DER.
 * @param {string} text
 * @param {SigningAlgorithm} algorithm
 */
function pemKey(text, algorithm) {
  if (text.length > MAX_PEM_CHARS) throw keyError('format', `is longer than any PEM private key (over ${MAX_PEM_CHARS} characters)`);
  const blocks = pemBlocks(text);
  const keys = blocks.filter((block) => block.label.endsWith('PRIVATE KEY'));
  if (keys.length > 1) throw keyError('format', 'holds more than one private key; give the one registered with Upvest');
  if (keys.length === 0) {
    if (blocks.some((block) => block.label.endsWith('PUBLIC KEY') || block.label.endsWith('CERTIFICATE'))) {
      throw keyError('type', 'holds a public key or a certificate, not a private key; give the private key (BEGIN PRIVATE KEY)');
    }
    throw keyError('format', 'must be a PEM private key (BEGIN PRIVATE KEY, PKCS#8, or BEGIN EC PRIVATE KEY, SEC1), a Node KeyObject or a CryptoKey; no PEM private key was found in the string');
  }
  const { label, body } = keys[0];
  if (label === 'PRIVATE KEY') return checkedPkcs8(pemBytes(label, body), algorithm);
  if (label === 'EC PRIVATE KEY') return checkedSec1(pemBytes(label, body), algorithm);
  if (label === 'ENCRYPTED PRIVATE KEY') {
    throw keyError('format', 'is an encrypted PKCS#8 key (BEGIN ENCRYPTED PRIVATE KEY); decrypt it first (`openssl pkcs8 -in key.pem -out pkcs8.pem` asks for its passphrase), or pass `crypto.createPrivateKey({ key, passphrase })`');
  }
  // Keys of a type no algorithm takes: the error says which.
  if (label === 'RSA PRIVATE KEY') checkKind(algorithm, '1.2.840.113549.1.1.1', '');
  if (label === 'DSA PRIVATE KEY') checkKind(algorithm, '1.2.840.10040.4.1', '');
  throw keyError('format', `is a BEGIN ${label} PEM, which this signer does not read; give a PKCS#8 PEM (BEGIN PRIVATE KEY) of an Ed25519 or EC P-521 key`);
}

/**
 * A Node KeyObject (or anything with an `export` method of its class) checked against
 * `algorithm`, as PKCS#8 DER.
 * @param {object} key
 * @param {Function} exportKey its `export`
 * @param {SigningAlgorithm} algorithm
 */
function keyObjectKey(key, exportKey, algorithm) {
  const type = inherent(key, 'type');
  if (type !== 'private') {
    throw keyError('type', type === 'public' ? 'is a public key; give the private key' : type === 'secret' ? 'is a secret (symmetric) key; give the private key' : 'must be a private KeyObject');
  }
  let der;
  try {
    // Options without a prototype (Node reads `cipher` and `passphrase` from them): nothing
    // from a polluted Object.prototype.
    der = exportKey.call(key, bare({ format: 'der', type: 'pkcs8' }));
  } catch (error) {
    throw keyError('type', 'could not be exported as PKCS#8 (its export threw)', error);
  }
  if (!(der instanceof Uint8Array)) throw keyError('type', 'gave no bytes when exported as PKCS#8');
  return checkedPkcs8(new Uint8Array(der), algorithm);
}

/**
 * A WebCrypto CryptoKey checked against `algorithm`: private, of its algorithm and curve, with
 * the `sign` usage.
 * @param {CryptoKey} key
 * @param {SigningAlgorithm} algorithm
 */
function cryptoKeyKey(key, algorithm) {
  const type = inherent(key, 'type');
  if (type !== 'private') throw keyError('type', `must be a private CryptoKey, not a ${type === 'public' ? 'public' : 'secret'} one`);
  const wanted = ALGORITHMS[algorithm].key;
  const found = inherent(key, 'algorithm');
  const name = own(found, 'name');
  const curve = own(found, 'namedCurve');
  if (name !== wanted.name || curve !== own(wanted, 'namedCurve')) {
    const words = (/** @type {unknown} */ value) => (typeof value === 'string' && /^[\w-]{1,24}$/.test(value) ? value : '');
    const described = [words(name) || 'another algorithm', words(curve)].filter(Boolean).join(' ');
    const wantedWords = [wanted.name, own(wanted, 'namedCurve')].filter(Boolean).join(' ');
    const fits = (/** @type {SigningAlgorithm} */ other) => name === ALGORITHMS[other].key.name && curve === own(ALGORITHMS[other].key, 'namedCurve');
    throw keyError('conflict', `must be a CryptoKey for ${wantedWords} for algorithm '${algorithm}', not one for ${described}${fix(fits)}`);
  }
  const usages = inherent(key, 'usages');
  if (!Array.isArray(usages) || !usages.includes('sign')) throw keyError('type', "is a CryptoKey without the 'sign' usage; import it with usages ['sign']");
  return key;
}

/**
 * Checks `privateKey` against `algorithm`, synchronously: a PEM (PKCS#8, or SEC1, which becomes
 * PKCS#8), a Node KeyObject, or a WebCrypto CryptoKey.
 * @param {unknown} privateKey `UpvestSignerOptions.privateKey`, unchecked
 * @param {SigningAlgorithm} algorithm
 * @returns {Uint8Array<ArrayBuffer> | CryptoKey} the PKCS#8 DER to import, or the CryptoKey
 * @throws {InvalidInputError}
 */
function checkedKey(privateKey, algorithm) {
  try {
    if (typeof privateKey === 'string') return pemKey(privateKey, algorithm);
    if (typeof CryptoKey !== 'undefined' && privateKey instanceof CryptoKey) return cryptoKeyKey(privateKey, algorithm);
    const exportKey = method(privateKey, 'export');
    if (exportKey !== undefined) return keyObjectKey(/** @type {object} */ (privateKey), exportKey, algorithm);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    // A Proxy's trap or a getter threw while the key was looked at.
    throw keyError('unreadable', 'could not be read (a getter or Proxy threw)', error);
  }
  throw keyError('type', 'must be a PEM string (BEGIN PRIVATE KEY, or BEGIN EC PRIVATE KEY), a Node KeyObject or a CryptoKey');
}

/**
 * Checks the signing key now (throwing `InvalidInputError` for one that is not a private key of
 * `algorithm`'s type and curve), and starts importing it; a failure of the import itself is
 * reported by the first signature, so the promise's rejection is marked handled.
 * @param {unknown} privateKey `UpvestSignerOptions.privateKey`, unchecked
 * @param {SigningAlgorithm} algorithm
 * @returns {Promise<CryptoKey>}
 * @throws {InvalidInputError}
 */
export function importSigningKey(privateKey, algorithm) {
  const key = importKey(checkedKey(privateKey, algorithm), algorithm);
  key.catch(() => {});
  return key;
}

/** @param {Uint8Array<ArrayBuffer> | CryptoKey} key @param {SigningAlgorithm} algorithm @returns {Promise<CryptoKey>} */
async function importKey(key, algorithm) {
  if (!(key instanceof Uint8Array)) return key;
  return subtle().importKey('pkcs8', key, ALGORITHMS[algorithm].key, false, ['sign']);
}
