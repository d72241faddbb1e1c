// What a resource server checks of a DPoP-bound access token (RFC 9449 §7): it comes with the `DPoP`
// scheme and a proof of this very request, signed by the key the token is bound to (`cnf.jkt`). The demo
// API (api.mjs) asks it after it has checked the token itself (signature, issuer, audience, expiry).
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';

/** How far a proof's `iat` may be from the server's clock, in seconds. */
export const IAT_WINDOW_SECS = 60;

const b64urlJson = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** The RFC 7638 thumbprint of a public EC or RSA JWK: SHA-256 of its required members in order, base64url. */
export function jwkThumbprint(jwk) {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** `ath`: base64url(SHA-256(access token)). */
export const accessTokenHash = (token) => createHash('sha256').update(token).digest('base64url');

/** The `htu` a request is checked against: its URL without query and fragment. */
const withoutQuery = (url) => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

/** The scheme and token of an `Authorization` header (`Bearer` or `DPoP`, any case), or null. */
export function credentials(authorization) {
  const match = /^(Bearer|DPoP) ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization ?? '');
  return match ? { scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] } : null;
}

/**
 * Checks sender constraints for one resource server. Remembers the `jti` of every proof it accepted
 * within the `iat` window (a proof is good once), and, with `nonces`, the nonce it gave each key: a key
 * it has not seen is answered `use_dpop_nonce` once, then its proofs must carry that nonce.
 */
export class DpopVerifier {
  #seen = new Map();
  #nonces = new Map();
  #now;
  #useNonces;

  /** @param {{ nonces?: boolean, now?: () => number }} [options] `now` in seconds */
  constructor({ nonces = false, now = () => Math.floor(Date.now() / 1000) } = {}) {
    this.#useNonces = nonces;
    this.#now = now;
  }

  /**
   * Whether a token with `claims`, presented as `scheme` with the `DPoP` header `proof`, may be used for
   * `method` `url`. Null when it may; else `{ error, description }` (`invalid_token`, `invalid_dpop_proof`,
   * or `use_dpop_nonce` with the `nonce` to use).
   */
  check({ scheme, token, claims, proof, method, url }) {
    const jkt = claims.cnf?.jkt;
    if (!jkt) {
      return scheme === 'Bearer' ? null : { error: 'invalid_token', description: 'the token is not DPoP-bound: use Bearer' };
    }
    if (scheme !== 'DPoP') return { error: 'invalid_token', description: 'a DPoP-bound token needs the DPoP scheme' };
    const refuse = (description) => ({ error: 'invalid_dpop_proof', description });
    // One proof: Node joins repeated headers with ", ", which no compact JWS contains.
    const parts = typeof proof === 'string' ? proof.split('.') : [];
    if (parts.length !== 3 || !parts.every((p) => /^[\w-]+$/.test(p))) return refuse('one DPoP proof as a compact JWT');
    let header;
    let payload;
    try {
      header = b64urlJson(parts[0]);
      payload = b64urlJson(parts[1]);
    } catch {
      return refuse('the proof is not JSON');
    }
    if (header.typ !== 'dpop+jwt') return refuse('typ must be dpop+jwt');
    if (header.alg !== 'ES256') return refuse('alg must be ES256');
    const { jwk } = header;
    if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) return refuse('jwk must be a public P-256 key');
    let key;
    try {
      key = createPublicKey({ key: jwk, format: 'jwk' });
    } catch {
      return refuse('jwk is not a key');
    }
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (!verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'))) {
      return refuse('bad signature');
    }
    if (jwkThumbprint(jwk) !== jkt) return refuse('the proof is signed by another key than the token is bound to');
    if (payload.htm !== method) return refuse('htm is not this request\'s method');
    let htu;
    try {
      htu = withoutQuery(payload.htu);
    } catch {
      return refuse('htu is not a URL');
    }
    if (htu !== withoutQuery(url)) return refuse('htu is not this request\'s URL');
    const now = this.#now();
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > IAT_WINDOW_SECS) return refuse('iat is not recent');
    if (payload.ath !== accessTokenHash(token)) return refuse('ath is not the hash of this token');
    if (typeof payload.jti !== 'string' || !payload.jti) return refuse('no jti');
    for (const [jti, at] of this.#seen) if (now - at > 2 * IAT_WINDOW_SECS) this.#seen.delete(jti);
    if (this.#seen.has(payload.jti)) return refuse('jti reused');
    this.#seen.set(payload.jti, now);
    if (this.#useNonces) {
      if (!this.#nonces.has(jkt)) this.#nonces.set(jkt, randomBytes(16).toString('base64url'));
      const nonce = this.#nonces.get(jkt);
      if (payload.nonce !== nonce) return { error: 'use_dpop_nonce', description: 'use the DPoP-Nonce of this answer', nonce };
    }
    return null;
  }
}

/** The `WWW-Authenticate` value of a refusal by `check` (RFC 9449 §7.1). */
export function dpopChallenge({ error, description }) {
  return `DPoP algs="ES256", error="${error}", error_description="${description}"`;
}
