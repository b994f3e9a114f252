// @ts-check
// Checks Upvest's webhook signatures, as Upvest signs webhooks (HTTP Message Signatures, its v6
// flavour): `createWebhookVerifier(options)` makes the `verify` function `parseWebhookEvents`
// takes. Plain JavaScript over the platform's WebCrypto, so no cryptography is in the wasm; the
// build copies it beside errors.js, whose classes it must share with the wasm for `instanceof`.
import { InvalidInputError, WebhookVerificationError } from './errors.js';
import { digest, fromBase64, subtle, toBase64 } from './crypto.js';

/** The signature's label in `signature` and `signature-input`. */
const LABEL = 'sig1';
/** What a delivery's signature must cover; `@query` too when the URL has a query. */
const REQUIRED_COMPONENTS = ['@method', '@path', 'digest'];
/** The only algorithm Upvest signs webhooks with, as an `alg` parameter would name it. */
const ALGORITHM = 'ecdsa-p521-sha512';
/** A raw P-521 signature: r and s, 66 bytes each. */
const RAW_SIGNATURE_BYTES = 132;
/** How often an unknown `keyid` may send the key source asking again (a rotated key appears in
 * it, but a forged keyid must not make every delivery a request to Upvest). */
const KEY_REFRESH_INTERVAL_MS = 60_000;
const OPTION_NAMES = ['keys', 'clockSkewSeconds', 'maxValiditySeconds', 'now'];

/** Any value, read for its members: a member of anything but null and undefined reads as
 * something (often undefined), nothing more is known of it. For caller input, which is read as
 * given, without a copy.
 * @typedef {{ readonly [name: string]: unknown } | null | undefined} Members */

/** The `keys` option, checked to be a function or to have an array `keys` (a JWKS).
 * @typedef {(() => unknown) | { readonly keys: unknown[] }} KeysOption */

/** A JWKS key usable for webhooks: EC, P-521, with string `kid`, `x` and `y`.
 * @typedef {{ readonly kid: string, readonly x: string, readonly y: string }} VerificationJwk */

/** A verification key, imported on first use.
 * @typedef {{ jwk: VerificationJwk, key: Promise<CryptoKey> | undefined }} KeyEntry */

/** The path and query of a request's URL.
 * @typedef {{ path: string, query: string | undefined }} RequestTarget */

/** The `sig1` signature of a request, as `readSignature` checked it.
 * @typedef {object} Signed
 * @property {string[]} components the covered components, in order
 * @property {string} keyid
 * @property {number} created
 * @property {number} expires
 * @property {string | undefined} signatureParams the `sig1` member of `signature-input` as sent
 * @property {Uint8Array<ArrayBuffer>} signature raw r ‖ s
 */

/** Reads one header by its lowercase name: trimmed, several values joined by ", ".
 * @typedef {(name: string) => string | undefined} HeaderReader */

/**
 * A `verify` function for `parseWebhookEvents` that checks Upvest's webhook signature: the
 * `digest` of the body, a `sig1` signature covering `@method`, `@path` (`@query` with a query)
 * and `digest`, not expired, by a P-521 key from `keys` (a JWKS, or an async function returning
 * one, such as `() => client.verifyKeys()`). Any failure rejects with a
 * `WebhookVerificationError` whose `code` says which check failed. Throws `InvalidInputError`
 * for bad options.
 * @param {unknown} options `WebhookVerifierOptions`, checked here
 * @returns {(request: unknown) => Promise<void>}
 */
export function createWebhookVerifier(options) {
  const { keys, clockSkewSeconds, maxValiditySeconds, now } = readOptions(options);
  const keyFor = keySource(keys, now);
  /** @param {unknown} request a `WebhookRequest`, read as given */
  return async function verifyWebhookSignature(request) {
    const { method, url, headers, body } = /** @type {Members} */ (request) ?? {};
    const header = headerReader(headers);
    const signed = readSignature(header('signature'), header('signature-input'));
    const target = requestTarget(url);
    checkCoverage(signed.components, target);
    checkLifetime(signed, now() / 1000, clockSkewSeconds, maxValiditySeconds);
    await checkDigest(header('digest'), body);
    const derived = { '@method': typeof method === 'string' ? method.toUpperCase() : undefined, '@path': target?.path, '@query': target?.query };
    const base = signatureBase(signed, derived, header);
    const key = await keyFor(signed.keyid);
    let valid = false;
    try {
      valid = await subtle().verify({ name: 'ECDSA', hash: 'SHA-512' }, key, signed.signature, new TextEncoder().encode(base));
    } catch {
      // A platform that cannot check it has not shown it valid.
    }
    if (!valid) throw refuse('bad-signature', 'the signature does not match the request (or was not made by the key of its keyid)');
  };
}

/**
 * @param {import('./errors.js').WebhookVerificationCode} code
 * @param {string} reason
 * @param {unknown} [cause]
 */
function refuse(code, reason, cause) {
  return new WebhookVerificationError(`Webhook signature refused: ${reason}`, { code, cause });
}

/**
 * @param {string} field
 * @param {import('./errors.js').InvalidInputCode} code
 * @param {string} rule
 */
function invalid(field, code, rule) {
  return new InvalidInputError(`Invalid input: ${field} ${rule}`, { field, code, rule });
}

/**
 * @param {unknown} options
 * @returns {{ keys: KeysOption, clockSkewSeconds: number, maxValiditySeconds: number, now: () => number }}
 */
function readOptions(options) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid('options', options === undefined ? 'required' : 'type', 'must be an object: { keys, clockSkewSeconds?, maxValiditySeconds?, now? }');
  }
  const unknown = Object.keys(options).find((name) => !OPTION_NAMES.includes(name));
  if (unknown !== undefined) throw invalid('options', 'unknown-field', `has an unknown field "${unknown}" (allowed: ${OPTION_NAMES.join(', ')})`);
  const { keys, clockSkewSeconds = 30, maxValiditySeconds = 300, now = Date.now } = /** @type {Record<string, unknown>} */ (options);
  if (typeof keys !== 'function' && !Array.isArray(/** @type {Members} */ (keys)?.keys)) {
    throw invalid('keys', keys === undefined ? 'required' : 'type', 'must be a JWKS { keys: [...] } or an async function returning one');
  }
  if (typeof now !== 'function') throw invalid('now', 'type', 'must be a function returning the time in milliseconds');
  return {
    // What the check above let through.
    keys: /** @type {KeysOption} */ (keys),
    clockSkewSeconds: seconds('clockSkewSeconds', clockSkewSeconds, 0),
    maxValiditySeconds: seconds('maxValiditySeconds', maxValiditySeconds, 1),
    now: checkedClock(/** @type {() => unknown} */ (now)),
  };
}

/**
 * The clock, checked on every reading: a time that is not a finite number would make every
 * lifetime check pass (comparisons with NaN are false), so it refuses instead.
 * @param {() => unknown} now
 * @returns {() => number}
 */
function checkedClock(now) {
  return () => {
    const time = now();
    if (typeof time !== 'number' || !Number.isFinite(time)) throw invalid('now', 'type', 'must return the time as a finite number of milliseconds');
    return time;
  };
}

/** @param {string} field @param {unknown} value @param {number} min @returns {number} */
function seconds(field, value, min) {
  if (typeof value !== 'number') throw invalid(field, 'type', `must be a number of seconds (got ${typeof value})`);
  if (!(value >= min && value <= 3600)) throw invalid(field, 'range', `must be from ${min} to 3600 seconds`);
  return value;
}

/** The request's headers as Node's `IncomingMessage.headers` (string or string[] values) or a
 * `Headers` holds them; a header read is trimmed, and one sent several times reads as its values
 * joined by ", " (as `Headers` joins them).
 * @param {unknown} headers
 * @returns {HeaderReader} */
function headerReader(headers) {
  if (typeof (/** @type {Members} */ (headers))?.get === 'function') {
    // Something with a `get` method is taken for a `Headers`, as `WebhookRequest.headers` allows.
    const fetchHeaders = /** @type {Pick<Headers, 'get'>} */ (headers);
    return (name) => fetchHeaders.get(name)?.trim();
  }
  /** @type {Map<string, string[]>} */
  const byName = new Map();
  for (const [name, value] of /** @type {[string, unknown][]} */ (Object.entries(headers ?? {}))) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), ...[value].flat().map((v) => String(v).trim())]);
  }
  return (name) => byName.get(name)?.join(', ');
}

/** The `sig1` members of the two signature headers, checked to be what Upvest sends.
 * @param {string | undefined} signatureField
 * @param {string | undefined} inputField
 * @returns {Signed} */
function readSignature(signatureField, inputField) {
  if (signatureField === undefined || inputField === undefined) {
    throw refuse('missing-signature', 'the request lacks the signature or signature-input header');
  }
  const input = parseDictionary(inputField)?.get(LABEL);
  const signature = parseDictionary(signatureField)?.get(LABEL);
  const malformed = (/** @type {string} */ reason) => refuse('malformed-signature', reason);
  if (!input || !signature) throw malformed(`signature and signature-input must be structured-field dictionaries with a ${LABEL} member`);
  const components = input.type === 'list' ? input.items.map((item) => (item.type === 'string' && item.params.size === 0 ? item.value : undefined)) : undefined;
  if (!components || components.includes(undefined) || new Set(components).size !== components.length) {
    throw malformed(`${LABEL} in signature-input must be a list of distinct component names`);
  }
  /**
   * A parameter of `sig1`, when it is of the type asked for.
   * @template {keyof BareValues} T
   * @param {string} name
   * @param {T} type
   * @returns {BareValues[T] | undefined}
   */
  const param = (name, type) => {
    const found = input.params.get(name);
    // A bare item of type T has a value of BareValues[T].
    return found?.type === type ? /** @type {BareValues[T]} */ (found.value) : undefined;
  };
  const [keyid, created, expires] = [param('keyid', 'string'), param('created', 'integer'), param('expires', 'integer')];
  if (keyid === undefined || created === undefined || expires === undefined || expires < created) {
    throw malformed(`${LABEL} in signature-input needs a keyid string and created and expires times, expires not before created`);
  }
  if (input.params.has('alg') && param('alg', 'string') !== ALGORITHM) throw malformed(`alg must be ${ALGORITHM}, the only algorithm of webhook signatures`);
  const bytes = signature.type === 'bytes' ? signature.value : undefined;
  const raw = bytes && (derToRaw(bytes) ?? (bytes.length === RAW_SIGNATURE_BYTES ? bytes : undefined));
  if (!raw) throw malformed('the signature must be an ECDSA P-521 signature, DER or raw r‖s, as a byte sequence');
  // No component is undefined (checked above).
  return { components: /** @type {string[]} */ (components), keyid, created, expires, signatureParams: input.text, signature: raw };
}

/** The path and query of a request's URL, as Node gives `request.url` (the request target) or as
 * a full URL; `query` is undefined without a `?`.
 * @param {unknown} url
 * @returns {RequestTarget | undefined} */
function requestTarget(url) {
  if (typeof url !== 'string') return undefined;
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split('#')[0];
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  return { path: path || '/', query: mark < 0 ? undefined : target.slice(mark) };
}

/** @param {string[]} components @param {RequestTarget | undefined} target */
function checkCoverage(components, target) {
  const required = target?.query === undefined ? REQUIRED_COMPONENTS : [...REQUIRED_COMPONENTS, '@query'];
  const uncovered = required.filter((name) => !components.includes(name));
  if (uncovered.length > 0) throw refuse('not-covered', `the signature does not cover ${uncovered.join(', ')}`);
}

/**
 * @param {Pick<Signed, 'created' | 'expires'>} signed
 * @param {number} nowSeconds
 * @param {number} skew
 * @param {number} maxValidity
 */
function checkLifetime({ created, expires }, nowSeconds, skew, maxValidity) {
  if (created > nowSeconds + skew) throw refuse('created-in-future', `the signature was created ${Math.round(created - nowSeconds)} s in the future`);
  if (expires < nowSeconds - skew) throw refuse('expired', `the signature expired ${Math.round(nowSeconds - expires)} s ago`);
  if (expires - created > maxValidity) throw refuse('validity-too-long', `the signature is valid for ${expires - created} s, longer than maxValiditySeconds (${maxValidity})`);
}

/** @param {string | undefined} field @param {unknown} body */
async function checkDigest(field, body) {
  if (field === undefined) throw refuse('missing-digest', 'the request has no digest header');
  const given = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (!(given instanceof ArrayBuffer || ArrayBuffer.isView(given))) throw refuse('digest-mismatch', 'the raw body (a string, Uint8Array or ArrayBuffer) is needed to check the digest');
  // WebCrypto refuses views on a SharedArrayBuffer: such a body is copied first.
  const shared = typeof SharedArrayBuffer !== 'undefined' && ArrayBuffer.isView(given) && given.buffer instanceof SharedArrayBuffer;
  const bytes = shared ? new Uint8Array(given.buffer, given.byteOffset, given.byteLength).slice() : given;
  const expected = toBase64(await digest('SHA-256', /** @type {BufferSource} */ (bytes)));
  // `digest` may list several `algorithm=value` entries; the SHA-256 one must match.
  const matches = field.split(',').some((entry) => {
    const [algorithm, ...value] = entry.trim().split('=');
    return algorithm.toLowerCase() === 'sha-256' && value.join('=') === expected;
  });
  if (!matches) throw refuse('digest-mismatch', 'the digest header does not match the body (SHA-256)');
}

/** Upvest's v6 base: `name: value` per covered component, names bare, in the order covered; then
 * `@signature-params: ` and the member as sent.
 * @param {Pick<Signed, 'components' | 'signatureParams'>} signed
 * @param {Record<string, string | undefined>} derived the values of the derived components
 * @param {HeaderReader} header
 * @returns {string} */
function signatureBase({ components, signatureParams }, derived, header) {
  const lines = components.map((name) => {
    if (name.startsWith('@') && !Object.hasOwn(derived, name)) throw refuse('malformed-signature', `the signature covers ${name}, a component webhook signatures do not use`);
    const value = name.startsWith('@') ? derived[name] : header(name);
    if (value === undefined) throw refuse('missing-component', `the signature covers ${name}, which the request does not carry`);
    return `${name}: ${value}`;
  });
  return [...lines, `@signature-params: ${signatureParams}`].join('\n');
}

/** Finds the verification key for a keyid: the JWKS is loaded on first use and kept; an unknown
 * keyid loads it again, at most once a minute. Concurrent verifications share one load.
 * @param {KeysOption} keys
 * @param {() => number} now
 * @returns {(kid: string) => Promise<CryptoKey>} */
function keySource(keys, now) {
  const load = typeof keys === 'function' ? keys : () => keys;
  /** @type {Map<string, KeyEntry> | undefined} */
  let loaded;
  /** @type {Promise<void> | undefined} */
  let loading;
  /** Set by every load before it sets `loaded`, so read only once `loaded` is set.
   * @type {number} */
  let attemptedAt;
  const reload = () => {
    loading ??= (async () => {
      // Failed attempts count too: once keys are loaded, a key source that is down is not asked
      // again for every unknown keyid.
      attemptedAt = now();
      /** @type {unknown} */
      let jwks;
      try {
        jwks = await load();
      } catch (error) {
        const thrown = /** @type {Members} */ (error);
        throw refuse('key-source-failed', `the key source failed${thrown?.name ? ` (${thrown.name})` : ''}`, error);
      }
      loaded = verificationKeys(jwks);
    })().finally(() => {
      loading = undefined;
    });
    return loading;
  };
  // A load that did not throw has set `loaded`.
  const current = () => /** @type {Map<string, KeyEntry>} */ (loaded);
  return async (kid) => {
    if (loaded === undefined) await reload();
    if (!current().has(kid)) {
      // A reload under way (another delivery's, for a rotated key) may bring it: wait for it
      // rather than refuse; else ask again, at most once a minute.
      if (loading) await loading;
      else if (now() - attemptedAt >= KEY_REFRESH_INTERVAL_MS) await reload();
    }
    const entry = current().get(kid);
    if (entry === undefined) throw refuse('unknown-key', "no P-521 key in the key source has the signature's keyid");
    const { x, y } = entry.jwk;
    entry.key ??= subtle().importKey('jwk', { kty: 'EC', crv: 'P-521', x, y }, { name: 'ECDSA', namedCurve: 'P-521' }, false, ['verify']);
    try {
      return await entry.key;
    } catch (error) {
      throw refuse('key-source-failed', "the key of the signature's keyid is not a valid P-521 public key", error);
    }
  };
}

/** The JWKS's P-521 keys by kid (the first of a kid wins); other keys are not for webhooks.
 * @param {unknown} jwks what the key source gave
 * @returns {Map<string, KeyEntry>} */
function verificationKeys(jwks) {
  const set = /** @type {Members} */ (jwks);
  if (!Array.isArray(set?.keys)) throw refuse('key-source-failed', 'the key source gave no JWKS { keys: [...] }');
  /** @type {Map<string, KeyEntry>} */
  const byKid = new Map();
  for (const jwk of /** @type {unknown[]} */ (set.keys)) {
    if (isVerificationJwk(jwk) && !byKid.has(jwk.kid)) byKid.set(jwk.kid, { jwk, key: undefined });
  }
  return byKid;
}

/** @param {unknown} value @returns {value is VerificationJwk} */
function isVerificationJwk(value) {
  const jwk = /** @type {Members} */ (value);
  return jwk?.kty === 'EC' && jwk.crv === 'P-521' && [jwk.kid, jwk.x, jwk.y].every((v) => typeof v === 'string');
}

/** An ECDSA P-521 signature in DER (SEQUENCE of the INTEGERs r and s) as raw r ‖ s, the form
 * WebCrypto verifies; undefined when the bytes are not such DER.
 * @param {Uint8Array<ArrayBuffer>} der
 * @returns {Uint8Array<ArrayBuffer> | undefined} */
function derToRaw(der) {
  let at = 0;
  // DER lengths here are short, or long with one byte (a P-521 signature is at most 139 bytes).
  /** @returns {number | undefined} past the end too (`der[at]` is then undefined) */
  const length = () => (der[at] === 0x81 ? der[(at += 2) - 1] : der[at] < 0x80 ? der[at++] : undefined);
  if (der[at++] !== 0x30 || length() !== der.length - at) return undefined;
  const raw = new Uint8Array(RAW_SIGNATURE_BYTES);
  for (const offset of [0, RAW_SIGNATURE_BYTES / 2]) {
    if (der[at++] !== 0x02) return undefined;
    const size = length();
    if (size === undefined || !(size >= 1) || at + size > der.length) return undefined;
    let integer = der.subarray(at, (at += size));
    // A leading zero keeps a positive INTEGER positive; it is no part of the number.
    while (integer.length > 1 && integer[0] === 0) integer = integer.subarray(1);
    if (integer.length > RAW_SIGNATURE_BYTES / 2) return undefined;
    raw.set(integer, offset + RAW_SIGNATURE_BYTES / 2 - integer.length);
  }
  return at === der.length ? raw : undefined;
}

// Structured fields (RFC 8941), as far as signature headers use them: a dictionary whose members
// are items or inner lists, with parameters. Each member keeps its text as written, which
// `@signature-params` must repeat exactly.
const KEY = /[a-z*][a-z0-9_\-.*]*/y;
const BARE_ITEM = /"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"|(-?\d{1,15})(\.\d{1,3})?|([A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*)|:([A-Za-z0-9+/=]*):|\?([01])/y;
const SPACES = / */y;
const OWS = /[ \t]*/y;

/**
 * The value of a bare item of each type, as JavaScript has it.
 * @typedef {{ string: string, token: string, integer: number, decimal: number, bytes: Uint8Array<ArrayBuffer>, boolean: boolean }} BareValues
 */
/** @typedef {{ [T in keyof BareValues]: { type: T, value: BareValues[T] } }[keyof BareValues]} BareItem */
/** @typedef {BareItem & { params: Map<string, BareItem> }} Item an item, with its parameters */
/** @typedef {{ type: 'list', items: Item[], params: Map<string, BareItem> }} InnerList */
/** A dictionary member; `text` is how it was written (after `=`; none for a bare key).
 * @typedef {(Item | InnerList) & { text?: string }} Member */

/** A dictionary as `Map<key, { type, value | items, params, text }>`, or undefined when malformed.
 * @param {string} field
 * @returns {Map<string, Member> | undefined} */
function parseDictionary(field) {
  let at = 0;
  /** @param {RegExp} pattern a sticky one */
  const take = (pattern) => {
    pattern.lastIndex = at;
    const match = pattern.exec(field);
    if (match) at = pattern.lastIndex;
    return match;
  };
  const fail = () => {
    throw new SyntaxError('malformed structured field');
  };
  /** @returns {BareItem} */
  const bareItem = () => {
    const [, string, integer, decimal, token, bytes, boolean] = take(BARE_ITEM) ?? fail();
    if (string !== undefined) return { type: 'string', value: string.replace(/\\(["\\])/g, '$1') };
    if (integer !== undefined) return { type: decimal === undefined ? 'integer' : 'decimal', value: Number(integer + (decimal ?? '')) };
    if (token !== undefined) return { type: 'token', value: token };
    if (bytes !== undefined) return { type: 'bytes', value: fromBase64(bytes) };
    return { type: 'boolean', value: boolean === '1' };
  };
  const params = () => {
    /** @type {Map<string, BareItem>} */
    const found = new Map();
    while (field[at] === ';') {
      at += 1;
      take(SPACES);
      const [key] = take(KEY) ?? fail();
      found.set(key, field[at] === '=' ? (at++, bareItem()) : { type: 'boolean', value: true });
    }
    return found;
  };
  /** @returns {Item} */
  const item = () => ({ ...bareItem(), params: params() });
  /** @returns {InnerList} */
  const innerList = () => {
    at += 1;
    /** @type {Item[]} */
    const items = [];
    for (;;) {
      take(SPACES);
      if (field[at] === ')') break;
      items.push(item());
      if (field[at] !== ' ' && field[at] !== ')') fail();
    }
    at += 1;
    return { type: 'list', items, params: params() };
  };
  try {
    /** @type {Map<string, Member>} */
    const members = new Map();
    take(SPACES);
    for (;;) {
      const [key] = take(KEY) ?? fail();
      if (field[at] === '=') {
        const start = (at += 1);
        const member = field[at] === '(' ? innerList() : item();
        members.set(key, { ...member, text: field.slice(start, at) });
      } else {
        members.set(key, { type: 'boolean', value: true, params: params() });
      }
      take(OWS);
      if (at === field.length) return members;
      if (field[at++] !== ',') fail();
      take(OWS);
      if (at === field.length) fail();
    }
  } catch {
    return undefined;
  }
}
