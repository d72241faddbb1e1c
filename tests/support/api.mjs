// A tiny protected API for the demo: it accepts only JWT access tokens that the local provider issued
// for it (signature from the provider's JWKS, issuer, audience, expiry, scope), bound to 127.0.0.1. A
// DPoP-bound token (`cnf.jkt`) is accepted only as `Authorization: DPoP` with a proof of the request
// (dpop-verifier.mjs); with `dpopNonces`, a key's first proof is answered `use_dpop_nonce` once.
//   GET /orders   the signed-in user's orders
//   GET /step-up  always answers 401 with a claims challenge (as Entra's CAE does), which the provider
//                 cannot satisfy: it shows that the client asks the user once, not in a loop
//   GET /step-up-changing  the same, with other claims on every call (a loop guard that compares
//                 challenges would not stop it)
//   GET /moved-step-up  redirects (302) to another origin, which answers 401 with a claims challenge: a
//                 challenge the API did not send, which the client must not act on
//   GET /bounced-step-up  redirects (302) to another origin, which redirects back to this API's
//                 /step-up-after-bounce: a 401 with a claims challenge on the API's own origin at the end of a
//                 redirect chain, which the client must not act on either (the other origin chose where it went)
//   POST /test/refuse-issued-tokens   (for tests, from Node) refuses every token accepted so far, as an
//                 API does with revoked tokens, so that a test sees the client forget a refused token
//   GET /test/requests   (for tests, from Node) what it was asked: method, path, the scheme of the token
//                 (never the token), whether a DPoP proof came, the status and the error
import { createPublicKey, verify } from 'node:crypto';
import http from 'node:http';

import { DpopVerifier, credentials, dpopChallenge } from './dpop-verifier.mjs';

const ORDERS = {
  alice: [{ id: 'A-1001', item: 'Rust in Action', total: 39.99 }, { id: 'A-1002', item: 'WebAssembly mug', total: 12.5 }],
  bob: [{ id: 'B-2001', item: 'Leptos stickers', total: 4.2 }],
};
export const STEP_UP_CLAIMS = { access_token: { acr: { essential: true, value: 'urn:demo:mfa' } } };

function decodePart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/**
 * @param {object} options
 * @param {string} options.issuer the provider that issues the tokens
 * @param {string} options.audience the resource indicator the tokens must be for
 * @param {string} options.scope the scope they must carry
 * @param {string} [options.spaOrigin] the demo's origin, allowed by CORS
 * @param {string[]} [options.appOrigins] other apps' origins, allowed by CORS too
 * @param {number} [options.port] 0 for any free port
 * @param {boolean} [options.dpopNonces] answer a DPoP key's first proof with `use_dpop_nonce`
 */
export async function startApi({ issuer, audience, scope, spaOrigin, appOrigins = [], port = 0, dpopNonces = false }) {
  const allowed = [spaOrigin, ...appOrigins].filter(Boolean);
  let url;
  const elsewhere = await startElsewhere(() => url);
  let stepUps = 0;
  let keys;
  // Tokens by signature: those accepted so far, and those refused from now on.
  const accepted = new Set();
  const refused = new Set();
  const dpop = new DpopVerifier({ nonces: dpopNonces });
  const received = [];
  async function keyFor(kid) {
    if (!keys?.some((k) => k.kid === kid)) keys = (await (await fetch(`${issuer}/jwks`)).json()).keys;
    const jwk = keys.find((k) => k.kid === kid);
    return jwk && createPublicKey({ key: jwk, format: 'jwk' });
  }

  /** The token's claims if it is valid for this API and this request (`req`), else the reason it is not
   * (with `dpop`, the refusal of its sender constraint). */
  async function check(req) {
    const { scheme, token } = credentials(req.headers.authorization) ?? {};
    if (!token) return { error: 'no bearer token' };
    const [header, payload, signature] = token.split('.');
    const { alg, kid } = decodePart(header);
    const key = alg === 'RS256' && await keyFor(kid);
    if (!key || !verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
      return { error: 'bad signature' };
    }
    const claims = decodePart(payload);
    if (refused.has(signature)) return { error: 'revoked' };
    accepted.add(signature);
    if (claims.iss !== issuer) return { error: 'wrong issuer' };
    if (![claims.aud].flat().includes(audience)) return { error: 'wrong audience' };
    if (claims.exp * 1000 < Date.now()) return { error: 'expired' };
    if (!(claims.scope ?? '').split(' ').includes(scope)) return { error: 'missing scope' };
    const refusal = dpop.check({
      scheme, token, claims, proof: req.headers.dpop, method: req.method, url: `${url}${req.url}`,
    });
    if (refusal) return { error: refusal.description, dpop: refusal };
    return { claims };
  }

  const server = http.createServer(async (req, res) => {
    // CORS names the request's origin when it is allowed (an answer names one origin), else the first.
    const cors = {
      'access-control-allow-origin': allowed.includes(req.headers.origin) ? req.headers.origin : allowed[0],
      'access-control-allow-headers': 'authorization, content-type, dpop',
      'access-control-allow-methods': 'GET',
      'access-control-expose-headers': 'www-authenticate, dpop-nonce',
      vary: 'origin',
    };
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (pathname === '/test/requests') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
      return;
    }
    if (req.method === 'OPTIONS' && pathname !== '/step-up-after-bounce') {
      res.writeHead(204, cors).end();
      return;
    }
    if (pathname === '/step-up-after-bounce') {
      // The last hop of a redirect chain through another origin: the request arrives with `Origin: null`
      // (and without the token, which the browser dropped on the way), and is challenged all the same.
      const anyone = { ...cors, 'access-control-allow-origin': '*' };
      if (req.method === 'OPTIONS') {
        res.writeHead(204, anyone).end();
        return;
      }
      res.writeHead(401, { ...anyone, 'content-type': 'application/json', 'www-authenticate': claimsChallenge(STEP_UP_CLAIMS) });
      res.end(JSON.stringify({ error: 'insufficient_claims', from: 'the API after a bounce' }));
      return;
    }
    if (req.method === 'POST' && pathname === '/test/refuse-issued-tokens') {
      accepted.forEach((signature) => refused.add(signature));
      res.writeHead(204).end();
      return;
    }
    const { claims, error, dpop: refusal } = await check(req).catch((e) => ({ error: e.message }));
    const json = (status, body, headers = {}) => {
      received.push({
        method: req.method,
        path: pathname,
        scheme: credentials(req.headers.authorization)?.scheme,
        dpopProof: req.headers.dpop !== undefined,
        status,
        error: body.error,
      });
      res.writeHead(status, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify(body));
    };
    if (refusal) {
      const nonce = refusal.nonce ? { 'dpop-nonce': refusal.nonce } : {};
      json(401, { error: refusal.error === 'use_dpop_nonce' ? 'use_dpop_nonce' : error }, { 'www-authenticate': dpopChallenge(refusal), ...nonce });
    } else if (error) {
      json(401, { error }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${error}"` });
    } else if (pathname === '/orders') {
      json(200, { user: claims.sub, orders: ORDERS[claims.sub] ?? [] });
    } else if (pathname === '/step-up') {
      json(401, { error: 'insufficient_claims' }, { 'www-authenticate': claimsChallenge(STEP_UP_CLAIMS) });
    } else if (pathname === '/step-up-changing') {
      stepUps += 1;
      const claims = { access_token: { acrs: { essential: true, value: `c${stepUps}` } } };
      json(401, { error: 'insufficient_claims' }, { 'www-authenticate': claimsChallenge(claims) });
    } else if (pathname === '/moved-step-up') {
      res.writeHead(302, { ...cors, location: `${elsewhere.url}/step-up`, 'cache-control': 'no-store' }).end();
    } else if (pathname === '/bounced-step-up') {
      res.writeHead(302, { ...cors, location: `${elsewhere.url}/bounce`, 'cache-control': 'no-store' }).end();
    } else {
      json(404, { error: 'not found' });
    }
  });
  const actualPort = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
  url = `http://127.0.0.1:${actualPort}`;
  return {
    url,
    /** Another origin, not the API's: it answers 401 with a claims challenge, and logs what it got. */
    otherUrl: elsewhere.url,
    close: () => Promise.all([elsewhere, { server }].map(({ server: s }) => new Promise((r) => {
      s.closeAllConnections?.();
      s.close(r);
    }))),
  };
}

/** A `WWW-Authenticate` claims challenge for `claims`, as Entra's CAE sends it. */
function claimsChallenge(claims) {
  return `Bearer error="insufficient_claims", claims="${Buffer.from(JSON.stringify(claims)).toString('base64')}"`;
}

/**
 * Another origin (another loopback port) that answers every request with 401 and a claims challenge,
 * open to any origin in CORS (a redirected request arrives with `Origin: null`), except:
 *   GET /bounce   redirects (302) back to the API's /step-up-after-bounce (`apiUrl()`)
 *   GET /test/requests   (for tests, from Node) what it received: method, path, and whether an
 *                 `Authorization` header came with it (never its value)
 */
async function startElsewhere(apiUrl) {
  const received = [];
  const server = http.createServer((req, res) => {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-expose-headers': 'www-authenticate',
    };
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (pathname === '/test/requests') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received));
      return;
    }
    received.push({ method: req.method, path: pathname, authorization: req.headers.authorization !== undefined });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (pathname === '/bounce') {
      res.writeHead(302, { ...cors, location: `${apiUrl()}/step-up-after-bounce`, 'cache-control': 'no-store' }).end();
      return;
    }
    const claims = { access_token: { acr: { essential: true, value: 'urn:elsewhere:chosen-by-attacker' } } };
    res.writeHead(401, { ...cors, 'content-type': 'application/json', 'www-authenticate': claimsChallenge(claims) });
    res.end(JSON.stringify({ error: 'insufficient_claims', from: 'elsewhere' }));
  });
  const port = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  return { server, url: `http://127.0.0.1:${port}` };
}
