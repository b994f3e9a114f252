// Webhook signature verification (createWebhookVerifier), as cases that run unchanged in Node
// (tests/node/webhook-verifier.test.mjs) and in headless Chromium (tests/browser/run.mjs): a
// delivery upvest-mock signed (DER), deliveries signed here with WebCrypto (raw r‖s), and every
// refusal with its code. Also exports the signing helpers the Node tests forge deliveries with.
import { deepEqual, equal, ok, rejects } from './assert.mjs';

const encoder = new TextEncoder();
const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const nowSeconds = () => Math.floor(Date.now() / 1000);

const group = (status) => ({
  id: '330fa9e0-741f-4c4d-92a3-09f70b97da92', created_at: '2026-12-01T21:47:17.666Z', updated_at: '2026-12-01T21:47:17.666Z', type: 'BUSINESS',
  status, business_id: '0c9f4a6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f', securities_account_number: '778578846',
});

/**
 * A delivery upvest-mock made (signed by a key given with --webhook-signing-key, to a URL with a
 * query), with the JWKS its GET /auth/verify_keys listed. It verifies forever with the clock set
 * to when it was signed. Its body is the mock's bytes: compact JSON in this member order.
 */
const CAPTURED = {
  method: 'POST',
  url: '/upvest/webhooks?tenant=acme',
  body: JSON.stringify({
    payload: [
      { id: '34048c46-8f5d-4cc3-89ea-ff3054fad297', created_at: '2026-12-01T21:47:17.666Z', type: 'ACCOUNT_GROUP.CREATED', object: group('ACTIVE'), webhook_id: 'e32228fb-6703-4fda-963b-deeb5af0b319' },
      { id: 'a434c82a-c26d-47e5-a8bf-b691c07ae2af', created_at: '2026-12-01T21:47:17.667Z', type: 'ACCOUNT_GROUP.ACTIVATED', object: group('ACTIVE'), webhook_id: 'e32228fb-6703-4fda-963b-deeb5af0b319' },
    ],
  }),
  headers: {
    'content-type': 'application/json',
    'content-length': '881',
    digest: 'SHA-256=Iproo/BjbSr+f2WCJvQJQXFiHLyORT3CBy+mr99jOdg=',
    'signature-input': 'sig1=("@method" "@path" "@query" "content-type" "content-length" "digest");keyid="TlIycN6SmZppPJeSXAt6MT3fgxAlgXHlaSe26kuAlVQ";created=1796161637;expires=1796161697;nonce="4eb4f5df02ce4a4a9102439400055f54"',
    signature: 'sig1=:MIGHAkIBX8Y+PdkG9O1ico9/eW0WlJDivSMN0Iabzqht5Gl7Q2rAn8EZk7K9ySJWhlzoUeq0xHhyhngYMtPoZ+SaMru2pSoCQXxCQP58cAFdIPtN20rhNsJe1dFkI4F7woqPhw4NStbRUg1dGrlhKsVEOv1H4bxAT8UDQxMp6hvhaTwhsbgVxAST:',
  },
  signedAt: 1796161637,
  jwks: {
    keys: [
      {
        kid: 'TlIycN6SmZppPJeSXAt6MT3fgxAlgXHlaSe26kuAlVQ', kty: 'EC', crv: 'P-521', alg: 'ES512', use: 'sig',
        x: 'AF8a53jkM7fDuB4Dzy_EKHeHTV7uNw1g0yeJzfXwSaV200u8NATN5dS_sMnVI4UuFZ7md0OzThy1VsULHkGTNTnU',
        y: 'AAETeXvo6QsNMCsyVyLEBzcVAMwO1Y8TuFoQ6URu15TrXSVug9zCVrm0V9Xi3NePKH64qgAqjSll_VLTINUvnRwE',
      },
    ],
  },
};

/** A P-521 key pair made with WebCrypto, as a signer for `signDelivery`; `jwk` is its public key
 * as `GET /auth/verify_keys` lists one. */
export async function newSigner(kid = crypto.randomUUID()) {
  const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  return { kid, privateKey, jwk: { kid, kty, crv, x, y } };
}

/** A body of one ACCOUNT_GROUP.CREATED event no other delivery has (fresh ids). */
export function freshBody() {
  const event = { id: crypto.randomUUID(), created_at: '2026-12-01T21:47:17.666Z', type: 'ACCOUNT_GROUP.CREATED', object: { ...group('ACTIVE'), id: crypto.randomUUID() }, webhook_id: crypto.randomUUID() };
  return JSON.stringify({ payload: [event] });
}

/**
 * A delivery `{ method, url, headers, body }` signed as Upvest signs webhooks (v6): `digest:
 * SHA-256=…`, the base's lines `name: value` with bare names, then `@signature-params`; ECDSA
 * P-521 with SHA-512, here raw r‖s as WebCrypto makes it. `covered`, `created` and `ttl` can
 * break Upvest's rules, for the refusals; `extraHeaders` are sent (and may be covered) too.
 */
export async function signDelivery(signer, { url = '/hooks', body = freshBody(), covered, created = nowSeconds(), ttl = 60, kid = signer.kid, extraHeaders = {} } = {}) {
  const bytes = encoder.encode(body);
  const digest = `SHA-256=${base64(await crypto.subtle.digest('SHA-256', bytes))}`;
  const headers = { 'content-type': 'application/json', 'content-length': String(bytes.length), digest, ...extraHeaders };
  const mark = url.indexOf('?');
  const derived = { '@method': 'POST', '@path': mark < 0 ? url : url.slice(0, mark), '@query': mark < 0 ? undefined : url.slice(mark) };
  const components = covered ?? ['@method', '@path', ...(mark < 0 ? [] : ['@query']), 'content-type', 'content-length', 'digest'];
  const params = `(${components.map((c) => `"${c}"`).join(' ')});keyid="${kid}";created=${created};expires=${created + ttl};nonce="${crypto.randomUUID()}"`;
  const lines = components.map((c) => `${c}: ${c in derived ? derived[c] : headers[c]}`);
  const base = [...lines, `@signature-params: ${params}`].join('\n');
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-512' }, signer.privateKey, encoder.encode(base));
  return { method: 'POST', url, body, headers: { ...headers, 'signature-input': `sig1=${params}`, signature: `sig1=:${base64(signature)}:` } };
}

/** The delivery with header `name` replaced (or, with `value` undefined, removed). */
export function withHeader(delivery, name, value) {
  const { [name]: _replaced, ...headers } = delivery.headers;
  return { ...delivery, headers: value === undefined ? headers : { ...headers, [name]: value } };
}

export function webhookVerifierCases(api) {
  /** parseWebhookEvents over a delivery, with `verify`. */
  const parse = (delivery, verify) => api.parseWebhookEvents(encoder.encode(delivery.body), { method: delivery.method, url: delivery.url, headers: delivery.headers, verify });

  const cases = {
    async 'a delivery signed by upvest-mock verifies: DER signature, @query covered, keys given as a JWKS'() {
      equal(String(encoder.encode(CAPTURED.body).length), CAPTURED.headers['content-length'], 'the captured body is byte for byte the one signed');
      const verify = api.createWebhookVerifier({ keys: CAPTURED.jwks, now: () => CAPTURED.signedAt * 1000 });
      const events = await parse(CAPTURED, verify);
      deepEqual(events.map((e) => e.type), ['ACCOUNT_GROUP.CREATED', 'ACCOUNT_GROUP.ACTIVATED']);
      // The same request with its headers in a Headers object, its URL in full, its body a string.
      await verify({ method: 'post', url: `https://receiver.example${CAPTURED.url}`, headers: new Headers(CAPTURED.headers), body: CAPTURED.body });
      // Its signature lived 60 s: by the real clock it has long expired.
      const expired = await rejects(parse(CAPTURED, api.createWebhookVerifier({ keys: CAPTURED.jwks })));
      equal(expired.code, 'expired');
    },

    async 'a delivery signed with WebCrypto verifies (raw r‖s), and its key source is asked once'() {
      const signer = await newSigner();
      let asked = 0;
      const verify = api.createWebhookVerifier({ keys: async () => ((asked += 1), { keys: [signer.jwk] }) });
      equal(asked, 0, 'not asked before the first delivery');
      const deliveries = await Promise.all([signDelivery(signer), signDelivery(signer, { url: '/hooks?source=upvest' })]);
      const events = await Promise.all(deliveries.map((d) => parse(d, verify)));
      equal(events.flat().length, 2);
      await parse(await signDelivery(signer), verify);
      equal(asked, 1, 'one load for concurrent deliveries, then kept');
    },

    async 'each check refuses with its code, which parseWebhookEvents passes on unchanged'() {
      const signer = await newSigner('upvest-webhook-key');
      const stranger = await newSigner('not-listed');
      const sign = (options) => signDelivery(signer, options);
      const valid = await sign();
      const otherBody = freshBody();
      const refusals = [
        ['missing-signature', withHeader(valid, 'signature')],
        ['missing-signature', withHeader(withHeader(valid, 'signature'), 'signature-input')],
        ['malformed-signature', withHeader(valid, 'signature-input', 'sig1=("@method" "@path";keyid="k"')],
        ['malformed-signature', withHeader(valid, 'signature-input', valid.headers['signature-input'].replace('sig1=', 'sig2='))],
        ['malformed-signature', withHeader(valid, 'signature', 'sig1=:AAEC:')],
        ['malformed-signature', withHeader(valid, 'signature-input', `${valid.headers['signature-input']};alg="ed25519"`)],
        ['malformed-signature', await sign({ covered: ['@method', '@path', '@authority', 'digest'] })],
        ['not-covered', await sign({ covered: ['@method', '@path', 'content-type', 'content-length'] })],
        ['not-covered', await sign({ url: '/hooks?source=upvest', covered: ['@method', '@path', 'digest'] })],
        ['missing-component', await sign({ covered: ['@method', '@path', 'digest', 'x-upvest-trace'] })],
        ['created-in-future', await sign({ created: nowSeconds() + 120 })],
        ['expired', await sign({ created: nowSeconds() - 400, ttl: 300 })],
        ['validity-too-long', await sign({ ttl: 3600 })],
        ['missing-digest', withHeader(valid, 'digest')],
        ['digest-mismatch', { ...valid, body: otherBody }],
        ['unknown-key', await signDelivery(stranger)],
        ['bad-signature', { ...valid, url: '/elsewhere' }],
        ['bad-signature', { ...valid, method: 'PUT' }],
        ['bad-signature', withHeader(valid, 'content-type', 'application/json; charset=utf-8')],
        ['bad-signature', { ...withHeader(valid, 'digest', (await sign({ body: otherBody })).headers.digest), body: otherBody }],
        ['bad-signature', withHeader(valid, 'signature', (await signDelivery(stranger)).headers.signature)],
      ];
      const thrown = [];
      const verifier = api.createWebhookVerifier({ keys: { keys: [signer.jwk] } });
      const verify = (request) => verifier(request).catch((error) => {
        thrown.push(error);
        throw error;
      });
      equal((await parse(valid, verify)).length, 1, 'the untouched delivery verifies');
      for (const [code, delivery] of refusals) {
        const error = await rejects(parse(delivery, verify), `${code}: should be refused`);
        ok(error instanceof api.WebhookVerificationError && error instanceof api.WebhookError && error instanceof api.UpvestError, `${code}: ${error}`);
        equal(error, thrown.at(-1), `${code}: the verifier's own error, unchanged`);
        equal(error.name, 'WebhookVerificationError');
        equal(error.code, code, error.message);
        ok(!error.message.includes(valid.headers.signature.slice(6, 40)), 'no signature in the message');
      }
    },

    async 'a key source that fails is key-source-failed, with what it threw as cause'() {
      const signer = await newSigner();
      const delivery = await signDelivery(signer);
      const cause = new Error('verify_keys unreachable');
      const failed = await rejects(parse(delivery, api.createWebhookVerifier({ keys: async () => { throw cause; } })));
      ok(failed instanceof api.WebhookVerificationError);
      equal(failed.code, 'key-source-failed');
      equal(failed.cause, cause);
      const notJwks = await rejects(parse(delivery, api.createWebhookVerifier({ keys: async () => ({ data: [] }) })));
      equal(notJwks.code, 'key-source-failed');
      const broken = await rejects(parse(delivery, api.createWebhookVerifier({ keys: { keys: [{ ...signer.jwk, x: 'AAAA' }] } })));
      equal(broken.code, 'key-source-failed');
    },

    async 'after a key rotation, concurrent deliveries by the new key all wait for the one reload'() {
      const [first, rotated] = await Promise.all([newSigner('first'), newSigner('rotated')]);
      let asked = 0;
      const verify = api.createWebhookVerifier({
        keys: async () => {
          asked += 1;
          // The second load answers slowly, so both deliveries by the rotated key arrive while it runs.
          if (asked > 1) await new Promise((resolve) => setTimeout(resolve, 50));
          return { keys: asked === 1 ? [first.jwk] : [first.jwk, rotated.jwk] };
        },
        // A minute later than the first load, so an unknown keyid may ask again.
        now: (() => {
          let calls = 0;
          return () => Date.now() + (calls++ > 2 ? 61_000 : 0);
        })(),
      });
      await parse(await signDelivery(first), verify);
      const deliveries = await Promise.all([signDelivery(rotated), signDelivery(rotated)]);
      const events = await Promise.all(deliveries.map((d) => parse(d, verify)));
      equal(events.flat().length, 2, 'both verified');
      equal(asked, 2, 'one reload for both');
    },

    async 'a clock that returns no number refuses rather than passing every time check'() {
      const signer = await newSigner();
      const delivery = await signDelivery(signer, { created: 1 });
      const error = await rejects(parse(delivery, api.createWebhookVerifier({ keys: { keys: [signer.jwk] }, now: () => undefined })));
      ok(error instanceof api.InvalidInputError, String(error));
      equal(error.field, 'now');
    },
  };
  if (typeof SharedArrayBuffer !== 'undefined') {
    cases['a body in shared memory is digested like any other'] = async () => {
      const signer = await newSigner();
      const delivery = await signDelivery(signer);
      const bytes = encoder.encode(delivery.body);
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      shared.set(bytes);
      const verify = api.createWebhookVerifier({ keys: { keys: [signer.jwk] } });
      await verify({ ...delivery, body: shared });
    };
  }
  return Object.entries(cases).map(([name, run]) => ({ name, run }));
}
