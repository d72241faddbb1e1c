// DPoP (RFC 9449, issue 23) end to end: the local provider with DPoP and nonces, the demo API that takes a
// bound token only with a proof by its key, and the app whose configuration says `"dpop": "required"`
// (`--dpop on`). First the provider and the API alone, with Node as the client; then the demo app and the
// plain-JS example of the npm package in headless Chromium; last the same app with DPoP off.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import { dpopProof, newDpopKey } from '../support/dpop-client.mjs';
import { jwkThumbprint } from '../support/dpop-verifier.mjs';
import { CLIENT_ID } from '../support/provider.mjs';
import {
  exampleUrl, newPage, refreshGrants, signInAtProvider, signInOnExample, storedEntries, storedSession, useStackAndBrowser,
  withPage,
} from './harness.mjs';

// Access tokens live 8 s; a quarter of that before expiry they are due for renewal.
const TTL = 8;
const UNTIL_DUE_MS = (TTL - TTL / 4 + 1) * 1000;
const API = ['api:read'];
// Where auth-wasm/src/browser/dpop.js keeps the proof key: a CryptoKey, stored as is.
const KEY_DATABASE = 'auth-wasm.dpop';
const KEY_STORE = 'keys';
const KEY_PREFIX = `auth-wasm.dpop-key|${CLIENT_ID}|`;

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));

/**
 * The proof keys the page's origin holds: for each, its name, whether its private key is extractable,
 * what exporting it gave (`exported` if it worked, else the error's name), and its public JWK. An empty
 * list when the database does not exist (it is not made by looking).
 */
function keysInBrowser(page) {
  return page.evaluate(async ({ database, store, prefix }) => {
    const db = await new Promise((resolve) => {
      const request = indexedDB.open(database);
      request.onupgradeneeded = () => request.transaction.abort();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(null);
    });
    if (!db) return [];
    if (!db.objectStoreNames.contains(store)) {
      db.close();
      return [];
    }
    const all = (method) => new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store)[method]();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const [names, records] = [await all('getAllKeys'), await all('getAll')];
    db.close();
    const keys = [];
    for (const [i, name] of names.entries()) {
      if (!String(name).startsWith(prefix)) continue;
      const { privateKey, jwk } = records[i];
      const exports = [];
      for (const format of ['jwk', 'pkcs8']) {
        exports.push(await crypto.subtle.exportKey(format, privateKey).then(() => 'exported', (e) => e.name));
      }
      keys.push({ name, extractable: privateKey.extractable, exports, jwk: JSON.parse(jwk) });
    }
    return keys;
  }, { database: KEY_DATABASE, store: KEY_STORE, prefix: KEY_PREFIX });
}

/** `count` concurrent getToken calls in `page`: 'ok' or the error's code and message for each. */
function getTokens(page, count) {
  return page.evaluate(async ({ scopes, count }) => {
    const results = await Promise.allSettled(Array.from({ length: count }, () => window.auth.getToken({ scopes })));
    return results.map((r) => (r.status === 'fulfilled' ? 'ok' : `${r.reason?.code}: ${r.reason?.message}`));
  }, { scopes: API, count });
}

/** Another tab of the same browser, on the example page, once it shows someone signed in. */
async function openTab(context, stack) {
  const page = await context.newPage();
  await page.goto(exampleUrl(stack));
  await page.getByText(/^Signed in as /).waitFor();
  return page;
}

/** A request to the provider's token endpoint from Node: its status, `DPoP-Nonce` and JSON body. */
async function tokenRequest(stack, form, proof) {
  const response = await fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(proof ? { dpop: proof } : {}) },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...form }),
  });
  return { status: response.status, nonce: response.headers.get('dpop-nonce'), body: await response.json() };
}

/** A token request with `key`'s proofs as a client makes them: with `nonce`, and once more with the nonce
 * asked for. `nonce` in the result is the one to use next: the last one an answer carried (the provider
 * sends none with an answer to a proof that had its current nonce). */
async function tokenRequestWithProof(stack, key, form, nonce) {
  const htu = `${stack.issuer}/token`;
  const first = await tokenRequest(stack, form, dpopProof(key, { htm: 'POST', htu, nonce }));
  if (first.status !== 400 || first.body.error !== 'use_dpop_nonce') return { ...first, nonce: first.nonce ?? nonce, retried: false };
  const second = await tokenRequest(stack, form, dpopProof(key, { htm: 'POST', htu, nonce: first.nonce }));
  return { ...second, nonce: second.nonce ?? first.nonce, retried: true };
}

/** A GET of the API's orders from Node: status, `WWW-Authenticate`, `DPoP-Nonce`. */
async function ordersCall(stack, authorization, proof) {
  const response = await fetch(`${stack.api}/orders`, { headers: { authorization, ...(proof ? { dpop: proof } : {}) } });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), nonce: response.headers.get('dpop-nonce'), body: await response.json() };
}

/** An authorization code for alice, as a client without a browser library gets it: read off the URL of
 * the redirect, to the silent callback page, which runs nothing of the app. */
async function authorizationCode(page, stack, extra = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = `${stack.app}/silent-callback.html`;
  let landed;
  const onRequest = (request) => {
    if (request.url().startsWith(`${redirectUri}?`)) landed = request.url();
  };
  page.on('request', onRequest);
  const authorize = new URL(`${stack.issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID, response_type: 'code', redirect_uri: redirectUri, scope: 'openid offline_access api:read',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'), ...extra,
  });
  await page.goto(authorize.href);
  if (!landed) await signInAtProvider(page, stack, 'alice');
  page.off('request', onRequest);
  const code = landed && new URL(landed).searchParams.get('code');
  assert.ok(code, `a code: ${landed}`);
  return { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri };
}

describe('the test provider and API with DPoP, Node as the client', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--dpop', 'on']);

  it('binds tokens to the proof key after one nonce retry; the API takes them only with a proof, the provider the refresh token only with the key', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const metadata = await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json();
    assert.ok(metadata.dpop_signing_alg_values_supported.includes('ES256'));
    const key = newDpopKey();
    const thief = newDpopKey();
    const jkt = jwkThumbprint(key.jwk);

    const exchange = await tokenRequestWithProof(stack, key, await authorizationCode(page, stack, { dpop_jkt: jkt }));
    assert.equal(exchange.retried, true, 'the first proof had no nonce: one retry');
    assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
    assert.equal(exchange.body.token_type, 'DPoP');
    const { access_token: token, refresh_token: refreshToken } = exchange.body;
    assert.equal(claimsOf(token).cnf?.jkt, jkt, 'the access token is bound to the key');
    assert.ok(refreshToken);

    const htu = `${stack.api}/orders`;
    const challenged = await ordersCall(stack, `DPoP ${token}`, dpopProof(key, { htu, token }));
    assert.equal(challenged.status, 401);
    assert.match(challenged.challenge, /^DPoP .*error="use_dpop_nonce"/);
    const served = await ordersCall(stack, `DPoP ${token}`, dpopProof(key, { htu, token, nonce: challenged.nonce }));
    assert.equal(served.status, 200, JSON.stringify(served.body));
    assert.equal(served.body.user, 'alice');
    for (const [how, authorization, proof] of [
      ['as Bearer', `Bearer ${token}`, undefined],
      ['without a proof', `DPoP ${token}`, undefined],
      ['with a proof by another key', `DPoP ${token}`, dpopProof(thief, { htu, token, nonce: challenged.nonce })],
    ]) {
      assert.equal((await ordersCall(stack, authorization, proof)).status, 401, `the API refuses the token ${how}`);
    }

    const refresh = { grant_type: 'refresh_token', refresh_token: refreshToken };
    const unproven = await tokenRequest(stack, refresh);
    assert.deepEqual([unproven.status, unproven.body.error], [400, 'invalid_grant'], 'no proof');
    const stolen = await tokenRequestWithProof(stack, thief, refresh, exchange.nonce);
    assert.deepEqual([stolen.status, stolen.body.error], [400, 'invalid_grant'], 'a proof by another key');
    const renewed = await tokenRequestWithProof(stack, key, refresh, exchange.nonce);
    assert.equal(renewed.retried, false, 'the nonce of the last answer is still good');
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    assert.equal(renewed.body.token_type, 'DPoP');
    assert.equal(claimsOf(renewed.body.access_token).cnf?.jkt, jkt);
  }));

  it('a client that sends no proof still gets bearer tokens, which the API takes as Bearer', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const exchange = await tokenRequest(stack, await authorizationCode(page, stack));
    assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
    assert.equal(exchange.body.token_type, 'Bearer');
    assert.equal(claimsOf(exchange.body.access_token).cnf, undefined);
    const served = await ordersCall(stack, `Bearer ${exchange.body.access_token}`);
    assert.equal(served.status, 200, JSON.stringify(served.body));
    const refreshed = await tokenRequest(stack, { grant_type: 'refresh_token', refresh_token: exchange.body.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
  }));
});

describe('the demo app with DPoP required', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--dpop', 'on', '--access-token-ttl', String(TTL)]);

  it('signs in, calls the API and renews with tokens bound to one key; a provider nonce and an API nonce each cost one retry', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const apiRequests = [];
    page.on('request', (request) => {
      if (request.url().startsWith(stack.api) && request.method() === 'GET') apiRequests.push(request.headers());
    });
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await stack.clearRequests();
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('You are signed in.').waitFor();

    const [key, ...others] = await keysInBrowser(page);
    assert.ok(key, 'a proof key in IndexedDB');
    assert.deepEqual(others, [], 'one key');
    const jkt = jwkThumbprint(key.jwk);
    const requests = await stack.requests();
    const pushed = requests.find((r) => r.route === 'pushed_authorization_request');
    assert.equal(pushed?.params.dpop_jkt, jkt, 'the authorization request names the key');
    // The first proof cannot know the provider's nonce: one retry (at the token endpoint, or at the pushed
    // request if the app sends a proof there), then the nonce is kept.
    const nonceRetries = requests.filter((r) => /^use_dpop_nonce/.test(r.error ?? ''));
    assert.equal(nonceRetries.length, 1, `one nonce retry at the provider: ${JSON.stringify(requests.map((r) => [r.route, r.status, r.error]))}`);
    const tokens = requests.filter((r) => r.route === 'token');
    assert.ok(tokens.every((r) => r.dpopProof), 'a proof with every token request');
    assert.deepEqual(tokens.filter((r) => r.status === 200).map((r) => r.tokenType), ['DPoP'], 'one code exchange, DPoP-bound');
    const session = storedSession(await storedEntries(page));
    const access = session.access_tokens.find((t) => t.requested.join(' ') === 'api:read');
    assert.equal(claimsOf(access.access_token).cnf?.jkt, jkt, 'the access token is bound to the key in IndexedDB');

    await page.getByRole('banner').getByRole('link', { name: 'Call API', exact: true }).click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    const apiLog = (await stack.apiRequests()).filter((r) => r.method === 'GET');
    assert.deepEqual(apiLog.map((r) => [r.status, r.scheme, r.dpopProof]), [[401, 'DPoP', true], [200, 'DPoP', true], [200, 'DPoP', true]],
      'one nonce retry at the API, then the nonce is kept');
    assert.equal(apiLog[0].error, 'use_dpop_nonce');
    for (const headers of apiRequests) {
      assert.match(headers.authorization, /^DPoP eyJ/);
      assert.ok(headers.dpop, 'a proof with every call');
    }

    // The access token expires; the bound refresh token is renewed with a proof (the nonce of the last
    // answer still good: no retry).
    await page.getByRole('banner').getByRole('link', { name: 'Tokens', exact: true }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    await sleep(TTL * 1000);
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByText('1 of 1 succeeded').waitFor();
    const grants = await refreshGrants(stack);
    assert.deepEqual(grants.map((g) => [g.status, g.dpopProof, g.tokenType]), [[200, true, 'DPoP']], JSON.stringify(grants));
    assert.deepEqual((await keysInBrowser(page)).map((k) => jwkThumbprint(k.jwk)), [jkt], 'the same key');
  }));
});

describe('the npm package\'s example with DPoP required, tabs sharing localStorage', { timeout: 300_000 }, () => {
  const ctx = useStackAndBrowser(['--dpop', 'on', '--access-token-ttl', String(TTL), '--cache-location', 'localStorage']);

  it('three tabs share one key: 3 × 10 calls on an expired token make one refresh grant, with a proof by that key', async () => {
    const { stack, browser } = ctx;
    const first = await newPage(browser);
    try {
      await signInOnExample(first, stack);
      await first.getByText(/^Signed in as .*, DPoP tokens$/).waitFor({ timeout: 5000 }); // the client's tokenType
      const tabs = [first, await openTab(first.context(), stack), await openTab(first.context(), stack)];
      const seen = new Set();
      for (const tab of tabs) for (const key of await keysInBrowser(tab)) seen.add(jwkThumbprint(key.jwk));
      assert.equal(seen.size, 1, 'one key for every tab');
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      const results = (await Promise.all(tabs.map((tab) => getTokens(tab, 10)))).flat();
      assert.deepEqual(results.filter((r) => r !== 'ok'), [], 'every call got a token');
      const grants = await refreshGrants(stack);
      const granted = grants.filter((g) => g.status === 200);
      assert.equal(granted.length, 1, `one refresh grant for 30 calls in 3 tabs: ${JSON.stringify(grants)}`);
      assert.equal(granted[0].tokenType, 'DPoP');
      const retries = grants.filter((g) => g.status !== 200);
      assert.ok(retries.length <= 1 && retries.every((g) => /^use_dpop_nonce/.test(g.error)), `at most one nonce retry: ${JSON.stringify(retries)}`);
      assert.ok(grants.every((g) => g.dpopProof), 'every refresh with a proof');
      const session = storedSession(await storedEntries(tabs[2]));
      const access = session.access_tokens.find((t) => t.requested.join(' ') === 'api:read');
      assert.deepEqual([claimsOf(access.access_token).cnf?.jkt], [...seen], 'the renewed token is bound to the shared key');
    } finally {
      await first.context().close();
    }
  });

  it('tokens and the refresh token copied out of storage into a fresh browser context are refused by the provider and the API', async () => {
    const { stack, browser } = ctx;
    const victim = await newPage(browser);
    const thief = await newPage(browser);
    try {
      await signInOnExample(victim, stack);
      const session = storedSession(await storedEntries(victim));
      const access = session.access_tokens.find((t) => t.requested.join(' ') === 'api:read').access_token;
      assert.ok(claimsOf(access).cnf?.jkt, 'a bound access token');
      assert.ok(session.refresh_token);
      await thief.goto(exampleUrl(stack));
      assert.deepEqual(await keysInBrowser(thief), [], 'the fresh context has no key');
      await stack.clearRequests();
      const answers = await thief.evaluate(async ({ api, issuer, clientId, access, refreshToken }) => {
        const call = async (authorization) => (await fetch(`${api}/orders`, { headers: { authorization } })).status;
        const refresh = await fetch(`${issuer}/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
        });
        return { bearer: await call(`Bearer ${access}`), dpop: await call(`DPoP ${access}`), refresh: [refresh.status, (await refresh.json()).error] };
      }, { api: stack.api, issuer: stack.issuer, clientId: CLIENT_ID, access, refreshToken: session.refresh_token });
      assert.deepEqual(answers, { bearer: 401, dpop: 401, refresh: [400, 'invalid_grant'] });
      // Nor does a proof by another key help.
      const otherKey = newDpopKey();
      const stolen = await tokenRequestWithProof(stack, otherKey, { grant_type: 'refresh_token', refresh_token: session.refresh_token });
      assert.deepEqual([stolen.status, stolen.body.error], [400, 'invalid_grant']);
      const htu = `${stack.api}/orders`;
      const first = await ordersCall(stack, `DPoP ${access}`, dpopProof(otherKey, { htu, token: access }));
      const withNonce = await ordersCall(stack, `DPoP ${access}`, dpopProof(otherKey, { htu, token: access, nonce: first.nonce ?? undefined }));
      assert.equal(withNonce.status, 401);
      // The victim's session is untouched: its key still renews.
      await sleep(UNTIL_DUE_MS);
      assert.deepEqual(await getTokens(victim, 1), ['ok']);
    } finally {
      await victim.context().close();
      await thief.context().close();
    }
  });

  it('the private key cannot be exported, and is gone after sign-out in every tab', async () => {
    const { stack, browser } = ctx;
    const a = await newPage(browser);
    try {
      await signInOnExample(a, stack);
      const tabs = [a, await openTab(a.context(), stack), await openTab(a.context(), stack)];
      for (const tab of tabs) {
        const keys = await keysInBrowser(tab);
        assert.equal(keys.length, 1);
        assert.equal(keys[0].extractable, false);
        assert.deepEqual(keys[0].exports, ['InvalidAccessError', 'InvalidAccessError'], 'exportKey fails');
      }
      // Tab A goes on to the provider's end-session page; B and C follow the sign-out.
      await a.getByRole('button', { name: 'Sign out' }).click();
      for (const tab of tabs.slice(1)) {
        await tab.getByText('Signed out', { exact: true }).waitFor({ timeout: 5000 });
        let keys = await keysInBrowser(tab);
        for (let i = 0; i < 20 && keys.length > 0; i += 1) {
          await sleep(100);
          keys = await keysInBrowser(tab);
        }
        assert.deepEqual(keys, [], 'no key after sign-out');
      }
    } finally {
      await a.context().close();
    }
  });

  it('IndexedDB cleared while signed in: the next renewal ends in interaction required, with no refused request', async () => {
    const { stack, browser } = ctx;
    const page = await newPage(browser);
    try {
      await signInOnExample(page, stack);
      assert.equal((await keysInBrowser(page)).length, 1);
      const deleted = await page.evaluate((name) => new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`error: ${request.error}`);
        request.onblocked = () => resolve('blocked');
      }), KEY_DATABASE);
      assert.equal(deleted, 'deleted');
      // A fresh load, so that no copy of the key the tab may hold in memory is left: the key is gone.
      await page.reload();
      await page.waitForFunction(() => window.auth !== undefined);
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      const [result] = await getTokens(page, 1);
      assert.match(result, /^interaction_required: /);
      const refused = (await stack.requests()).filter((r) => r.route === 'token' && r.status >= 400);
      assert.deepEqual(refused, [], 'no token request the provider refused');
    } finally {
      await page.context().close();
    }
  });
});

describe('the demo app with DPoP off', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--no-dpop', '--access-token-ttl', String(TTL)]);

  it('with DPoP off at the provider and in the app, sign-in, the API call and renewal use bearer tokens', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const metadata = await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json();
    assert.equal(metadata.dpop_signing_alg_values_supported, undefined, 'the provider offers no DPoP');
    const apiRequests = [];
    page.on('request', (request) => {
      if (request.url().startsWith(stack.api) && request.method() === 'GET') apiRequests.push(request.headers());
    });
    await page.goto(stack.app);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('You are signed in.').waitFor();
    const tokens = (await stack.requests()).filter((r) => r.route === 'token');
    assert.deepEqual(tokens.map((r) => [r.status, r.dpopProof, r.tokenType]), [[200, false, 'Bearer']]);

    await page.getByRole('banner').getByRole('link', { name: 'Call API', exact: true }).click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(apiRequests.length, 1);
    assert.match(apiRequests[0].authorization, /^Bearer eyJ/);
    assert.equal(apiRequests[0].dpop, undefined);

    await page.getByRole('banner').getByRole('link', { name: 'Tokens', exact: true }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    await sleep(TTL * 1000);
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByText('1 of 1 succeeded').waitFor();
    assert.deepEqual((await refreshGrants(stack)).map((g) => [g.status, g.dpopProof, g.tokenType]), [[200, false, 'Bearer']]);
    assert.deepEqual(await keysInBrowser(page), [], 'no proof key');
  }));
});
