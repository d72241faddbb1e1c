// Provider metadata from the configuration (issue 24, point 7): the local provider serves no discovery
// document, and the demo's auth-config.json supplies it (`metadata`); the provider also signs out at a
// logout URL of its own that discovery does not name, with `returnTo` for the post-logout redirect URI,
// which the configuration sets over the document (`metadata_overrides`). The demo signs in, calls the API
// with its token and signs out without a discovery request, at the configured logout URL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { signInAtProvider, storedEntries, tokenKeys, useStackAndBrowser, withPage } from './harness.mjs';

const DISCOVERY_PATH = '/.well-known/openid-configuration';

describe('provider metadata from the configuration', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--no-discovery', '--returnto-logout']);

  it('signs in, gets a token and signs out with discovery turned off, at the logout URL the configuration names', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    assert.equal((await fetch(`${stack.issuer}${DISCOVERY_PATH}`)).status, 404, 'the provider serves no discovery document');
    await stack.clearRequests();

    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('You are signed in.').waitFor();
    assert.equal(await page.getByTestId('sub').textContent(), 'alice');

    await page.getByRole('banner').getByRole('link', { name: 'Call API', exact: true }).click();
    await page.getByRole('button', { name: 'Call the orders API' }).click();
    await page.getByTestId('orders').waitFor();
    assert.equal(await page.getByTestId('api-user').innerText(), 'Orders of alice');

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((u) => u.href.startsWith(stack.app));
    await page.getByText('You are signed out.').waitFor();
    assert.deepEqual(tokenKeys(await storedEntries(page)), [], 'no token left after sign-out');

    const requests = await stack.requests();
    assert.deepEqual(requests.filter((r) => r.path === DISCOVERY_PATH), [], 'no discovery request');
    // (With DPoP on, a first proof without the provider's nonce is answered `use_dpop_nonce`, then retried.)
    const exchanges = requests.filter((r) => r.route === 'token' && r.status === 200);
    assert.deepEqual(exchanges.map((r) => r.params.grant_type), ['authorization_code'], 'one code exchange');
    assert.equal(requests.find((r) => r.route === 'revocation')?.status, 200, 'the refresh token was revoked');

    const logout = requests.filter((r) => r.path === '/v2/logout');
    assert.equal(logout.length, 1, 'the browser went to the configured logout URL');
    assert.deepEqual(Object.keys(logout[0].params).sort(), ['client_id', 'returnTo', 'state'], 'by the configured names, without the hint');
    assert.equal(logout[0].params.returnTo, `${stack.app}/authentication/logout-callback`);
    assert.equal(logout[0].params.client_id, 'demo-spa');
    const endSession = requests.filter((r) => r.route === 'end_session');
    assert.ok(endSession.length >= 1, 'the logout URL led on to the provider\'s end-session endpoint');
    assert.equal(endSession[0].params.id_token_hint, undefined);
  }));
});
