// The walking skeleton end to end: the demo app signs alice in and out of the real local provider in
// headless Chromium, and a tampered callback is rejected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  signInAtProvider, storedEntries, storedSession, tokenKeys, useStackAndBrowser, withPage,
} from './harness.mjs';

describe('sign-in with the demo app', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser();

  it('signs alice in with a clean URL, then signs her out', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const callbackUrls = [];
    page.on('framenavigated', (frame) => {
      if (frame.url().startsWith(`${stack.app}/authentication/login-callback?`)) callbackUrls.push(frame.url());
    });
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await stack.clearRequests();

    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');

    await page.getByText('You are signed in.').waitFor();
    assert.equal(await page.getByTestId('sub').textContent(), 'alice');
    assert.equal(await page.getByTestId('nav-user').textContent(), 'Alice Example');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/');
    assert.equal(url.search, '', 'no code or state left in the address bar');

    const requests = await stack.requests();
    const authorize = requests.find((r) => r.route === 'authorization');
    assert.equal(authorize.params.response_type, 'code');
    assert.equal(authorize.params.code_challenge_method, 'S256');
    assert.match(authorize.params.code_challenge, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(authorize.params.nonce && authorize.params.state);
    assert.deepEqual(authorize.params.scope.split(' ').sort(), ['api:read', 'offline_access', 'openid', 'profile']);
    const token = requests.filter((r) => r.route === 'token');
    assert.equal(token.length, 1, 'one code exchange');
    assert.equal(token[0].status, 200);
    assert.equal(token[0].params.grant_type, 'authorization_code');
    assert.equal(token[0].origin, stack.app, 'a CORS request from the app');

    const stored = await storedEntries(page);
    const session = JSON.parse(stored[`auth-wasm.session|demo-spa|${stack.issuer}`] ?? 'null');
    assert.ok(session, 'the session is kept, in one entry');
    assert.equal(session.account.home_account_id, `alice.${stack.issuer}`);
    assert.ok(session.refresh_token, 'the public client got a refresh token');
    const access = session.access_tokens.find((t) => t.requested.join(' ') === 'api:read');
    const accessClaims = JSON.parse(Buffer.from(access.access_token.split('.')[1], 'base64url'));
    assert.equal(accessClaims.aud, `${stack.issuer}/api`, 'a JWT access token for the API resource');
    assert.equal(accessClaims.scope, 'api:read');
    assert.equal(accessClaims.sub, 'alice');
    assert.deepEqual(Object.keys(stored).filter((k) => k.startsWith('auth-wasm.tx.')), [], 'the transaction is used up');

    // A reload keeps the session and does not exchange anything again; nor does opening the callback
    // URL again (history, a bookmark): it leads where the sign-in went, with no error.
    await page.reload();
    await page.getByText('You are signed in.').waitFor();
    await page.goto(callbackUrls[0]);
    await page.getByText('You are signed in.').waitFor();
    assert.equal(await page.getByTestId('error').count(), 0);
    assert.equal(new URL(page.url()).search, '');
    assert.equal((await stack.requests()).filter((r) => r.route === 'token').length, 1);

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.app));
    await page.getByText('You are signed out.').waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(new URL(page.url()).search, '');
    const afterSignOut = await stack.requests();
    const revocation = afterSignOut.find((r) => r.route === 'revocation');
    assert.equal(revocation?.status, 200, 'the refresh token was revoked');
    assert.equal(revocation.params.token_type_hint, 'refresh_token');
    const endSession = afterSignOut.find((r) => r.route === 'end_session');
    assert.equal(endSession.params.id_token_hint, '[redacted]', 'id_token_hint was sent');
    assert.equal(endSession.params.post_logout_redirect_uri, `${stack.app}/authentication/logout-callback`);
    assert.deepEqual(tokenKeys(await storedEntries(page)), [], 'no token left after sign-out');
  }));

  it('rejects a callback whose state was altered, stores nothing, and still offers sign-in', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    // The provider ends the sign-in with a chain of redirects (form post → resume → callback). Playwright
    // sees only the first request of a chain, so follow the chain here and alter the state of the
    // callback it ends at.
    let tampered = false;
    await page.route((url) => url.href.startsWith(stack.issuer), async (route) => {
      if (!route.request().isNavigationRequest()) return route.continue();
      let response = await route.fetch({ maxRedirects: 0 });
      let location = response.headers().location;
      for (let hop = 0; location && hop < 5; hop += 1) {
        const next = new URL(location, stack.issuer);
        if (next.href.startsWith(`${stack.app}/authentication/login-callback`)) {
          next.searchParams.set('state', `${next.searchParams.get('state')}x`);
          tampered = true;
          return route.fulfill({ status: 302, headers: { location: next.href } });
        }
        if (!next.href.startsWith(stack.issuer)) break;
        response = await page.request.get(next.href, { maxRedirects: 0 });
        location = response.headers().location;
      }
      return route.fulfill({ response });
    });
    await page.goto(stack.app);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');

    const error = page.getByTestId('error');
    await error.waitFor();
    assert.match(await error.textContent(), /state mismatch/);
    assert.ok(tampered);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    assert.equal(new URL(page.url()).search, '', 'the rejected parameters are gone from the address bar');
    const stored = await storedEntries(page);
    assert.deepEqual(tokenKeys(stored), [], 'no token stored');
    for (const value of Object.values(stored)) assert.doesNotMatch(value, /access_token|eyJ/);
  }));
});
