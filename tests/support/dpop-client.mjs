// DPoP proofs made by Node's crypto as a browser makes them (ES256 over the JWS signing input, r||s, the
// public JWK in the header): for the tests that play a client, or a thief with another key.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

import { accessTokenHash } from './dpop-verifier.mjs';

const b64urlJson = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A P-256 key pair: the private KeyObject and the public JWK's required members. */
export function newDpopKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty, crv, x, y } };
}

/**
 * A proof by `key` of a request `htm` `htu` (with `ath` of `token`, and `nonce`, when given); `claims` and
 * `header` are laid over the usual ones; `signer` signs in place of `key` (a proof whose jwk is not its key).
 */
export function dpopProof(key, { htm = 'GET', htu, token, nonce, claims = {}, header = {}, signer = key }) {
  const h = b64urlJson({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk, ...header });
  const p = b64urlJson({
    htm,
    htu,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ...(token ? { ath: accessTokenHash(token) } : {}),
    ...(nonce ? { nonce } : {}),
    ...claims,
  });
  const signature = sign('sha256', Buffer.from(`${h}.${p}`), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${h}.${p}.${signature.toString('base64url')}`;
}
