// The npm package from plain JavaScript (no framework, no bundler), in headless Chromium against the
// local provider: sign in, a token for alice, a second token from the cache, sign out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { signInAtProvider, useStackAndBrowser, withPage } from './harness.mjs';

describe('the npm package in a plain JS page', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser();

  it('signs alice in, gets her token (the second from the cache), and signs out', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const example = `${stack.app}/js-example/`;
    await page.goto(example);
    await page.getByText('Signed out', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('Signed in as Alice Example (alice)').waitFor();
    assert.equal(page.url(), example, 'back on the example with a clean URL');
    assert.match(await page.locator('#events').innerText(), /signedIn: Alice Example/);

    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByText(/^Call 1: an access token for alice, scope api:read/).waitFor();

    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.getByRole('button', { name: 'Get token' }).click();
    await page.getByText(/^Call 2: an access token for alice/).waitFor();
    assert.deepEqual(requests, [], 'the second token comes from the cache: no network request');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('Signed out', { exact: true }).waitFor();
    assert.equal(page.url(), example);
    assert.equal(await page.locator('#error').isHidden(), true);
  }));
});
