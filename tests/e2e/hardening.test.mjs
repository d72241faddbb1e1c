// What a hostile link, API or page set-up can do to a signed-in user of the demo, and providers that
// differ from ours (issue 10): each test is one attack or one difference, in headless Chromium against
// the local provider and the demo API.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import { signInAtProvider, storedEntries, tokenKeys, useStackAndBrowser, withPage } from './harness.mjs';

// Short enough to wait out, long enough to sign in.
const SHORT_TTL = 8;

function banner(page) {
  return page.getByRole('banner');
}

async function signIn(page, stack, user) {
  await page.goto(stack.app);
  await banner(page).getByRole('button', { name: 'Sign in', exact: true }).click();
  await signInAtProvider(page, stack, user);
  await page.getByText('You are signed in.').waitFor();
}

async function openCallApi(page) {
  await banner(page).getByRole('link', { name: 'Call API', exact: true }).click();
  await page.getByRole('heading', { name: 'Call an API' }).waitFor();
}

function authorizeRequests(requests) {
  return requests.filter((r) => r.route === 'authorization');
}

describe('hardening, with the default provider', { timeout: 240_000 }, () => {
  const ctx = useStackAndBrowser();

  for (const [name, query] of [
    ['an error and no state', 'error=server_error'],
    ['an error and a state this browser never issued', 'error=access_denied&state=not-ours'],
    ['a code and a state this browser never issued', 'code=forged&state=not-ours'],
  ]) {
    it(`a crafted callback link with ${name} shows a failed sign-in, and the user stays signed in`, () => withPage(ctx.browser, async (page) => {
      const { stack } = ctx;
      await signIn(page, stack, 'alice');
      const tokensBefore = tokenKeys(await storedEntries(page));
      await stack.clearRequests();

      await page.goto(`${stack.app}/authentication/login-callback?${query}`);
      await page.getByTestId('error').waitFor();
      assert.equal(new URL(page.url()).pathname, '/authentication/login-failed', 'the failure is shown');
      assert.equal(new URL(page.url()).search, '', 'the crafted parameters are gone from the address bar');
      // Who is signed in has not changed: the banner still shows alice, with no "Sign in".
      assert.equal(await banner(page).getByTestId('nav-user').innerText(), 'Alice Example');
      assert.equal(await banner(page).getByRole('button', { name: 'Sign in', exact: true }).count(), 0);
      assert.deepEqual(tokenKeys(await storedEntries(page)), tokensBefore, 'no token was touched');
      assert.deepEqual(await stack.requests(), [], 'nothing was sent to the provider');

      await banner(page).getByRole('link', { name: 'auth-wasm demo' }).click();
      await page.getByText('You are signed in.').waitFor();
      assert.equal(await page.getByTestId('sub').innerText(), 'alice');
    }));
  }

  it('a claims challenge from another origin that the API redirected to starts no sign-in, and keeps the token', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await openCallApi(page);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Call an API that redirects to another origin' }).click();
    const error = page.getByTestId('api-error');
    await error.waitFor();
    assert.match(await error.innerText(), /HTTP 401.*elsewhere/, 'the app sees the answer as it is');
    assert.equal(new URL(page.url()).pathname, '/call-api', 'no navigation to sign in');
    assert.deepEqual(authorizeRequests(await stack.requests()), [], 'no interactive request');

    // The foreign 401 did not make the client forget the token: the next call needs no token request.
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.deepEqual((await stack.requests()).filter((r) => r.route === 'token'), []);
  }));

  it('a claims challenge at the end of a redirect chain from the API through another origin back to the API starts no sign-in, and keeps the token', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await openCallApi(page);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Call an API that bounces through another origin' }).click();
    const error = page.getByTestId('api-error');
    const leftThePage = page.waitForURL((u) => u.pathname !== '/call-api');
    await Promise.race([error.waitFor(), leftThePage]);
    leftThePage.catch(() => {});
    assert.equal(new URL(page.url()).pathname, '/call-api', 'no navigation to sign in');
    assert.deepEqual(authorizeRequests(await stack.requests()), [], 'no interactive request');
    // The last hop was the API's own origin, and its answer a claims challenge.
    assert.match(await error.innerText(), /HTTP 401.*the API after a bounce/, 'the app sees the answer as it is');
    assert.ok((await stack.otherApiRequests()).some((r) => r.path === '/bounce'), 'the chain went through the other origin');

    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.deepEqual((await stack.requests()).filter((r) => r.route === 'token'), [], 'the token was kept');
  }));

  it('an authorized fetch to an origin outside the allow-list sends it no token', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await openCallApi(page);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Call an API on another origin (not on the allow-list)' }).click();
    // What the other origin received (a token would come with a preflight, then the call).
    let received = [];
    for (let waited = 0; !received.some((r) => r.method === 'GET') && waited < 10_000; waited += 100) {
      await sleep(100);
      received = (await stack.otherApiRequests()).filter((r) => r.path === '/orders');
    }
    assert.deepEqual(received, [{ method: 'GET', path: '/orders', authorization: false }], 'it got the call, without Authorization');
    const error = page.getByTestId('api-error');
    await error.waitFor();
    assert.match(await error.innerText(), /HTTP 401.*elsewhere/, 'the app sees its answer as it is');
    // Nor did its claims challenge (on the origin the call went to) start a sign-in.
    assert.equal(new URL(page.url()).pathname, '/call-api');
    assert.deepEqual(authorizeRequests(await stack.requests()), [], 'no interactive request');

    // The same helper still sends the token to the allow-listed API.
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('api-user').waitFor();
  }));

  it('a sign-in callback loaded in a frame of the app exchanges no code and stores nothing (the same URL at the top signs in)', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    // The provider's redirect back to the app lands on a page whose app cannot start (its .wasm does not
    // load): the address bar keeps a live code and this browser's state.
    const isWasm = (url) => url.pathname.endsWith('.wasm');
    await page.route(isWasm, (route) => route.abort());
    await banner(page).getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');
    const callback = page.url();
    await page.unroute(isWasm);
    assert.equal(new URL(callback).pathname, '/authentication/login-callback');
    assert.ok(new URL(callback).searchParams.has('code') && new URL(callback).searchParams.has('state'), callback);

    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await stack.clearRequests();
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.name = 'framed';
      frame.src = src;
      document.body.append(frame);
    }, callback);
    const framed = page.frameLocator('iframe[name=framed]');
    // The framed app has started: its banner shows who is signed in, or offers sign-in.
    await framed.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true })
      .or(framed.getByTestId('nav-user')).waitFor();
    await sleep(1000);
    assert.deepEqual((await stack.requests()).filter((r) => r.route === 'token'), [], 'no code was exchanged');
    assert.deepEqual(tokenKeys(await storedEntries(page)), [], 'nothing was stored');
    assert.equal(await framed.getByTestId('nav-user').count(), 0, 'nobody is signed in in the frame');

    // The code and state were live: at the top, the same URL signs alice in.
    await page.goto(callback);
    await page.getByText('You are signed in.').waitFor();
    assert.equal((await stack.requests()).filter((r) => r.route === 'token').length, 1);
  }));

  for (const [name, iss] of [['another issuer\'s iss', 'https://evil.example'], ['no iss', undefined]]) {
    it(`an error response with this browser's state and ${name} shows the generic message, nothing of its description`, () => withPage(ctx.browser, async (page) => {
      const { stack } = ctx;
      const description = 'Your account is locked, call +1-555-0100';
      /** Starts a sign-in, then lands on its callback with an error carrying its state and `issuer`. */
      async function errorForThisSignIn(issuer) {
        await page.goto(stack.app);
        await page.getByText('You are signed out.').waitFor();
        await stack.clearRequests();
        await banner(page).getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.waitForURL((u) => u.href.startsWith(stack.issuer));
        const { state } = authorizeRequests(await stack.requests())[0].params;
        const query = new URLSearchParams({ error: 'access_denied', error_description: description, state });
        if (issuer) query.set('iss', issuer);
        await page.goto(`${stack.app}/authentication/login-callback?${query}`);
        const error = page.getByTestId('error');
        await error.waitFor();
        return error.innerText();
      }

      const shown = await errorForThisSignIn(iss);
      assert.match(shown, /did not sign as its own/, shown);
      assert.doesNotMatch(shown, /locked|555|access was denied/, 'nothing of the response is shown');
      assert.equal(new URL(page.url()).pathname, '/authentication/login-failed');
      assert.equal(new URL(page.url()).search, '', 'the address bar is cleaned');

      // The same response from our provider (its iss) is shown as the provider's.
      assert.match(await errorForThisSignIn(stack.issuer), /access was denied.*locked/);
    }));
  }

  it('an API whose claims challenge changes on every call gets one interactive request, then an error', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await openCallApi(page);
    await stack.clearRequests();
    const changing = page.getByRole('button', { name: 'Call an API whose claims challenge changes' });

    await changing.click();
    // The provider still has alice's session: it answers the interactive request without a form.
    await page.waitForURL((u) => u.pathname === '/authentication/login-callback');
    await page.getByRole('heading', { name: 'Call an API' }).waitFor();
    const first = authorizeRequests(await stack.requests());
    assert.equal(first.length, 1, 'one interactive request');
    assert.deepEqual(JSON.parse(first[0].params.claims), { access_token: { acrs: { essential: true, value: 'c1' } } });

    // Other claims each time, and still no second round trip to the provider.
    for (let call = 0; call < 3; call += 1) {
      await changing.click();
      const error = page.getByTestId('api-error');
      await error.waitFor();
      assert.match(await error.innerText(), /within 15 minutes/);
      assert.equal(new URL(page.url()).pathname, '/call-api');
    }
    assert.equal(authorizeRequests(await stack.requests()).length, 1, 'no second interactive request');
  }));
  it('where the browser refuses sessionStorage, sign-in is refused up front with a storage error', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    // As in a browser with site data blocked: reading sessionStorage throws.
    await page.addInitScript(() => {
      Object.defineProperty(window, 'sessionStorage', {
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
      });
    });
    const navigations = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
    await page.goto(`${stack.app}/js-example/`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#error').waitFor();
    assert.match(await page.locator('#error').innerText(), /^storage_error: /);
    assert.deepEqual(navigations.filter((u) => u.startsWith(stack.issuer)), [], 'never sent to the provider');
  }));
});

describe('hardening, with a provider that has no end-session endpoint', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--no-end-session']);

  it('sign-out removes the tokens and ends on the logged-out view, saying the provider session remains', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await stack.clearRequests();

    await banner(page).getByRole('button', { name: 'Sign out' }).click();
    const notice = page.getByTestId('provider-session');
    await notice.waitFor();
    assert.match(await notice.innerText(), /still signed in at the provider/);
    assert.equal(await page.getByText('You are signed out.').count(), 1);
    assert.equal(new URL(page.url()).pathname, '/authentication/logged-out');
    assert.deepEqual(tokenKeys(await storedEntries(page)), [], 'the tokens are gone');
    const routes = (await stack.requests()).map((r) => r.route);
    assert.ok(routes.includes('revocation'), 'the refresh token was revoked');
    assert.ok(!routes.includes('end_session'), 'there is no end-session endpoint to go to');
    await banner(page).getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  }));
});

/**
 * Signs alice in (`check` runs then), lets her access token expire (no refresh token: renewing needs the
 * hidden iframe), asks for a token on the Tokens page, and times how long until sign-in is required.
 */
async function expiredTokenWithoutRefreshToken(page, stack, check = async () => {}) {
  await signIn(page, stack, 'alice');
  await check();
  await banner(page).getByRole('link', { name: 'Tokens', exact: true }).click();
  await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
  await sleep(SHORT_TTL * 1000);
  await stack.clearRequests();
  const started = Date.now();
  await page.getByRole('button', { name: 'Get token', exact: true }).click();
  const required = page.getByTestId('sign-in-required');
  await required.waitFor({ timeout: 15_000 });
  return { required, elapsed: Date.now() - started };
}

describe('hardening, with a cross-origin-isolated app and no refresh tokens', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--cross-origin-isolated', '--no-refresh-tokens', '--access-token-ttl', String(SHORT_TTL)]);

  it('a silent renewal asks for interaction at once instead of waiting for the iframe timeout', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const { required, elapsed } = await expiredTokenWithoutRefreshToken(page, stack, async () => {
      assert.equal(await page.evaluate(() => window.crossOriginIsolated), true, 'COOP + COEP are in force');
    });
    assert.ok(elapsed < 3_000, `interaction required after ${elapsed} ms (the iframe timeout is 10 s)`);
    assert.match(await required.innerText(), /cross-origin isolated/);
    assert.equal(await page.locator('iframe').count(), 0, 'no iframe was made');
    assert.deepEqual(authorizeRequests(await stack.requests()), [], 'nothing reached the provider');
  }));
});

describe('hardening, with a provider that refuses to be framed and no refresh tokens', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--refuse-frames', '--no-refresh-tokens', '--access-token-ttl', String(SHORT_TTL)]);

  it('a silent renewal whose frame loads a page it cannot read asks for interaction without waiting 10 s', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const { required, elapsed } = await expiredTokenWithoutRefreshToken(page, stack);
    assert.ok(elapsed < 6_000, `interaction required after ${elapsed} ms (the iframe timeout is 10 s)`);
    assert.match(await required.innerText(), /did not return to the app/);
    // (The page that refuses framing is served before oidc-provider names the route.)
    const authorize = (await stack.requests()).filter((r) => r.path === '/auth');
    assert.equal(authorize.length, 1, 'the iframe did go to the provider');
    assert.equal(authorize[0].params.prompt, 'none');
    assert.equal(await page.locator('iframe').count(), 0, 'the iframe is removed');
  }));
});
