// @ts-check
// The ready signer for Upvest's HTTP Message Signatures (v15): the core builds the signature base
// and the header values, the platform's WebCrypto hashes and signs (js/crypto.js).

import { core } from './core.js';
import { signerFailure } from './driver.js';
import { importSigningKey, randomUuid, sha512, signText } from './crypto.js';
import { own, plain, splitOptions } from './plain.js';

/**
 * A signer for Upvest's HTTP Message Signatures v15; pass it as `signer`, to the client and to
 * `clientCredentials`. Throws `InvalidInputError` for bad options.
 * @param {unknown} options
 * @returns {(request: unknown) => Promise<Record<string, string>>}
 */
export function createUpvestSigner(options) {
  const { data } = splitOptions(options, 'options', []);
  const signerCore = new core.SignerCore(data);
  // The key itself (a PEM, a KeyObject or a CryptoKey) is not data: it is read once, here (the
  // copy above already read it without a throw).
  const key = importSigningKey(own(options, 'privateKey'), signerCore.algorithm);
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
