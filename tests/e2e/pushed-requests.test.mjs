// Pushed authorization requests (RFC 9126, issue 23): with the provider requiring them, the demo app's
// sign-in and its hidden-iframe renewal push their parameters, and the browser's authorize URL carries
// only client_id and request_uri. (The other e2e tests run with PAR offered, and with AUTH_TEST_PAR=off
// without it.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { signInAtProvider, useStackAndBrowser, withPage } from './harness.mjs';

const SHORT_TTL = 3;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('pushed authorization requests, required by the provider', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser(['--par', 'required', '--access-token-ttl', String(SHORT_TTL), '--no-refresh-tokens']);

  it('signs in and renews in the iframe with authorize URLs that carry only client_id and request_uri', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const browserAuthorizeUrls = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${stack.issuer}/auth?`)) browserAuthorizeUrls.push(request.url());
    });
    await page.goto(stack.app);
    await page.getByText('You are signed out.').waitFor();
    await stack.clearRequests();

    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
    await signInAtProvider(page, stack, 'alice');
    await page.getByText('You are signed in.').waitFor();

    let requests = await stack.requests();
    const pushed = requests.filter((r) => r.route === 'pushed_authorization_request');
    assert.equal(pushed.length, 1, 'one pushed request');
    assert.equal(pushed[0].status, 201);
    assert.equal(pushed[0].origin, stack.app, 'a CORS request from the app');
    assert.equal(pushed[0].params.code_challenge_method, 'S256');
    assert.ok(pushed[0].params.state && pushed[0].params.nonce);
    const authorize = requests.filter((r) => r.route === 'authorization');
    assert.equal(authorize.length, 1);
    assert.deepEqual(authorize[0].queryNames.sort(), ['client_id', 'request_uri']);
    assert.equal(authorize[0].params.code_challenge, pushed[0].params.code_challenge, 'the log reads the pushed parameters');
    assert.equal(requests.filter((r) => r.route === 'token' && r.status === 200).length, 1, 'the code was exchanged');

    // The access token expires; without a refresh token the renewal goes through the hidden iframe,
    // whose request is pushed too.
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    await sleep(SHORT_TTL * 1000);
    await stack.clearRequests();
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByText('1 of 1 succeeded').waitFor();
    requests = await stack.requests();
    const framePush = requests.filter((r) => r.route === 'pushed_authorization_request');
    assert.equal(framePush.length, 1);
    assert.equal(framePush[0].params.prompt, 'none');
    assert.equal(framePush[0].params.redirect_uri, `${stack.app}/silent-callback.html`);
    const frameAuthorize = requests.filter((r) => r.route === 'authorization');
    assert.equal(frameAuthorize.length, 1);
    assert.deepEqual(frameAuthorize[0].queryNames.sort(), ['client_id', 'request_uri']);
    assert.equal(frameAuthorize[0].params.prompt, 'none', 'the log reads the pushed prompt');

    assert.equal(browserAuthorizeUrls.length, 2);
    for (const url of browserAuthorizeUrls) {
      assert.deepEqual([...new URL(url).searchParams.keys()].sort(), ['client_id', 'request_uri'], url);
    }
  }));
});
