// auth-wasm/react in an app of one's own: tests/apps/react-app, Vite + React + React Router with the packed npm
// tarball installed (tests/apps/build-apps.sh builds it into target/apps/react-app), under <StrictMode>,
// which runs every effect twice. Against the local stack started for its origins: the page's callback
// is completed by one code exchange, React Router leaves the callback route (told by `popstate`, or by the
// app's own `navigate` function), and sign-in, a token and an API call, a reload and sign-out work.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { builtApp, signInAtProvider, useOwnAppsAndBrowser, withPage } from './harness.mjs';

const root = builtApp('react-app');
if (!existsSync(path.join(root, 'navigate.html'))) {
  throw new Error(`build the app first: bash tests/apps/build-apps.sh react (no ${root})`);
}

/** The authorization codes the provider exchanged. */
async function codeExchanges(stack) {
  return (await stack.requests()).filter((r) => r.route === 'token' && r.params.grant_type === 'authorization_code');
}

/** Counts the `popstate` events of each page the browser loads (in window.popstates). */
async function countPopstates(page) {
  await page.addInitScript(() => {
    window.popstates = 0;
    addEventListener('popstate', () => { window.popstates += 1; });
  });
}

describe('auth-wasm/react in a Vite + React Router app under StrictMode', { timeout: 120_000 }, () => {
  // The README's app (src/main.jsx), and the same with the `navigate` option (src/navigate.jsx).
  const ctx = useOwnAppsAndBrowser([{ root }, { root, page: 'navigate.html' }]);

  it('signs alice in with one code exchange, the router back on / told by popstate; the API, a reload, sign-out', () => withPage(ctx.browser, async (page) => {
    const [stack] = ctx.apps;
    await stack.clearRequests();
    await countPopstates(page);
    await page.goto(`${stack.app}/`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('Signed in as Alice Example').waitFor();
    assert.equal(new URL(page.url()).pathname, '/', 'the router is on the return URL');
    assert.equal(await page.getByText('Not found').count(), 0, 'React Router matched the return URL');
    assert.ok(await page.evaluate(() => window.popstates) >= 1, 'the router heard a popstate');
    assert.equal((await codeExchanges(stack)).length, 1, 'one code exchange, though StrictMode ran the effect twice');
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');

    await page.getByRole('button', { name: 'Call the API' }).click();
    await page.getByText(/^\d+ orders$/).waitFor();
    const calls = (await stack.apiRequests()).filter((r) => r.path === '/orders');
    assert.deepEqual(calls.map((r) => [r.method, r.status]), [['GET', 200]], 'the API took the token');

    await page.reload();
    await page.getByText('Signed in as Alice Example').waitFor();
    assert.equal((await codeExchanges(stack)).length, 1, 'the reload exchanged no code');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('Signed out', { exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/', 'the router left the logout callback');
    assert.equal(await page.getByText('Not found').count(), 0);
  }));

  it('with the navigate option, React Router is told through it, not by popstate', () => withPage(ctx.browser, async (page) => {
    const [, stack] = ctx.apps;
    await stack.clearRequests();
    await countPopstates(page);
    await page.goto(`${stack.app}/`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('Signed in as Alice Example').waitFor();
    // The return URL is the page sign-in started on.
    assert.deepEqual(await page.evaluate(() => [window.navigations, window.popstates]), [['/'], 0]);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal((await codeExchanges(stack)).length, 1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('Signed out', { exact: true }).waitFor();
    assert.deepEqual(await page.evaluate(() => [window.navigations, window.popstates]), [['/'], 0],
      'a new page after the provider: the logout callback told the router of /');
  }));
});
