// Writes auth-wasm/tests/fixtures/jws.json: JWS test vectors made by Node's crypto (an implementation
// independent of WebCrypto-in-Chromium), for the browser tests of signature verification.
//   node tests/support/make-jws-fixtures.mjs
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payload = { iss: 'https://op.example', sub: 'alice', aud: 'spa', iat: 1800000000, exp: 1800000600 };

function vector(alg, type, options, signOptions) {
  const { publicKey, privateKey } = generateKeyPairSync(type, options);
  const kid = `${alg.toLowerCase()}-key`;
  const input = `${b64({ alg, kid })}.${b64(payload)}`;
  const hash = `sha${alg.slice(2)}`;
  const signature = sign(hash, Buffer.from(input), { key: privateKey, ...signOptions }).toString('base64url');
  return { alg, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg }, token: `${input}.${signature}` };
}

const vectors = [
  vector('RS256', 'rsa', { modulusLength: 2048 }, {}),
  vector('PS256', 'rsa', { modulusLength: 2048 }, { padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }),
  vector('ES256', 'ec', { namedCurve: 'P-256' }, { dsaEncoding: 'ieee-p1363' }),
  vector('ES384', 'ec', { namedCurve: 'P-384' }, { dsaEncoding: 'ieee-p1363' }),
];
writeFileSync(new URL('../../auth-wasm/tests/fixtures/jws.json', import.meta.url), `${JSON.stringify(vectors, null, 2)}\n`);
