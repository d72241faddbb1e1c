// A Leptos app of one's own: tests/apps/leptos-app, outside the Cargo workspace with its own Cargo.lock,
// made from the README's dependency lines, release profile, Trunk.toml and index.html, its main.rs the
// README's quick start with a token call (leptos-auth/examples/quickstart_api.rs); built with trunk on
// stable Rust by tests/apps/build-apps.sh into target/apps/leptos-app. Against the local stack started for
// its origin: sign-in, a token for the API's scope and a call to the API, a reload, sign-out.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { builtApp, signInAtProvider, useOwnAppsAndBrowser, withPage } from './harness.mjs';

const root = builtApp('leptos-app');
// What the orders page shows once it has the token (a text beside "Orders of …", not an element).
const TOKEN_LINE = /A token for api:read, good until \d+/;
if (!existsSync(path.join(root, 'index.html'))) {
  throw new Error(`build the app first: bash tests/apps/build-apps.sh leptos (no ${root})`);
}

describe('a Leptos app of one\'s own, built with trunk from the README', { timeout: 120_000 }, () => {
  const ctx = useOwnAppsAndBrowser([{ root }]);

  it('signs alice in, gets a token for api:read and calls the API, stays signed in over a reload, signs out', () => withPage(ctx.browser, async (page) => {
    const [stack] = ctx.apps;
    await stack.clearRequests();
    await page.goto(`${stack.app}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('Hello, Alice Example').waitFor();
    assert.equal(new URL(page.url()).pathname, '/', 'leptos_router left the callback route');
    // The authorization request (or the pushed one, when the provider requires it) carries the scopes.
    const asked = (await stack.requests()).filter((r) => r.params?.scope);
    assert.ok(asked.length >= 1 && asked.every((r) => r.params.scope.split(' ').includes('api:read')),
      'sign-in asked for the API scope of the configuration');

    // The orders page asks for a token for the API's scope (the one sign-in got, with no second trip) and
    // calls the API with it.
    await page.goto(`${stack.app}/orders`);
    await page.getByText(TOKEN_LINE).waitFor();
    assert.equal(await page.getByText(/^Orders of /).count(), 1);
    await page.getByText('The API answered 200', { exact: true }).waitFor();
    const calls = (await stack.apiRequests()).filter((r) => r.path === '/orders');
    assert.deepEqual(calls.map((r) => [r.method, r.status]), [['GET', 200]], 'the API took the token');

    await page.reload();
    await page.getByText(TOKEN_LINE).waitFor();
    const exchanges = (await stack.requests()).filter((r) => r.route === 'token' && r.params.grant_type === 'authorization_code');
    assert.equal(exchanges.length, 1, 'one code exchange: the reloads found the session');

    await page.goto(`${stack.app}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.goto(`${stack.app}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  }));
});
