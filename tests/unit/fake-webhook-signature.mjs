// The core's webhook signature checks (src/core/webhook_signature.rs, answered as
// src/wasm/webhook_signature.rs answers), scripted for the unit tests' fake core: reduced to what
// the receiver's tests need. A delivery signed as tests/shared/webhook-verifier-cases.mjs signs
// one (raw r‖s) gives the base WebCrypto verifies; one without signature headers is refused
// 'missing-signature'; the digest header is matched. What the real core decides is tested
// natively and, through the package, in tests/node/.
// (Not a test file.)
import { WEBHOOK_VERIFICATION_CODES } from '../../js/seam.js';

/** A refusal as the core answers one: the code's place in the seam's list, then the message. */
class Refused extends Error {}
function refuse(code, reason) {
  throw new Refused(`${WEBHOOK_VERIFICATION_CODES.indexOf(code)}\n${reason}`);
}

/** A component of `name\nvalue\n…`. */
function component(components, name) {
  const lines = components.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) if (lines[i] === name) return lines[i + 1];
  return undefined;
}

/** @param {string} components @param {number} body 0 unread, 1 not bytes, 2 digested @param {string} sha256 base64 */
function checkDigest(components, body, sha256) {
  const digest = component(components, 'digest');
  if (digest === undefined) refuse('missing-digest', 'the request has no digest header');
  if (body === 1) refuse('digest-mismatch', 'the body is not bytes');
  if (body === 2 && digest !== `SHA-256=${sha256}`) refuse('digest-mismatch', 'the digest header does not match the body (SHA-256)');
}

function verify(components, body, sha256) {
  const [input, signature] = [component(components, 'signature-input'), component(components, 'signature')];
  if (input === undefined || signature === undefined) refuse('missing-signature', 'the request lacks the signature or signature-input header');
  const [, params, list] = /^sig1=(\(([^)]*)\).*)$/.exec(input) ?? refuse('malformed-signature', 'not as the tests sign');
  const keyid = /;keyid=("[^"]*")/.exec(params)?.[1] ?? refuse('malformed-signature', 'no keyid');
  const raw = /^sig1=:([A-Za-z0-9+/=]+):$/.exec(signature)?.[1] ?? refuse('malformed-signature', 'no signature bytes');
  checkDigest(components, body, sha256);
  const lines = list.split(' ').map((quoted) => {
    const name = quoted.slice(1, -1);
    const value = component(components, name);
    return value === undefined ? refuse('missing-component', `the signature covers a component the request does not carry: ${name}`) : `${name}: ${value}`;
  });
  return ['', keyid, raw, ...lines, `@signature-params: ${params}`].join('\n');
}

/** @param {string} components @param {number} body @param {string} sha256 @param {number} digestOnly */
export function webhookSignature(components, body, sha256, digestOnly) {
  try {
    if (digestOnly) return checkDigest(components, body, sha256), '';
    return verify(components, body, sha256);
  } catch (error) {
    if (error instanceof Refused) return error.message;
    throw error;
  }
}
