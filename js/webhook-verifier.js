// @ts-check
// Checks Upvest's webhook signatures, as Upvest signs webhooks (HTTP Message Signatures, its v6
// flavour): `createWebhookVerifier(options)` makes the `verify` function `parseWebhookEvents`
// takes. Plain JavaScript over the platform's WebCrypto, so no cryptography is in the wasm; the
// build copies it beside errors.js, whose classes it must share with the wasm for `instanceof`.
// Options, requests, header sets and key sets are the caller's objects, read as given (no copy),
// but only through their own members (`own`, `method`): a name a dependency added to
// Object.prototype never stands in for one the caller left out.
import { WebhookVerificationError } from './errors.js';
import { digest, fromBase64, subtle, toBase64 } from './crypto.js';
import { bare, member, method, own } from './plain.js';
import { invalidInput as invalid } from './option-checks.js';

/** The signature's label in `signature` and `signature-input`. */
const LABEL = 'sig1';
/** What a delivery's signature must cover; `@query` too when the URL has a query. */
const REQUIRED_COMPONENTS = ['@method', '@path', 'digest'];
/** The only algorithm Upvest signs webhooks with, as an `alg` parameter would name it. */
const ALGORITHM = 'ecdsa-p521-sha512';
/** A raw P-521 signature: r and s, 66 bytes each. */
const RAW_SIGNATURE_BYTES = 132;
/** A P-521 coordinate: 66 bytes. */
const COORDINATE_BYTES = 66;
/** How often an unknown `keyid` may send the key source asking again (a rotated key appears in
 * it, but a forged keyid must not make every delivery a request to Upvest). */
const KEY_REFRESH_INTERVAL_MS = 60_000;
/** After a key source fails, it is not asked again for this long, then for twice as long after
 * each further failure in a row, up to the maximum; deliveries that need it meanwhile are refused
 * at once. An answer resets it. */
const KEY_SOURCE_BACKOFF_MS = 5_000;
const KEY_SOURCE_MAX_BACKOFF_MS = 300_000;
const OPTION_NAMES = ['keys', 'clockSkewSeconds', 'maxValiditySeconds', 'maxKeyAgeSeconds', 'keySourceTimeoutMs', 'now'];

/** The `keys` option, checked to be a function or to have an own array `keys` (a JWKS).
 * @typedef {((options: { signal: AbortSignal | undefined }) => unknown) | object} KeysOption */

/** A JWKS key usable for webhooks: EC, P-521, with string `kid`, `x` and `y` (copied out of the
 * caller's key, so they are read once).
 * @typedef {{ readonly kid: string, readonly x: string, readonly y: string }} VerificationJwk */

/** A verification key, imported on first use.
 * @typedef {{ jwk: VerificationJwk, key: Promise<CryptoKey> | undefined }} KeyEntry */

/** The keys of the key source's last answer, and when it was asked for them (ms, `now`).
 * @typedef {{ byKid: Map<string, KeyEntry>, listedAt: number }} KeptKeys */

/** The key source's last failure, while no answer has come since.
 * @typedef {{ cause: unknown, inARow: number, retryAt: number }} Failure */

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

/** The checked options.
 * @typedef {object} VerifierOptions
 * @property {KeysOption} keys
 * @property {number} clockSkewSeconds
 * @property {number} maxValiditySeconds
 * @property {number} maxKeyAgeSeconds
 * @property {number} keySourceTimeoutMs
 * @property {() => number} now
 */

/**
 * A `verify` function for `parseWebhookEvents` that checks Upvest's webhook signature: the
 * `digest` of the body, a `sig1` signature covering `@method`, `@path` (`@query` with a query)
 * and `digest`, not expired, by a P-521 key from `keys` (a JWKS, or an async function returning
 * one, such as `({ signal }) => client.verifyKeys({ signal })`). Any failure rejects with a
 * `WebhookVerificationError` whose `code` says which check failed. Throws `InvalidInputError`
 * for bad options.
 * @param {unknown} options `WebhookVerifierOptions`, checked here
 * @returns {(request: unknown) => Promise<void>}
 */
export function createWebhookVerifier(options) {
  const checked = readOptions(options);
  const { clockSkewSeconds, maxValiditySeconds, now } = checked;
  const keyFor = keySource(checked);
  /**
   * The checks, the body's digest among them unless `withBody` is false.
   * @param {unknown} request a `WebhookRequest`, read as given
   * @param {boolean} withBody */
  async function check(request, withBody) {
    const [verb, url, headers] = ['method', 'url', 'headers'].map((name) => own(request, name));
    const header = headerReader(headers);
    const signed = readSignature(header('signature'), header('signature-input'));
    const target = requestTarget(url);
    checkCoverage(signed.components, target);
    checkLifetime(signed, now() / 1000, clockSkewSeconds, maxValiditySeconds);
    if (withBody) await checkDigest(header('digest'), own(request, 'body'));
    else if (header('digest') === undefined) throw refuse('missing-digest', 'the request has no digest header');
    const derived = bare({ '@method': typeof verb === 'string' ? verb.toUpperCase() : undefined, '@path': target?.path, '@query': target?.query });
    const base = signatureBase(signed, derived, header);
    const key = await keyFor(signed.keyid);
    let valid = false;
    try {
      valid = await subtle().verify(bare({ name: 'ECDSA', hash: 'SHA-512' }), key, signed.signature, new TextEncoder().encode(base));
    } catch {
      // A platform that cannot check it has not shown it valid.
    }
    if (!valid) throw refuse('bad-signature', 'the signature does not match the request (its method, path, query, a covered header or the body differ from what was signed, or another key made it; behind a proxy that rewrites the path, give the check the URL Upvest posted to)');
  }
  /** @param {unknown} request a `WebhookRequest`, read as given */
  const verifyWebhookSignature = (request) => check(request, true);
  SIGNATURE_FIRST.set(verifyWebhookSignature, {
    headers: (request) => check(request, false),
    digest: (request) => {
      const headers = own(request, 'headers');
      return checkDigest(headerReader(headers)('digest'), own(request, 'body'));
    },
  });
  return verifyWebhookSignature;
}

/** A verifier's checks in two steps, for a receiver that checks the signature (which covers the
 * `digest` header) before it reads the body, and the body against the digest after.
 * @typedef {{ headers: (request: unknown) => Promise<void>, digest: (request: unknown) => Promise<void> }} SignatureFirst */

/** @type {WeakMap<Function, SignatureFirst>} */
const SIGNATURE_FIRST = new WeakMap();

/** The two-step checks of a `verify` this module made, or `undefined` for any other function.
 * @param {unknown} verify
 * @returns {SignatureFirst | undefined} */
export function signatureFirst(verify) {
  return typeof verify === 'function' ? SIGNATURE_FIRST.get(verify) : undefined;
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
 * @param {unknown} options
 * @returns {VerifierOptions}
 */
function readOptions(options) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid('options', options === undefined ? 'required' : 'type', `must be an object: { ${OPTION_NAMES.map((name, i) => (i === 0 ? name : `${name}?`)).join(', ')} }`);
  }
  const unknown = Object.keys(options).find((name) => !OPTION_NAMES.includes(name));
  if (unknown !== undefined) throw invalid('options', 'unknown-field', `has an unknown field "${unknown}" (allowed: ${OPTION_NAMES.join(', ')})`);
  // Own members only: an option left out is its default, whatever Object.prototype holds.
  /** @param {string} name @param {unknown} [fallback] what undefined means */
  const option = (name, fallback) => {
    const value = member(options, name, name);
    return value === undefined ? fallback : value;
  };
  const keys = option('keys');
  if (typeof keys !== 'function' && !Array.isArray(member(keys, 'keys', 'keys'))) {
    throw invalid('keys', keys === undefined ? 'required' : 'type', 'must be a JWKS { keys: [...] } or an async function returning one');
  }
  const now = option('now', Date.now);
  if (typeof now !== 'function') throw invalid('now', 'type', 'must be a function returning the time in milliseconds');
  return {
    // What the check above let through.
    keys: /** @type {KeysOption} */ (keys),
    clockSkewSeconds: bounded('clockSkewSeconds', option('clockSkewSeconds', 30), 0, 3600, 'seconds'),
    maxValiditySeconds: bounded('maxValiditySeconds', option('maxValiditySeconds', 300), 1, 3600, 'seconds'),
    maxKeyAgeSeconds: bounded('maxKeyAgeSeconds', option('maxKeyAgeSeconds', 3600), 60, 86_400, 'seconds'),
    keySourceTimeoutMs: bounded('keySourceTimeoutMs', option('keySourceTimeoutMs', 10_000), 1, 300_000, 'milliseconds'),
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

/** @param {string} field @param {unknown} value @param {number} min @param {number} max @param {string} unit @returns {number} */
function bounded(field, value, min, max, unit) {
  if (typeof value !== 'number') throw invalid(field, 'type', `must be a number of ${unit} (got ${typeof value})`);
  if (!(value >= min && value <= max)) throw invalid(field, 'range', `must be from ${min} to ${max} ${unit}`);
  return value;
}

/** The request's headers as Node's `IncomingMessage.headers` (string or string[] values) or a
 * `Headers` holds them; a header read is trimmed, and one sent several times reads as its values
 * joined by ", " (as `Headers` joins them). Only own members of a plain object are headers, and
 * only a `get` of the object's class (a `Headers`') makes it a `Headers`.
 * @param {unknown} headers
 * @returns {HeaderReader} */
function headerReader(headers) {
  const get = method(headers, 'get');
  if (get) {
    return (name) => {
      const value = Reflect.apply(get, headers, [name]);
      return typeof value === 'string' ? value.trim() : undefined;
    };
  }
  /** @type {Map<string, string[]>} */
  const byName = new Map();
  for (const name of typeof headers === 'object' && headers !== null ? Object.keys(headers) : []) {
    const value = own(headers, name);
    const values = Array.isArray(value) ? Array.from({ length: value.length }, (_, i) => own(value, i)) : [value];
    const texts = values.filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => String(v).trim());
    if (texts.length === 0) continue;
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), ...texts]);
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

/**
 * Finds the verification key for a keyid. The key source is asked on first use, and its keys are
 * kept, stamped with when they were asked for:
 * - kept keys at least half `maxKeyAgeSeconds` old are asked for again (the delivery waits); if
 *   that fails, they keep verifying until they reach `maxKeyAgeSeconds`, and are never used past
 *   it: a key Upvest no longer lists (revoked) stops verifying within that age, whether or not
 *   the source answers;
 * - an unknown keyid asks again (a rotated key), at most once a minute;
 * - every call is bounded by `keySourceTimeoutMs`, and concurrent deliveries share one call;
 * - after a failure the source is not asked again for 5 s, doubling with each failure in a row
 *   up to 5 minutes; deliveries that need it meanwhile are refused at once.
 * @param {Pick<VerifierOptions, 'keys' | 'maxKeyAgeSeconds' | 'keySourceTimeoutMs' | 'now'>} options
 * @returns {(kid: string) => Promise<CryptoKey>} */
function keySource({ keys, maxKeyAgeSeconds, keySourceTimeoutMs, now }) {
  /** @type {(options: { signal: AbortSignal | undefined }) => unknown} */
  const load = typeof keys === 'function' ? /** @type {any} */ (keys) : () => keys;
  const maxAgeMs = maxKeyAgeSeconds * 1000;
  /** @type {KeptKeys | undefined} */
  let kept;
  /** @type {Promise<KeptKeys> | undefined} the call under way */
  let loading;
  /** @type {Failure | undefined} */
  let failure;
  /** When the source was last asked (whatever came of it); -Infinity before. */
  let askedAt = -Infinity;

  /** A call to the source now, or the one under way; refused at once while backing off.
   * @param {number} time now()
   * @returns {Promise<KeptKeys>} */
  const reload = (time) => {
    if (loading) return loading;
    if (failure && time < failure.retryAt) {
      const wait = Math.ceil((failure.retryAt - time) / 1000);
      return Promise.reject(refuse('key-source-failed', `the key source failed and is not asked again for ${wait} s`, failure.cause));
    }
    askedAt = time;
    loading = ask(load, keySourceTimeoutMs, kept?.byKid)
      .then(
        (byKid) => {
          failure = undefined;
          return (kept = { byKid, listedAt: time });
        },
        (/** @type {WebhookVerificationError} */ refusal) => {
          const inARow = (failure?.inARow ?? 0) + 1;
          const wait = Math.min(KEY_SOURCE_BACKOFF_MS * 2 ** (inARow - 1), KEY_SOURCE_MAX_BACKOFF_MS);
          failure = { cause: refusal.cause, inARow, retryAt: now() + wait };
          throw refusal;
        },
      )
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return async (kid) => {
    const time = now();
    let keys = kept;
    if (keys === undefined || time - keys.listedAt >= maxAgeMs) {
      // None yet, or too old to trust: only an answer will do.
      keys = await reload(time);
    } else if (time - keys.listedAt >= maxAgeMs / 2) {
      // Due for another look; while the source fails, the kept keys still serve.
      keys = await reload(time).catch(() => /** @type {KeptKeys} */ (kept));
    }
    if (!keys.byKid.has(kid)) {
      // A call under way (another delivery's, for a rotated key) may bring it: wait for it rather
      // than refuse; else ask again, at most once a minute. A source that is failing cannot say
      // the key is unknown: that is its failure.
      if (loading) keys = await loading;
      else if (time - askedAt >= KEY_REFRESH_INTERVAL_MS || failure) keys = await reload(time);
    }
    const entry = keys.byKid.get(kid);
    if (entry === undefined) throw refuse('unknown-key', "no P-521 key in the key source has the signature's keyid");
    entry.key ??= importKey(entry.jwk);
    try {
      return await entry.key;
    } catch (error) {
      throw refuse('key-source-failed', "the key of the signature's keyid is not a valid P-521 public key", error);
    }
  };
}

/**
 * One call to the key source, bounded by `timeoutMs` (a real timer, which does not keep Node
 * running): its verification keys, entries for unchanged keys kept from `previous` (imported
 * already). The call gets `{ signal }`, aborted at the time limit. Any failure is a
 * `key-source-failed` refusal.
 * @param {(options: { signal: AbortSignal | undefined }) => unknown} load
 * @param {number} timeoutMs
 * @param {Map<string, KeyEntry> | undefined} previous
 * @returns {Promise<Map<string, KeyEntry>>}
 */
async function ask(load, timeoutMs, previous) {
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const refusal = refuse('key-source-failed', `the key source did not answer within ${timeoutMs} ms`);
      controller?.abort(refusal);
      reject(refusal);
    }, timeoutMs);
    const unref = method(timer, 'unref');
    if (unref) Reflect.apply(unref, timer, []);
  });
  /** @type {unknown} */
  let jwks;
  try {
    // A call that never settles is left behind; what it does later is ignored.
    jwks = await Promise.race([Promise.resolve().then(() => load(bare({ signal: controller?.signal }))), late]);
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw error;
    const name = error instanceof Error ? error.name : own(error, 'name');
    throw refuse('key-source-failed', `the key source failed${typeof name === 'string' && name ? ` (${name})` : ''}`, error);
  } finally {
    clearTimeout(timer);
  }
  try {
    return verificationKeys(jwks, previous);
  } catch (error) {
    throw error instanceof WebhookVerificationError ? error : refuse('key-source-failed', 'the key source gave a JWKS that could not be read', error);
  }
}

/** The JWKS's P-521 keys by kid (the first of a kid wins); other keys are not for webhooks. Own
 * members only, item by item (a hole in `keys` is no key).
 * @param {unknown} jwks what the key source gave
 * @param {Map<string, KeyEntry> | undefined} previous entries to keep for keys listed unchanged
 * @returns {Map<string, KeyEntry>} */
function verificationKeys(jwks, previous) {
  const list = own(jwks, 'keys');
  if (!Array.isArray(list)) throw refuse('key-source-failed', 'the key source gave no JWKS { keys: [...] }');
  /** @type {Map<string, KeyEntry>} */
  const byKid = new Map();
  for (let i = 0; i < list.length; i += 1) {
    const jwk = verificationJwk(own(list, i));
    if (jwk === undefined || byKid.has(jwk.kid)) continue;
    const before = previous?.get(jwk.kid);
    byKid.set(jwk.kid, before && before.jwk.x === jwk.x && before.jwk.y === jwk.y ? before : { jwk, key: undefined });
  }
  return byKid;
}

/** The key's kid and coordinates when it is an EC P-521 key with string `kid`, `x` and `y`.
 * @param {unknown} value @returns {VerificationJwk | undefined} */
function verificationJwk(value) {
  const [kty, crv, kid, x, y] = ['kty', 'crv', 'kid', 'x', 'y'].map((name) => own(value, name));
  if (kty !== 'EC' || crv !== 'P-521' || typeof kid !== 'string' || typeof x !== 'string' || typeof y !== 'string') return undefined;
  return { kid, x, y };
}

/** A P-521 public key from its coordinates, imported as the uncompressed point (`raw`): a JWK
 * import would have the platform read optional JWK members (`alg`, `key_ops`, `use`), which
 * Node reads through Object.prototype.
 * @param {VerificationJwk} jwk
 * @returns {Promise<CryptoKey>} */
async function importKey({ x, y }) {
  const point = new Uint8Array(1 + 2 * COORDINATE_BYTES);
  point[0] = 0x04;
  [x, y].forEach((coordinate, i) => {
    if (!/^[A-Za-z0-9_-]{1,88}$/.test(coordinate)) throw new TypeError('a coordinate is not base64url');
    const bytes = fromBase64(coordinate.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (coordinate.length % 4)) % 4));
    if (bytes.length > COORDINATE_BYTES) throw new TypeError('a coordinate is too long for P-521');
    // A coordinate is 66 bytes; a shorter one lost its leading zeros.
    point.set(bytes, 1 + (i + 1) * COORDINATE_BYTES - bytes.length);
  });
  return subtle().importKey('raw', point, bare({ name: 'ECDSA', namedCurve: 'P-521' }), false, ['verify']);
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
        members.set(key, { type: 'boolean', value: true, params: params(), text: undefined });
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
