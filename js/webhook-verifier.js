// @ts-check
// Checks Upvest's webhook signatures, as Upvest signs webhooks (HTTP Message Signatures, its v6
// flavour): `createWebhookVerifier(options)` makes the `verify` function `parseWebhookEvents`
// takes. The core reads the signature headers, checks their coverage and lifetime, matches the
// `digest` header against the body's SHA-256 and builds the signature base
// (src/core/webhook_signature.rs); this module keeps the options, the key source and its cache,
// and the platform's WebCrypto (the body's digest, the key, the verification), so no
// cryptography is in the wasm and the body never enters it.
// Options, requests, header sets and key sets are the caller's objects, read as given (no copy),
// but only through their own members (`own`, `method`): a name a dependency added to
// Object.prototype never stands in for one the caller left out.
import { WebhookVerificationError } from './errors.js';
import { core } from './core.js';
import { digest, fromBase64, subtle, toBase64 } from './crypto.js';
import { WEBHOOK_VERIFICATION_CODES } from './seam.js';
import { bare, member, method, own } from './plain.js';
import { invalidInput as invalid } from './option-checks.js';

/** What the core is told of a body: not read yet, not bytes, or digested (its SHA-256 given). */
const [BODY_UNREAD, BODY_NOT_BYTES, BODY_DIGESTED] = [0, 1, 2];
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
    const list = componentList(verb, url, headers);
    const sha256 = withBody ? await bodyDigest(own(request, 'body')) : undefined;
    const body = withBody ? (sha256 ? BODY_DIGESTED : BODY_NOT_BYTES) : BODY_UNREAD;
    const [keyid, signature, ...base] = fromCore(core.webhookSignature(list, body, sha256 ?? '', 0, now() / 1000, clockSkewSeconds, maxValiditySeconds));
    // keyid is the string item as written: its quotes and escapes (\" and \\ only) go.
    const key = await keyFor(keyid.slice(1, -1).replace(/\\(.)/g, '$1'));
    let valid = false;
    try {
      valid = await subtle().verify(bare({ name: 'ECDSA', hash: 'SHA-512' }), key, fromBase64(signature), new TextEncoder().encode(base.join('\n')));
    } catch {
      // A platform that cannot check it has not shown it valid.
    }
    if (!valid) throw refuse('bad-signature', 'the signature does not match the request (its method, path, query, a covered header or the body differ from what was signed, or another key made it; behind a proxy that rewrites the path, give the check the URL Upvest posted to)');
  }
  /** @param {unknown} request a `WebhookRequest`, read as given */
  const verifyWebhookSignature = (request) => check(request, true);
  SIGNATURE_FIRST.set(verifyWebhookSignature, {
    headers: (request) => check(request, false),
    digest: async (request) => {
      const sha256 = await bodyDigest(own(request, 'body'));
      fromCore(core.webhookSignature(componentList(undefined, undefined, own(request, 'headers')), sha256 ? BODY_DIGESTED : BODY_NOT_BYTES, sha256 ?? '', 1, 0, 0, 0));
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
 * The core's answer (src/wasm/webhook_signature.rs) as its lines after the first, which is empty;
 * a refusal (a first line of one digit, the code's place in the seam's list, then the message)
 * thrown as one.
 * @param {string} answer
 * @returns {string[]}
 */
function fromCore(answer) {
  const [code, ...lines] = answer.split('\n');
  if (code) throw refuse(WEBHOOK_VERIFICATION_CODES[Number(code)], lines.join('\n'));
  return lines;
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

/** The path and query of a request's URL, as Node gives `request.url` (the request target) or as
 * a full URL; `query` keeps its `?` and is undefined without one.
 * @param {unknown} url
 * @returns {{ path: string, query: string | undefined } | undefined} */
function requestTarget(url) {
  if (typeof url !== 'string') return undefined;
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split('#')[0];
  const mark = target.indexOf('?');
  return { path: (mark < 0 ? target : target.slice(0, mark)) || '/', query: mark < 0 ? undefined : target.slice(mark) };
}

/** The request's components as the core reads them, `name\nvalue\n…`: `@method` (its ASCII
 * letters uppercase), `@path` and `@query` when the request has a method, a URL, a query; then
 * the headers: names lowercase, each value trimmed, one sent several times once with its values
 * joined by ", " (as `Headers` joins them). A value with a line break, and a header name with one
 * or starting with `@` (HTTP allows neither), are left out. From Node's
 * `IncomingMessage.headers` (string or string[] values) or a `Headers`: only own members of a
 * plain object are headers, and only a `get` and `forEach` of the object's class (a `Headers`')
 * make it a `Headers`.
 * @param {unknown} verb the request's method
 * @param {unknown} url the request's URL
 * @param {unknown} headers
 * @returns {string} */
function componentList(verb, url, headers) {
  const target = requestTarget(url);
  const upper = typeof verb === 'string' ? verb.replace(/[a-z]+/g, (letters) => letters.toUpperCase()) : undefined;
  /** @type {Map<string, string[]>} */
  const byName = new Map();
  /** @param {string} name @param {unknown[]} values */
  const add = (name, values) => {
    const texts = values.filter((v) => typeof v === 'string' || typeof v === 'number').map((v) => String(v).trim()).filter((v) => !/[\r\n]/.test(v));
    if (texts.length === 0) return;
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), ...texts]);
  };
  const [get, forEach] = [method(headers, 'get'), method(headers, 'forEach')];
  if (get) {
    if (forEach) Reflect.apply(forEach, headers, [(/** @type {unknown} */ value, /** @type {unknown} */ name) => typeof name === 'string' && add(name, [value])]);
  } else {
    for (const name of typeof headers === 'object' && headers !== null ? Object.keys(headers) : []) {
      const value = own(headers, name);
      add(name, Array.isArray(value) ? Array.from({ length: value.length }, (_, i) => own(value, i)) : [value]);
    }
  }
  const derived = [['@method', upper], ['@path', target?.path], ['@query', target?.query]].flatMap(([name, value]) => (value === undefined || /[\r\n]/.test(value) ? [] : [name, value]));
  const given = [...byName].flatMap(([name, values]) => (/[\r\n]/.test(name) || name.startsWith('@') ? [] : [name, values.join(', ')]));
  return [...derived, ...given].join('\n');
}

/** The SHA-256 of a body (a string's UTF-8 bytes) in base64, or `undefined` for a body that is
 * not bytes.
 * @param {unknown} body
 * @returns {Promise<string | undefined>} */
async function bodyDigest(body) {
  const given = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  if (!(given instanceof ArrayBuffer || ArrayBuffer.isView(given))) return undefined;
  // WebCrypto refuses views on a SharedArrayBuffer: such a body is copied first.
  const shared = typeof SharedArrayBuffer !== 'undefined' && ArrayBuffer.isView(given) && given.buffer instanceof SharedArrayBuffer;
  const bytes = shared ? new Uint8Array(given.buffer, given.byteOffset, given.byteLength).slice() : given;
  return toBase64(await digest('SHA-256', /** @type {BufferSource} */ (bytes)));
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
