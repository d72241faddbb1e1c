// The demo API's DPoP checks (tests/support/dpop-verifier.mjs, api.mjs), with proofs made by Node's crypto
// as a browser makes them (tests/support/dpop-client.mjs).
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { startApi } from '../support/api.mjs';
import { dpopProof, newDpopKey } from '../support/dpop-client.mjs';
import { DpopVerifier, jwkThumbprint } from '../support/dpop-verifier.mjs';

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ecKey = newDpopKey;
const proofFor = dpopProof;

/** An (unsigned) access token: the verifier is asked after the token's own signature was checked. */
const tokenBoundTo = (key) => `${b64url({ alg: 'RS256' })}.${b64url({ sub: 'alice', cnf: { jkt: jwkThumbprint(key.jwk) } })}.c2ln`;
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));

const URL_ = 'http://127.0.0.1:8601/orders';

describe('DpopVerifier', () => {
  const key = ecKey();
  const token = tokenBoundTo(key);
  const request = (proof, overrides = {}) => ({
    scheme: 'DPoP', token, claims: claimsOf(token), proof, method: 'GET', url: URL_, ...overrides,
  });
  const refusal = (result) => result?.description;

  it('accepts a proof of this request by the bound key (the query is not part of htu)', () => {
    const verifier = new DpopVerifier();
    assert.equal(verifier.check(request(proofFor(key, { htu: URL_, token }))), null);
    assert.equal(verifier.check(request(proofFor(key, { htu: URL_, token }), { url: `${URL_}?page=2` })), null);
  });

  it('refuses a proof for another method', () => {
    assert.match(refusal(new DpopVerifier().check(request(proofFor(key, { htm: 'POST', htu: URL_, token })))), /htm/);
  });

  it('refuses a proof for another URL', () => {
    const other = proofFor(key, { htu: 'http://127.0.0.1:8601/step-up', token });
    assert.match(refusal(new DpopVerifier().check(request(other))), /htu/);
  });

  it('refuses a proof whose iat is outside the window', () => {
    const stale = proofFor(key, { htu: URL_, token, claims: { iat: Math.floor(Date.now() / 1000) - 120 } });
    assert.match(refusal(new DpopVerifier().check(request(stale))), /iat/);
  });

  it('refuses a proof presented a second time (its jti)', () => {
    const verifier = new DpopVerifier();
    const proof = proofFor(key, { htu: URL_, token });
    assert.equal(verifier.check(request(proof)), null);
    assert.match(refusal(verifier.check(request(proof))), /jti reused/);
  });

  it('refuses a proof whose ath is another token\'s', () => {
    const other = proofFor(key, { htu: URL_, token: tokenBoundTo(ecKey()) });
    assert.match(refusal(new DpopVerifier().check(request(other))), /ath/);
  });

  it('refuses a proof by another key than the token is bound to, or signed by another key than its jwk', () => {
    const thief = ecKey();
    assert.match(refusal(new DpopVerifier().check(request(proofFor(thief, { htu: URL_, token })))), /another key/);
    assert.match(refusal(new DpopVerifier().check(request(proofFor(key, { htu: URL_, token, signer: thief })))), /bad signature/);
  });

  it('refuses a bound token presented as Bearer, or without a proof; takes an unbound one as Bearer only', () => {
    const verifier = new DpopVerifier();
    assert.match(refusal(verifier.check(request(undefined, { scheme: 'Bearer' }))), /needs the DPoP scheme/);
    assert.match(refusal(verifier.check(request(undefined))), /one DPoP proof/);
    const bearer = `${b64url({ alg: 'RS256' })}.${b64url({ sub: 'alice' })}.c2ln`;
    assert.equal(verifier.check(request(undefined, { scheme: 'Bearer', token: bearer, claims: claimsOf(bearer) })), null);
    const asDpop = request(proofFor(key, { htu: URL_, token: bearer }), { token: bearer, claims: claimsOf(bearer) });
    assert.match(refusal(verifier.check(asDpop)), /not DPoP-bound/);
  });

  it('refuses a proof that is not dpop+jwt, not ES256, or carries a private key', () => {
    const verifier = new DpopVerifier();
    assert.match(refusal(verifier.check(request(proofFor(key, { htu: URL_, token, header: { typ: 'JWT' } })))), /typ/);
    assert.match(refusal(verifier.check(request(proofFor(key, { htu: URL_, token, header: { alg: 'ES384' } })))), /alg/);
    const d = key.privateKey.export({ format: 'jwk' }).d;
    assert.match(refusal(verifier.check(request(proofFor(key, { htu: URL_, token, header: { jwk: { ...key.jwk, d } } })))), /public/);
  });

  it('with nonces, a new key is answered use_dpop_nonce once, then its proofs carry that nonce', () => {
    const verifier = new DpopVerifier({ nonces: true });
    const first = verifier.check(request(proofFor(key, { htu: URL_, token })));
    assert.equal(first.error, 'use_dpop_nonce');
    assert.match(first.nonce, /^[\w-]{16,}$/);
    assert.equal(verifier.check(request(proofFor(key, { htu: URL_, token, claims: { nonce: first.nonce } }))), null);
    assert.equal(verifier.check(request(proofFor(key, { htu: URL_, token, claims: { nonce: first.nonce } }))), null);
    assert.equal(verifier.check(request(proofFor(key, { htu: URL_, token, claims: { nonce: 'another' } }))).error, 'use_dpop_nonce');
  });
});

// The API itself, with a stand-in issuer whose JWKS signs the tokens: the answers a browser sees.
describe('the demo API with DPoP', () => {
  const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [{ ...signer.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  let issuer;
  let jwksServer;
  let api;
  const spaOrigin = 'http://127.0.0.1:1';
  before(async () => {
    jwksServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise((r) => jwksServer.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${jwksServer.address().port}`;
    api = await startApi({ issuer, audience: `${issuer}/api`, scope: 'api:read', spaOrigin, dpopNonces: true });
  });
  after(async () => {
    await api.close();
    await new Promise((r) => jwksServer.close(r));
  });
  const accessToken = (claims) => {
    const header = b64url({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' });
    const now = Math.floor(Date.now() / 1000);
    const payload = b64url({ iss: issuer, aud: `${issuer}/api`, sub: 'alice', scope: 'api:read', iat: now, exp: now + 60, ...claims });
    return `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), signer.privateKey).toString('base64url')}`;
  };

  it('lets the page send DPoP and read DPoP-Nonce and WWW-Authenticate (CORS)', async () => {
    const preflight = await fetch(`${api.url}/orders`, { method: 'OPTIONS', headers: { origin: spaOrigin } });
    assert.match(preflight.headers.get('access-control-allow-headers'), /\bdpop\b/);
    assert.match(preflight.headers.get('access-control-expose-headers'), /\bdpop-nonce\b/);
    assert.match(preflight.headers.get('access-control-expose-headers'), /\bwww-authenticate\b/);
  });

  it('serves a bound token with a proof after one nonce retry, and refuses it as Bearer or with a replayed proof', async () => {
    const key = ecKey();
    const token = accessToken({ cnf: { jkt: jwkThumbprint(key.jwk) } });
    const url = `${api.url}/orders`;
    const call = (authorization, dpop) => fetch(url, { headers: { authorization, ...(dpop ? { dpop } : {}) } });

    const first = await call(`DPoP ${token}`, proofFor(key, { htu: url, token }));
    assert.equal(first.status, 401);
    assert.match(first.headers.get('www-authenticate'), /^DPoP .*error="use_dpop_nonce"/);
    const nonce = first.headers.get('dpop-nonce');
    assert.ok(nonce);
    const proof = proofFor(key, { htu: url, token, claims: { nonce } });
    const second = await call(`DPoP ${token}`, proof);
    assert.equal(second.status, 200);
    assert.equal((await second.json()).user, 'alice');

    const replayed = await call(`DPoP ${token}`, proof);
    assert.equal(replayed.status, 401);
    assert.match(replayed.headers.get('www-authenticate'), /error="invalid_dpop_proof"/);
    const asBearer = await call(`Bearer ${token}`);
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get('www-authenticate'), /error="invalid_token"/);
  });

  it('still serves an unbound token as Bearer', async () => {
    const response = await fetch(`${api.url}/orders`, { headers: { authorization: `Bearer ${accessToken({})}` } });
    assert.equal(response.status, 200);
  });
});
