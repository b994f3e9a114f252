// @ts-check
// The ready signer for Upvest's HTTP Message Signatures (v15): the core builds the signature base
// and the header values, the platform's WebCrypto hashes and signs (js/crypto.js).

import { core } from './core.js';
import { signerFailure } from './failures.js';
import { randomUuid, sha512, signText } from './crypto.js';
import { importSigningKey } from './signing-key.js';
import { member, plain, splitOptions } from './plain.js';

/**
 * A signer for Upvest's HTTP Message Signatures v15; pass it as `signer`, to the client and to
 * `clientCredentials`. Throws `InvalidInputError` for bad options, a `privateKey` among them: one
 * that is not a private key (a public or encrypted one, a PEM that does not parse), or whose type
 * or curve is not the one `algorithm` names.
 * @param {unknown} options
 * @returns {(request: unknown) => Promise<Record<string, string>>}
 */
export function createUpvestSigner(options) {
  const { data } = splitOptions(options, 'options', []);
  const signerCore = new core.SignerCore(data);
  // The key itself (a PEM, a KeyObject or a CryptoKey) is not data: it is read once more, here,
  // and checked now against the algorithm (its PEM and DER, its type and curve), so that a wrong
  // key throws here, at start-up, and not on the first request.
  const key = importSigningKey(member(options, 'privateKey', 'privateKey'), signerCore.algorithm);
  return async (request) => {
    try {
      const { method, url, headers, body } = /** @type {any} */ (plain(request, 'request'));
      const digest = typeof body === 'string' ? await sha512(body) : undefined;
      const flat = [];
      if (typeof headers === 'object' && headers !== null) for (const name of Object.keys(headers)) flat.push(name, headers[name]);
      // The base, and every added header but the signature itself.
      const plan = signerCore.prepare(method, url, flat, body, digest, Date.now(), randomUuid().replaceAll('-', ''));
      const signature = await signText(await key, signerCore.algorithm, plan.base);
      return { ...plan.headers, signature: signerCore.signatureHeader(signature) };
    } catch (error) {
      throw signerFailure(error);
    }
  };
}
