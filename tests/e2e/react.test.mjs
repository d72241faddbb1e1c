// auth-wasm/react in a small React app (tests/react-app, bundled by esbuild) under <StrictMode>, which
// runs every effect twice: the page's callback is completed by one code exchange, the app's router
// leaves the callback route (by `popstate`, or by the app's own `navigate` function), and sign-in, a
// token, a reload and sign-out work. Needs the package built (tests/build-npm.sh).
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';

import { buildReactApp } from '../react-app/build.mjs';
import { signInAtProvider, useStackAndBrowser, withPage } from './harness.mjs';

const out = await buildReactApp();

/** The authorization codes the provider exchanged. */
async function codeExchanges(stack) {
  return (await stack.requests()).filter((r) => r.route === 'token' && r.params.grant_type === 'authorization_code');
}

describe('auth-wasm/react in a React app under StrictMode', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--dist', out]);
  before(() => ctx.stack.clearRequests());

  it('signs alice in with one code exchange, back on / told by popstate; a token, a reload, sign-out', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await stack.clearRequests();
    await page.goto(`${stack.app}/?mode=client`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('Signed in as Alice Example').waitFor();
    assert.equal(new URL(page.url()).pathname, '/', 'the router is on the return URL');
    assert.ok(await page.evaluate(() => window.popstates) >= 1, 'the router heard a popstate');
    assert.equal((await codeExchanges(stack)).length, 1, 'one code exchange, though StrictMode ran the effect twice');
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');

    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByText(/^A token of \d+ characters$/).waitFor();

    await page.reload();
    await page.getByText('Signed in as Alice Example').waitFor();
    assert.equal((await codeExchanges(stack)).length, 1, 'the reload exchanged no code');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('Signed out', { exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/', 'the router left the logout callback');
  }));

  it('with the navigate option, the router is told through it, not by popstate', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await stack.clearRequests();
    await page.goto(`${stack.app}/?mode=navigate`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('Signed in as Alice Example').waitFor();
    // The return URL is the page sign-in started on.
    assert.deepEqual(await page.evaluate(() => [window.navigations, window.popstates]), [['/?mode=navigate'], 0]);
    assert.equal((await codeExchanges(stack)).length, 1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('Signed out', { exact: true }).waitFor();
    assert.deepEqual(await page.evaluate(() => [window.navigations, window.popstates]), [['/'], 0],
      'a new page after the provider: the logout callback told the router of /');
  }));
});
