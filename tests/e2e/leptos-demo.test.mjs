// The demo's scenarios, after the state diagram of Blazor's WebAssembly authentication: protected pages,
// API calls with the user's token, renewal or re-sign-in when tokens expire, switching accounts, and a
// provider error, in headless Chromium against the local provider and the demo API.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import { signInAtProvider, useStackAndBrowser, withPage } from './harness.mjs';

const SHORT_TTL = 8;

function nav(page, name) {
  return page.getByRole('banner').getByRole('link', { name, exact: true });
}

function navButton(page, name) {
  return page.getByRole('banner').getByRole('button', { name, exact: true });
}

async function signIn(page, stack, user) {
  await page.goto(stack.app);
  await navButton(page, 'Sign in').click();
  await signInAtProvider(page, stack, user);
  await page.getByText('You are signed in.').waitFor();
}

describe('the demo app', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser();

  it('Home → Orders while signed out → sign-in → back on Orders with the user\'s orders', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await nav(page, 'Orders').click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByTestId('orders').waitFor();
    assert.equal(new URL(page.url()).pathname, '/orders');
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');
    assert.match(await page.getByTestId('orders').innerText(), /A-1001/);
  }));

  it('Call API shows the data the API returns for the signed-in user, with the token only for the API', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'bob');
    const apiRequests = [];
    page.on('request', (request) => {
      if (request.url().startsWith(stack.api)) apiRequests.push(request);
    });
    await nav(page, 'Call API').click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of bob');
    const get = apiRequests.find((r) => r.method() === 'GET');
    assert.match(get.headers().authorization, /^Bearer eyJ/);
  }));

  it('forgets a token the API refuses, and the next call gets a new one', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await nav(page, 'Call API').click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    const refused = await fetch(`${stack.api}/test/refuse-issued-tokens`, { method: 'POST' });
    assert.equal(refused.status, 204);
    await stack.clearRequests();

    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('api-error').waitFor();
    assert.match(await page.getByTestId('api-error').innerText(), /HTTP 401.*revoked/);
    assert.deepEqual(await stack.requests(), [], 'the refused token came from the cache');

    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');
    assert.deepEqual((await stack.requests()).map((r) => r.params.grant_type).filter(Boolean), ['refresh_token']);
  }));

  it('Switch account to bob shows bob everywhere', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    assert.equal(await page.getByTestId('nav-user').innerText(), 'Alice Example');
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Switch account' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    const authorize = (await stack.requests()).find((r) => r.route === 'authorization');
    assert.equal(authorize.params.prompt, 'select_account');
    await signInAtProvider(page, stack, 'bob');
    await page.getByText('You are signed in.').waitFor();

    assert.equal(await page.getByTestId('nav-user').innerText(), 'Bob Example');
    assert.equal(await page.getByTestId('sub').innerText(), 'bob');
    assert.match(await page.getByTestId('events').innerText(), /AccountChanged: alice\..* → Bob Example/);
    await nav(page, 'Profile').click();
    const claims = await page.getByTestId('claims').innerText();
    assert.match(claims, /sub\s+bob/);
    assert.doesNotMatch(claims, /alice/);
    await nav(page, 'Call API').click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of bob');
  }));

  it('cancelling at the provider shows login-failed with the reason and a retry', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(stack.app);
    await navButton(page, 'Sign in').click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.locator('input[name=login]').fill('alice');
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    await page.getByRole('link', { name: '[ Cancel ]' }).click();

    const error = page.getByTestId('error');
    await error.waitFor();
    assert.equal(new URL(page.url()).pathname, '/authentication/login-failed');
    assert.match(await error.innerText(), /access_denied/);
    assert.match(await error.innerText(), /End-User aborted interaction/);
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    assert.equal((await stack.requests()).filter((r) => r.route === 'authorization').length, 1);
  }));

  it('going back from the provider returns to the app, not into another redirect', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await navButton(page, 'Sign in').click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.goBack();
    await page.getByText('You are signed out.').waitFor();
    await sleep(500);
    assert.equal(page.url(), `${stack.app}/`, 'stays on the page the sign-in started from');
  }));

  it('a plain link to the logout route signs nobody out', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await stack.clearRequests();
    await page.goto(`${stack.app}/authentication/logout`);
    await page.getByTestId('error').waitFor();
    assert.match(await page.getByTestId('error').innerText(), /not started by this app/);
    assert.equal((await stack.requests()).filter((r) => r.route === 'end_session' || r.route === 'revocation').length, 0);
    await page.goto(stack.app);
    await page.getByText('You are signed in.').waitFor();
  }));

  it('a claims challenge from the API starts one interactive request, not a loop', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await nav(page, 'Call API').click();
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Call the step-up API (claims challenge)' }).click();
    // The provider still has alice's session: it answers the interactive request without a form.
    await page.waitForURL((u) => u.pathname === '/authentication/login-callback');
    await page.getByRole('heading', { name: 'Call an API' }).waitFor();
    const authorize = (await stack.requests()).filter((r) => r.route === 'authorization');
    assert.equal(authorize.length, 1, 'one interactive request');
    assert.deepEqual(JSON.parse(authorize[0].params.claims), { access_token: { acr: { essential: true, value: 'urn:demo:mfa' } } });
    assert.equal(new URL(page.url()).pathname, '/call-api', 'back where the call was made');
    await page.getByRole('button', { name: 'Call the step-up API (claims challenge)' }).click();
    const error = page.getByTestId('api-error');
    await error.waitFor();
    assert.match(await error.innerText(), /still demands claims/);
    assert.equal(new URL(page.url()).pathname, '/call-api');
    assert.equal((await stack.requests()).filter((r) => r.route === 'authorization').length, 1, 'no second one');
  }));
});

describe('the demo app with short-lived tokens', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(SHORT_TTL)]);

  it('renews an expired token silently when calling the API', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await nav(page, 'Call API').click();
    await page.evaluate(() => { window.documentMarker = 'same document'; });
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');
    assert.deepEqual((await stack.requests()).map((r) => r.params.grant_type).filter(Boolean), ['refresh_token']);
    assert.equal(await page.evaluate(() => window.documentMarker), 'same document');
  }));
});

describe('the demo app with short-lived tokens and no refresh tokens', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(SHORT_TTL), '--no-refresh-tokens']);

  it('sends the user to sign in once the provider session is gone, and back to the page', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signIn(page, stack, 'alice');
    await nav(page, 'Call API').click();
    await page.context().clearCookies();
    await sleep(SHORT_TTL * 1000);
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByRole('heading', { name: 'Call an API' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/call-api');
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');
  }));
});
