// The ready signer's key, checked when the signer is made: a key of another type or curve than
// `algorithm`, a public, encrypted or malformed key, or something that is no key at all throws
// an InvalidInputError for `privateKey` at once (synchronously), naming what is wrong and never
// quoting the key; a P-521 key in SEC1 form is taken, and signs requests the mock verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import * as api from '../../pkg/node/index.mjs';
import { withVerifyingMock } from './fixtures.mjs';

const clientId = '363f3305-7ab0-4e82-a158-f9d382ad08b6';
const keyId = 'a5a2b1c8-2b3c-4d5e-8f90-1a2b3c4d5e6f';
const ALGORITHMS = ['ed25519', 'ecdsa-p521-sha512'];

const pem = (label, der) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
const der = (key, type) => key.export({ type, format: 'der' });

/** DER: `tag`, its length, `contents`. */
function tlv(tag, contents) {
  const n = contents.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), contents]);
}
const EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');
const P256 = Buffer.from('06082a8648ce3d030107', 'hex');
/** A PKCS#8 EC key around a SEC1 ECPrivateKey, with `curve` (DER, or empty) in the AlgorithmIdentifier. */
const ecPkcs8 = (curve, sec1) => tlv(0x30, Buffer.concat([Buffer.from('020100', 'hex'), tlv(0x30, Buffer.concat([EC_PUBLIC_KEY, curve])), tlv(0x04, sec1)]));

const KEY_TYPES = {
  'EC P-256': () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'EC P-384': () => generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'EC P-521': () => generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  'EC secp256k1': () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }),
  Ed25519: () => generateKeyPairSync('ed25519'),
  Ed448: () => generateKeyPairSync('ed448'),
  X25519: () => generateKeyPairSync('x25519'),
  RSA: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
/** Which algorithm takes a key type. */
const TAKES = { 'EC P-521': 'ecdsa-p521-sha512', Ed25519: 'ed25519' };

/** The same key as WebCrypto holds it, where WebCrypto can. */
const CRYPTO_KEY_PARAMS = {
  'EC P-256': [{ name: 'ECDSA', namedCurve: 'P-256' }, ['sign']],
  'EC P-384': [{ name: 'ECDSA', namedCurve: 'P-384' }, ['sign']],
  'EC P-521': [{ name: 'ECDSA', namedCurve: 'P-521' }, ['sign']],
  Ed25519: [{ name: 'Ed25519' }, ['sign']],
  Ed448: [{ name: 'Ed448' }, ['sign']],
  X25519: [{ name: 'X25519' }, ['deriveBits']],
  RSA: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']],
};

/** Every form a private key comes in: PEMs, the KeyObject, a CryptoKey. */
async function forms(name, privateKey) {
  const out = { 'PKCS#8 PEM': privateKey.export({ type: 'pkcs8', format: 'pem' }), KeyObject: privateKey };
  if (name.startsWith('EC ')) out['SEC1 PEM'] = privateKey.export({ type: 'sec1', format: 'pem' });
  if (name === 'RSA') out['PKCS#1 PEM'] = privateKey.export({ type: 'pkcs1', format: 'pem' });
  if (CRYPTO_KEY_PARAMS[name]) {
    const [params, usages] = CRYPTO_KEY_PARAMS[name];
    out.CryptoKey = await crypto.subtle.importKey('pkcs8', der(privateKey, 'pkcs8'), params, false, usages);
  }
  return out;
}

/** The key's bytes in every spelling a message could leak them in. */
function secretsOf(privateKey) {
  const secrets = [];
  for (const type of ['pkcs8', ...(privateKey.asymmetricKeyType === 'ec' ? ['sec1'] : [])]) {
    const bytes = der(privateKey, type);
    secrets.push(bytes.toString('base64'), bytes.toString('hex'));
  }
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.d) secrets.push(jwk.d);
  return secrets;
}

/** No run of 12 characters of any secret appears in the error's message or rule. */
function assertNoKeyMaterial(error, secrets) {
  for (const secret of secrets) {
    for (let i = 0; i + 12 <= secret.length; i += 4) {
      const piece = secret.slice(i, i + 12);
      assert.ok(!error.message.includes(piece) && !error.rule.includes(piece), `the error quotes the key: ${error.message}`);
    }
  }
}

/** `createUpvestSigner` throws, synchronously, an InvalidInputError for `privateKey`; returns it. */
function refused(privateKey, algorithm, code, pattern, what) {
  let error;
  assert.throws(
    () => api.createUpvestSigner({ keyId, privateKey, algorithm }),
    (e) => ((error = e), true),
    `${what}: refused when the signer is made`,
  );
  assert.ok(error instanceof api.InvalidInputError, `${what}: ${error}`);
  assert.equal(error.field, 'privateKey', what);
  assert.equal(error.code, code, `${what}: ${error.message}`);
  assert.match(error.message, pattern, what);
  assert.equal(error.message, `Invalid input: privateKey ${error.rule}`, what);
  return error;
}

test('a key of another type or curve than algorithm is refused when the signer is made, in every form, and says which key it is', async () => {
  for (const [name, generate] of Object.entries(KEY_TYPES)) {
    const { privateKey } = generate();
    const secrets = secretsOf(privateKey);
    for (const [form, key] of Object.entries(await forms(name, privateKey))) {
      for (const algorithm of ALGORITHMS) {
        const what = `${name} as ${form} for ${algorithm}`;
        if (TAKES[name] === algorithm) {
          assert.equal(typeof api.createUpvestSigner({ keyId, privateKey: key, algorithm }), 'function', `${what} is taken`);
          continue;
        }
        const error = refused(key, algorithm, 'conflict', new RegExp(`for algorithm '${algorithm}'`), what);
        const said = form === 'CryptoKey' ? name.replace(/^EC /, '') : name;
        assert.ok(error.rule.includes(said), `${what} names the key it got: ${error.rule}`);
        const fix = TAKES[name] ? `; this key is for algorithm '${TAKES[name]}'` : '; Upvest takes Ed25519 and EC P-521 keys only';
        assert.ok(error.rule.endsWith(fix), `${what}: the fix, in ${error.rule}`);
        assertNoKeyMaterial(error, secrets);
      }
    }
  }
});

test('a public, secret, encrypted, malformed or absent key is refused when the signer is made, saying what to do', async () => {
  const { privateKey, publicKey } = KEY_TYPES['EC P-521']();
  const secrets = secretsOf(privateKey);
  const pkcs8 = der(privateKey, 'pkcs8');
  const sec1 = der(privateKey, 'sec1');
  const pkcs8Pem = pem('PRIVATE KEY', pkcs8);
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, true, ['sign', 'verify']);
  const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const lengthPastEnd = Buffer.from(pkcs8);
  lengthPastEnd[2] += 1; // the PrivateKeyInfo's length, one more than there is
  const trapped = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); } });
  const cases = [
    ['an SPKI public key PEM', publicKey.export({ type: 'spki', format: 'pem' }), 'type', /public key.*give the private key/],
    ['a public KeyObject', publicKey, 'type', /is a public key; give the private key/],
    ['a public CryptoKey', pair.publicKey, 'type', /private CryptoKey, not a public one/],
    ['a secret KeyObject', createSecretKey(Buffer.alloc(32, 7)), 'type', /secret/],
    ['a secret CryptoKey', hmac, 'type', /private CryptoKey, not a secret one/],
    ['an encrypted PKCS#8 PEM', privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }), 'format', /ENCRYPTED PRIVATE KEY.*decrypt it first.*passphrase/],
    ['an encrypted SEC1 PEM', privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pass' }), 'format', /is encrypted.*decrypt it first/],
    ['a PEM cut short', pkcs8Pem.slice(0, 120), 'format', /without its -----END line/],
    ['a PEM whose base64 is cut short', `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').slice(0, 101)}\n-----END PRIVATE KEY-----`, 'format', /not base64/],
    ['a PEM with a stray character', pkcs8Pem.replace('\n', '\n!'), 'format', /not base64/],
    ['a PKCS#8 PEM of half the DER', pem('PRIVATE KEY', pkcs8.subarray(0, 100)), 'format', /not a well-formed PKCS#8 private key \(its DER ends early\)/],
    ['a PKCS#8 PEM with bytes after the DER', pem('PRIVATE KEY', Buffer.concat([pkcs8, Buffer.from([0])])), 'format', /not a well-formed PKCS#8/],
    ['a PKCS#8 PEM whose length runs past its end', pem('PRIVATE KEY', lengthPastEnd), 'format', /not a well-formed PKCS#8/],
    ['a SEC1 PEM of half the DER', pem('EC PRIVATE KEY', sec1.subarray(0, 60)), 'format', /not a well-formed SEC1 private key/],
    ['a SEC1 PEM of three zero bytes', '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----', 'format', /not a well-formed SEC1/],
    ['a SEC1 key inside PKCS#8 naming two curves', pem('PRIVATE KEY', ecPkcs8(P256, sec1)), 'format', /two different curves/],
    ['a PKCS#8 PEM of random bytes', pem('PRIVATE KEY', Buffer.from(pkcs8.map((_, i) => (i * 151 + 7) & 0xff))), 'format', /not a well-formed PKCS#8/],
    ['a PEM with two private keys', pkcs8Pem + pkcs8Pem, 'format', /more than one private key/],
    ['an OpenSSH key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n', 'format', /OPENSSH PRIVATE KEY.*PKCS#8/],
    ['a BEGIN line of no label', '-----BEGIN \u0000-----\nAAAA\n-----END \u0000-----', 'format', /malformed -----BEGIN line/],
    ['an empty string', '', 'format', /no PEM private key was found/],
    ['text that is no PEM', 'upvest-private.pem', 'format', /must be a PEM private key/],
    ['the PEM as a Buffer', Buffer.from(pkcs8Pem), 'type', /must be a PEM string/],
    ['a number', 42, 'type', /must be a PEM string/],
    ['a plain object', { type: 'private' }, 'type', /must be a PEM string/],
    ['a Proxy whose trap throws', trapped, 'unreadable', /could not be read/],
  ];
  for (const [what, key, code, pattern] of cases) {
    const error = refused(key, 'ecdsa-p521-sha512', code, pattern, what);
    assertNoKeyMaterial(error, secrets);
  }
  // What the old wording sent users to, the conversion, is in the message of a key it cannot read.
  assert.match(refused(pem('PRIVATE KEY', pkcs8.subarray(0, 50)), 'ecdsa-p521-sha512', 'format', /./, 'half').rule, /openssl pkcs8 -topk8 -nocrypt/);
});

test('a P-521 key in SEC1 form is taken (alone, after its EC PARAMETERS, or in PKCS#8 with the curve only inside), and signs requests the mock verifies', async () => {
  const { privateKey, publicKey } = KEY_TYPES['EC P-521']();
  const sec1Pem = privateKey.export({ type: 'sec1', format: 'pem' });
  const keys = {
    'SEC1 PEM': sec1Pem,
    // As `openssl ecparam -name secp521r1 -genkey` writes it.
    'EC PARAMETERS, then SEC1': `-----BEGIN EC PARAMETERS-----\nBgUrgQQAIw==\n-----END EC PARAMETERS-----\n${sec1Pem}`,
    'PKCS#8 with the curve only in the ECPrivateKey': pem('PRIVATE KEY', ecPkcs8(Buffer.alloc(0), der(privateKey, 'sec1'))),
  };
  await withVerifyingMock(publicKey, async (url) => {
    for (const [form, key] of Object.entries(keys)) {
      const signer = api.createUpvestSigner({ keyId, privateKey: key, algorithm: 'ecdsa-p521-sha512' });
      const tokenProvider = api.clientCredentials({ tokenUrl: `${url}/auth/token`, clientId, clientSecret: 'mock-client-secret', scopes: ['accounts:admin'], signer });
      const client = new api.AccountGroups({ baseUrl: url, clientId, tokenProvider, signer, maxRetries: 0 });
      const group = await client.create({ user_id: crypto.randomUUID(), type: 'PERSONAL' }).catch((e) => assert.fail(`${form}: ${e}`));
      assert.equal((await client.get(group.id)).id, group.id, form);
    }
    const log = await (await fetch(`${url}/__mock/requests`)).json();
    assert.equal(log.length, 3 * 3, 'a token, a create and a get for each form, each verified by the mock');
    for (const request of log) assert.match(request.headers.signature, /^sig1=:[A-Za-z0-9+/]+=*:$/);
  }, ['--strict-tokens']);
});

test('a key with bytes changed or cut is refused at once or taken, and nothing but an InvalidInputError is thrown', () => {
  let seed = 26;
  const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  const verdicts = { taken: 0, refused: 0 };
  for (const [name, algorithm] of [['EC P-521', 'ecdsa-p521-sha512'], ['Ed25519', 'ed25519']]) {
    const { privateKey } = KEY_TYPES[name]();
    const forms = [['PRIVATE KEY', der(privateKey, 'pkcs8')]];
    if (name === 'EC P-521') forms.push(['EC PRIVATE KEY', der(privateKey, 'sec1')]);
    for (const [label, bytes] of forms) {
      for (let i = 0; i < 300; i++) {
        let mutated = Buffer.from(bytes);
        // The structure lies in the first bytes; a change there is what a reader must survive.
        if (i % 3 === 0) mutated[random(Math.min(mutated.length, 48))] ^= 1 << random(8);
        else if (i % 3 === 1) mutated[random(mutated.length)] = random(256);
        else mutated = mutated.subarray(0, random(mutated.length));
        try {
          assert.equal(typeof api.createUpvestSigner({ keyId, privateKey: pem(label, mutated), algorithm }), 'function');
          verdicts.taken++;
        } catch (error) {
          assert.ok(error instanceof api.InvalidInputError && error.field === 'privateKey', `${label} mutation ${i}: ${error}`);
          verdicts.refused++;
        }
      }
    }
  }
  console.log(`mutated keys: ${verdicts.refused} refused when the signer was made, ${verdicts.taken} taken`);
  assert.ok(verdicts.refused > verdicts.taken, JSON.stringify(verdicts));
});

test('a polluted Object.prototype changes no verdict on a key', async () => {
  const { privateKey } = KEY_TYPES.Ed25519();
  const pkcs8Pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const ed = await crypto.subtle.importKey('pkcs8', der(privateKey, 'pkcs8'), { name: 'Ed25519' }, false, ['sign']);
  const p256 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])).privateKey;
  const pollution = {
    type: 'private',
    namedCurve: 'P-521',
    usages: ['sign'],
    asymmetricKeyType: 'ec',
    export: () => der(privateKey, 'pkcs8'),
  };
  for (const [name, value] of Object.entries(pollution)) Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true });
  try {
    assert.equal(typeof api.createUpvestSigner({ keyId, privateKey: ed, algorithm: 'ed25519' }), 'function', 'an Ed25519 CryptoKey');
    assert.equal(typeof api.createUpvestSigner({ keyId, privateKey: pkcs8Pem, algorithm: 'ed25519' }), 'function', 'an Ed25519 PEM');
    refused(p256, 'ecdsa-p521-sha512', 'conflict', /not one for ECDSA P-256/, 'a P-256 CryptoKey');
    refused({}, 'ed25519', 'type', /must be a PEM string/, 'a plain object, whatever Object.prototype offers');
    refused(pkcs8Pem, 'ecdsa-p521-sha512', 'conflict', /not an Ed25519 key/, 'an Ed25519 PEM for P-521');
  } finally {
    for (const name of Object.keys(pollution)) delete Object.prototype[name];
  }
});
