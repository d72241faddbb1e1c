// The token lifecycle end to end: interactive requests carried in history state, silent renewal by
// refresh token and by hidden iframe, one renewal for concurrent calls, account changes, return-URL
// checks and forged ID tokens, each against the real local provider in headless Chromium.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import {
  CROSS_SITE_FLAGS, refreshGrants, signInAtProvider, signInOnExample, storedEntries, storedSession, tokenKeys,
  useStackAndBrowser, withPage,
} from './harness.mjs';

// Short enough to wait out, long enough to sign in: a quarter of it is the renewal margin.
const SHORT_TTL = 8;

async function signInWithButton(page, stack, user) {
  await page.goto(stack.app);
  await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
  await signInAtProvider(page, stack, user);
  await page.getByText('You are signed in.').waitFor();
}

async function signOut(page, stack) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((u) => u.href.startsWith(stack.issuer));
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.getByText('You are signed out.').waitFor();
}

/** Opens the Tokens page through the app's own navigation (no reload) and marks the document. */
async function openTokensPage(page) {
  await page.getByRole('link', { name: 'Tokens' }).click();
  await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
  await page.evaluate(() => { window.documentMarker = 'still the same document'; });
}

async function documentMarker(page) {
  return page.evaluate(() => window.documentMarker);
}

function eventsText(page) {
  return page.getByTestId('events').innerText();
}

describe('with the default provider', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser();

  it('sends login_hint and prompt from history state, never through the app URL', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const appUrls = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith(stack.app)) appUrls.push(frame.url());
    });
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await stack.clearRequests();

    await page.locator('input[name=login_hint]').fill('bob');
    await page.locator('select[name=prompt]').selectOption('login');
    await page.getByRole('button', { name: 'Sign in with these options' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));

    const authorize = (await stack.requests()).find((r) => r.route === 'authorization');
    assert.equal(authorize.params.login_hint, 'bob');
    assert.equal(authorize.params.prompt, 'login');
    assert.ok(appUrls.some((u) => new URL(u).pathname === '/authentication/login'), 'went through the login route');

    // The provider's form is prefilled with the hint.
    assert.equal(await page.locator('input[name=login]').inputValue(), 'bob');
    await signInAtProvider(page, stack, 'bob');
    await page.getByText('You are signed in.').waitFor();
    assert.equal(await page.getByTestId('sub').textContent(), 'bob');
    for (const url of appUrls) {
      assert.doesNotMatch(url, /login_hint|prompt=|bob/, `the app's address bar never carried the request: ${url}`);
    }
  }));

  it('alice signs out, bob signs in: alice\'s tokens are gone and AccountChanged fires', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signInWithButton(page, stack, 'alice');
    assert.match(storedSession(await storedEntries(page)).account.home_account_id, /^alice\./);
    await signOut(page, stack);
    assert.deepEqual(tokenKeys(await storedEntries(page)), []);

    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'bob');
    await page.getByText('You are signed in.').waitFor();
    assert.equal(await page.getByTestId('sub').textContent(), 'bob');
    const stored = await storedEntries(page);
    assert.match(storedSession(stored).account.home_account_id, /^bob\./);
    assert.deepEqual(Object.keys(stored).filter((k) => k.includes('alice') && !k.startsWith('auth-wasm.last')), []);
    assert.doesNotMatch(JSON.stringify(stored), /"sub":"alice"/);
    assert.match(await eventsText(page), new RegExp(`AccountChanged: alice\\.${stack.issuer.replaceAll('.', '\\.')} → Bob Example`));
  }));

  for (const evil of ['https://evil.example/', 'javascript:alert(1)', '//evil.example/x']) {
    it(`a return URL of ${evil} in history state lands on the app root`, () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
      await page.goto(stack.app);
      await page.getByText('You are signed out.').waitFor();
      await page.evaluate((returnUrl) => {
        const state = { version: 1, kind: 'login', return_url: returnUrl };
        window.history.pushState(state, '', '/authentication/login');
        window.dispatchEvent(new PopStateEvent('popstate', { state }));
      }, evil);
      await signInAtProvider(page, stack, 'alice');
      await page.getByText('You are signed in.').waitFor();
      assert.equal(page.url(), `${stack.app}/`);
    }));
  }
});

describe('with short-lived access tokens and refresh tokens', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(SHORT_TTL)]);

  it('renews an expired token with the refresh token, once for ten concurrent calls, without navigating', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signInWithButton(page, stack, 'alice');
    const before = storedSession(await storedEntries(page));
    await openTokensPage(page);

    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByText('1 of 1 succeeded').waitFor();
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Get token ×10 at once' }).click();
    await page.getByText('10 of 10 succeeded').waitFor();
    const tokenRequests = (await stack.requests()).filter((r) => r.route === 'token');
    assert.equal(tokenRequests.length, 1, 'ten concurrent calls, one token request');
    assert.equal(tokenRequests[0].params.grant_type, 'refresh_token');
    assert.equal(tokenRequests[0].status, 200);
    assert.equal((await stack.requests()).filter((r) => r.route === 'authorization').length, 0, 'no iframe, no redirect');
    assert.equal(await documentMarker(page), 'still the same document', 'no navigation');
    assert.equal(new URL(page.url()).pathname, '/tokens');
    assert.match(await eventsText(page), /TokenRenewed: api:read/);

    const after = storedSession(await storedEntries(page));
    assert.ok(after.refresh_token);
    assert.notEqual(after.refresh_token, before.refresh_token, 'the rotated refresh token is kept');
  }));
});

describe('without refresh tokens', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(SHORT_TTL), '--no-refresh-tokens']);

  it('a silent renewal in the hidden iframe sends login_hint, never id_token_hint', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signInWithButton(page, stack, 'alice');
    await openTokensPage(page);
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByText('1 of 1 succeeded').waitFor();
    const authorize = (await stack.requests()).filter((r) => r.route === 'authorization');
    assert.equal(authorize.length, 1, 'one silent request');
    assert.equal(authorize[0].params.prompt, 'none');
    assert.equal(authorize[0].params.login_hint, 'alice', 'the account is named by its username');
    // The log keeps a secret parameter's name (its value redacted): an ID token in the URL would show here.
    assert.equal(authorize[0].params.id_token_hint, undefined, `no ID token in the URL: ${Object.keys(authorize[0].params)}`);
  }));

  it('renews through a hidden prompt=none iframe, then asks for sign-in once the provider session is gone', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signInWithButton(page, stack, 'alice');
    assert.equal(storedSession(await storedEntries(page)).refresh_token, undefined, 'no refresh token');
    await openTokensPage(page);
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByText('1 of 1 succeeded').waitFor();
    const requests = await stack.requests();
    const authorize = requests.filter((r) => r.route === 'authorization');
    assert.equal(authorize.length, 1);
    assert.equal(authorize[0].params.prompt, 'none');
    assert.equal(authorize[0].params.redirect_uri, `${stack.app}/silent-callback.html`);
    assert.deepEqual(requests.filter((r) => r.route === 'token').map((r) => r.params.grant_type), ['authorization_code']);
    assert.equal(await documentMarker(page), 'still the same document', 'no navigation of the page');
    assert.equal(await page.locator('iframe').count(), 0, 'the iframe is removed');

    // The provider forgets the session (its cookies are gone); the next renewal needs the user.
    await page.context().clearCookies();
    await sleep(SHORT_TTL * 1000);
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    const required = page.getByTestId('sign-in-required');
    await required.waitFor();
    assert.match(await required.innerText(), /login_required/);
    assert.match(await eventsText(page), /RenewFailed: api:read/);

    // Its request returns to this page after the sign-in.
    await required.getByRole('button', { name: 'Continue to sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/tokens');
  }));
});

describe('with the provider on another site, without refresh tokens, third-party cookies blocked', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(
    ['--access-token-ttl', String(SHORT_TTL), '--no-refresh-tokens', '--provider-host', 'localhost'],
    CROSS_SITE_FLAGS,
  );

  it('a silent renewal blames the provider\'s blocked cookies, not the user, and the next one skips the iframe', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    assert.equal(new URL(stack.issuer).hostname, 'localhost');
    assert.equal(new URL(stack.app).hostname, '127.0.0.1');
    const frames = [];
    page.on('frameattached', (frame) => frames.push(frame));
    const authorizeRequests = async () => (await stack.requests()).filter((r) => r.route === 'authorization');

    await signInWithButton(page, stack, 'alice');
    await openTokensPage(page);
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();

    // The iframe goes to the provider once; without its cookie the provider answers login_required.
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    const required = page.getByTestId('sign-in-required');
    await required.waitFor();
    const reason = await required.innerText();
    assert.match(reason, /silent sign-in is not possible here: the provider is on another site/);
    assert.match(reason, /cookies/);
    assert.match(reason, /no password/);
    assert.doesNotMatch(reason, /login_required|must sign in/);
    const first = await authorizeRequests();
    assert.equal(first.length, 1, 'one iframe request');
    assert.equal(first[0].params.prompt, 'none');
    assert.equal(first[0].params.redirect_uri, `${stack.app}/silent-callback.html`);
    assert.equal(frames.length, 1, 'one hidden iframe');
    assert.equal(storedSession(await storedEntries(page)).frame_cookies_blocked, true, 'the session notes it');

    // After a reload (no failure remembered in memory), the next renewal skips the iframe.
    await page.reload();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    await stack.clearRequests();
    frames.length = 0;
    const started = Date.now();
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await required.waitFor();
    const took = Date.now() - started;
    assert.match(await required.innerText(), /the provider is on another site/);
    assert.deepEqual(await authorizeRequests(), [], 'no authorize request');
    assert.equal(frames.length, 0, 'no iframe');
    assert.ok(took < 2000, `ended at once (${took} ms)`);

    // The user is still signed in at the provider: continuing comes straight back, with no form.
    const providerPages = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith(stack.issuer)) providerPages.push(frame.url());
    });
    await required.getByRole('button', { name: 'Continue to sign in' }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/tokens');
    assert.deepEqual(providerPages.filter((url) => url.includes('/interaction/')), [], 'no login form');
    assert.equal(storedSession(await storedEntries(page)).frame_cookies_blocked, undefined, 'a sign-in starts afresh');
  }));
});

describe('with a provider whose ID tokens are signed by a key not in its JWKS', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--rogue-id-tokens']);

  it('rejects the ID token and stores nothing', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(stack.app);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');
    const error = page.getByTestId('error');
    await error.waitFor();
    assert.match(await error.innerText(), /signature is not valid/);
    assert.deepEqual(tokenKeys(await storedEntries(page)), [], 'nothing stored');
    assert.equal((await stack.requests()).filter((r) => r.route === 'token' && r.status === 200).length, 1, 'the provider did answer');
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  }));
});

describe('with a provider whose consent page the user leaves with api:write unticked', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--refuse-scope', 'api:write']);

  /** Asks the Tokens page for a token for `scopes`, once. */
  async function getToken(page, scopes) {
    await page.locator('input[name=scopes]').fill(scopes);
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
  }

  it('a refused scope is not served: the call needs consent and names it, and api:read still works', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signInWithButton(page, stack, 'alice');
    await openTokensPage(page);
    // The app asks for api:write too: consent is needed, and the user goes to the consent page for it.
    await getToken(page, 'api:read api:write');
    await page.getByTestId('sign-in-required').getByRole('button', { name: 'Continue to sign in' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer) && u.pathname.includes('/interaction/'));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    const stored = storedSession(await storedEntries(page)).access_tokens;
    const asked = stored.find((t) => t.requested.join(' ') === 'api:read api:write');
    assert.deepEqual(asked?.scopes, ['api:read'], `the token response granted api:read only: ${JSON.stringify(stored.map((t) => [t.requested, t.scopes]))}`);

    const apiRequests = [];
    page.on('request', (request) => { if (request.url().startsWith(stack.api)) apiRequests.push(request.url()); });
    await getToken(page, 'api:read api:write');
    const required = page.getByTestId('sign-in-required');
    await required.waitFor();
    assert.match(await required.innerText(), /did not grant the scopes `api:write` \(scopes_not_granted\)/);
    assert.match(await eventsText(page), /RenewFailed: api:read api:write: .*scopes_not_granted/);
    assert.equal(await page.getByTestId('token-summary').innerText(), '0 of 1 succeeded', 'no token for api:write');

    // What was granted still answers, from the cache, and the API takes it.
    await stack.clearRequests();
    await getToken(page, 'api:read');
    await page.getByText('1 of 1 succeeded').waitFor();
    assert.deepEqual((await stack.requests()).filter((r) => r.route === 'token'), [], 'from the cache');
    assert.deepEqual(apiRequests, [], 'no token went to the API meanwhile');
    await page.getByRole('link', { name: 'Call API' }).click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('api-user').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');
  }));
});

// The library gives a token request 30 s (browser/http.rs); a call behind a failed renewal gets its outcome
// (protocol/renewal.rs RenewalFailure::answers) instead of running it again, one timeout after another.
const REQUEST_TIMEOUT_MS = 30_000;

describe('with a token endpoint that stops answering', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(SHORT_TTL)]);

  it('five calls behind a hung token endpoint fail together within one timeout, with one refresh grant', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signInOnExample(page, stack);
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();
    await stack.hangTokenEndpoint();

    const outcomes = await page.evaluate(async () => {
      const started = performance.now();
      const settled = [];
      const calls = Array.from({ length: 5 }, (_, i) => window.auth.getToken({ scopes: ['api:read'] }).then(
        () => { settled[i] = { result: 'ok', at: performance.now() - started }; },
        (e) => { settled[i] = { result: `${e?.code}: ${e?.message}`, at: performance.now() - started }; },
      ));
      // Once one has settled, the others get 3 s: a call that ran the renewal again would be waiting
      // for a timeout of its own.
      await Promise.race(calls);
      await Promise.race([Promise.all(calls), new Promise((r) => { setTimeout(r, 3000); })]);
      return Array.from({ length: 5 }, (_, i) => settled[i] ?? { result: 'still waiting' });
    });
    const results = outcomes.map((o) => o.result);
    assert.deepEqual(results.filter((r) => !r.startsWith('network_error: ')), [], `every call failed on the network: ${results}`);
    const times = outcomes.map((o) => o.at);
    assert.ok(Math.max(...times) - Math.min(...times) < 1000, `they failed together: ${times}`);
    assert.ok(Math.max(...times) < 1.5 * REQUEST_TIMEOUT_MS, `within one timeout: ${times}`);
    const grants = await refreshGrants(stack);
    assert.deepEqual(grants.map((g) => g.status), ['hung'], 'one refresh grant for the five calls');
  }));
});
