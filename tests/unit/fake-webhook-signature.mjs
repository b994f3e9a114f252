// The core's webhook signature checks (src/core/webhook_signature.rs), scripted for the unit
// tests' fake core: reduced to what the receiver's tests need. A delivery signed as
// tests/shared/webhook-verifier-cases.mjs signs one (raw r‖s) gives the base WebCrypto verifies;
// one without signature headers is refused 'missing-signature'; the digest header is matched.
// What the real core decides is tested natively and, through the package, in tests/node/.
// (Not a test file.)

/** A refusal as the core throws one. */
function refuse(code, reason) {
  throw Object.assign(new Error(reason), { code, reason });
}

/** A header of `name\nvalue\n…`. */
function header(headers, name) {
  const lines = headers.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) if (lines[i] === name) return lines[i + 1];
  return undefined;
}

const base64 = (bytes) => btoa(String.fromCharCode(...bytes));

/** @param {string} headers @param {number} body 0 unread, 1 not bytes, 2 digested @param {Uint8Array} sha256 */
export function webhookDigest(headers, body, sha256) {
  const digest = header(headers, 'digest');
  if (digest === undefined) refuse('missing-digest', 'the request has no digest header');
  if (body === 1) refuse('digest-mismatch', 'the body is not bytes');
  if (body === 2 && digest !== `SHA-256=${base64(sha256)}`) refuse('digest-mismatch', 'the digest header does not match the body (SHA-256)');
}

export function webhookSignature(method, path, query, headers, body, sha256) {
  const [input, signature] = [header(headers, 'signature-input'), header(headers, 'signature')];
  if (input === undefined || signature === undefined) refuse('missing-signature', 'the request lacks the signature or signature-input header');
  const [, params, list] = /^sig1=(\(([^)]*)\).*)$/.exec(input) ?? refuse('malformed-signature', 'not as the tests sign');
  const keyid = /;keyid="([^"]*)"/.exec(params)?.[1] ?? refuse('malformed-signature', 'no keyid');
  const raw = /^sig1=:([A-Za-z0-9+/=]+):$/.exec(signature)?.[1] ?? refuse('malformed-signature', 'no signature bytes');
  webhookDigest(headers, body, sha256);
  const derived = { '@method': method?.toUpperCase(), '@path': path, '@query': query };
  const lines = list.split(' ').map((quoted) => {
    const name = quoted.slice(1, -1);
    const value = name in derived ? derived[name] : header(headers, name);
    return value === undefined ? refuse('missing-component', `the signature covers ${name}, which the request does not carry`) : `${name}: ${value}`;
  });
  return { keyid, signature: raw, base: [...lines, `@signature-params: ${params}`].join('\n') };
}
