// The npm package from plain JavaScript (no framework, no bundler), in headless Chromium against the
// local provider: sign in, a token for alice, a second token from the cache, sign out; loading the
// WebAssembly with init(); every option and request field as src/js/declaration.rs declares it (and the
// generated .d.ts types it), and no other name.
// (bundlers.test.mjs: the same example bundled by esbuild.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { declarations } from '../support/js-api.mjs';
import { exampleUrl, signInAtProvider, useStackAndBrowser, withPage } from './harness.mjs';

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

  it('with nobody signed in, getToken rejects with an InteractionRequiredError whose redirect() signs in', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(`${stack.app}/js-example/`);
    const authorizeRequests = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.href.startsWith(`${stack.issuer}/auth?`)) authorizeRequests.push(url);
    });
    await stack.clearRequests();
    const result = await page.evaluate(async (authority) => {
      const { AuthClient, InteractionRequiredError, init } = await import('./pkg/index.js');
      await init();
      const client = new AuthClient({ authority, clientId: 'demo-spa', scopes: ['api:read'] });
      // on() returns the function that stops the listener (index.js's, over subscribe/unsubscribe).
      const stop = client.on(() => {});
      const stops = typeof stop === 'function' && stop() === undefined && stop() === undefined;
      try {
        await client.getToken({ scopes: ['api:read'] });
        return { stops, error: 'no error' };
      } catch (error) {
        window.setTimeout(() => error.redirect(), 0);
        return { stops, error: `${error instanceof InteractionRequiredError} ${error.code}` };
      }
    }, stack.issuer);
    assert.deepEqual(result, { stops: true, error: 'true interaction_required' });
    await page.waitForURL((u) => u.href.startsWith(stack.issuer));
    assert.equal(authorizeRequests.length, 1, 'redirect() sent the browser to the provider once');
    // The parameters as the provider received them: in the URL, or pushed (PAR) with only client_id and
    // request_uri in the URL.
    const [authorize] = (await stack.requests()).filter((r) => r.route === 'authorization');
    assert.ok(authorize.params.scope.split(' ').includes('api:read'), authorizeRequests[0].href);
    assert.equal(authorize.params.code_challenge_method, 'S256');
  }));

  it('refuses bad options and requests with an AuthError that names the problem', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(`${stack.app}/js-example/`);
    const errors = await page.evaluate(async (authority) => {
      const { AuthClient, AuthError, init } = await import('./pkg/index.js');
      await init();
      const attempt = async (run) => {
        try {
          await run();
          return 'no error';
        } catch (error) {
          return `${error instanceof AuthError} ${error.code}: ${error.message}`;
        }
      };
      const client = new AuthClient({ authority, clientId: 'demo-spa' });
      return [
        await attempt(() => new AuthClient({ authority, clientId: 'demo-spa', redirectURI: '/cb' })),
        await attempt(() => new AuthClient({ authority, clientId: 'demo-spa', cacheLocation: 'disk' })),
        await attempt(() => new AuthClient({ clientId: 'demo-spa' })),
        await attempt(() => client.getToken({ scopes: [] })),
        await attempt(() => client.getToken({ scopes: 'api:read', extra: 1 })),
        await attempt(() => client.login({ prompt: 'sometimes' })),
      ];
    }, stack.issuer);
    assert.deepEqual(errors.map((e) => e.split(':')[0]), [
      'true invalid_config',
      'true invalid_config',
      'true invalid_config',
      'true no_scopes',
      'true invalid_request',
      'true invalid_request',
    ], errors.join('\n'));
    assert.match(errors[0], /unknown option `redirectURI`/);
    assert.match(errors[1], /cacheLocation/);
    assert.match(errors[2], /`authority` is missing/);
    assert.match(errors[5], /`prompt` must be login, select_account, consent or none/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'nothing stored by the refused calls');
  }));

  it('loads the WebAssembly only in init(): a client before it is an AuthError, init is idempotent and retried after a failure', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const wasm = [];
    page.on('request', (request) => request.url().endsWith('.wasm') && wasm.push(new URL(request.url()).pathname));
    // A page of the app's origin that has not loaded the package, and a helper that says what a call did.
    await page.goto(`${stack.app}/js-example/token.js`);
    await page.evaluate((authority) => {
      window.options = { authority, clientId: 'demo-spa' };
      window.outcome = async (run) => {
        const { AuthClient, AuthError } = await import('./pkg/index.js');
        try {
          const value = await run();
          return value instanceof AuthClient ? 'a client' : String(value);
        } catch (error) {
          return `${error instanceof AuthError} ${error.code}: ${error.message}`;
        }
      };
    }, stack.issuer);

    const before = await page.evaluate(() => outcome(async () => {
      const { AuthClient } = await import('./pkg/index.js');
      return new AuthClient(options);
    }));
    assert.match(before, /^true not_initialized: .*await init\(\)/);
    assert.deepEqual(wasm, [], 'importing the package loads no .wasm');

    const missing = await page.evaluate(() => outcome(async () => {
      const { init } = await import('./pkg/index.js');
      return init(new URL('/js-example/pkg/missing.wasm', location.href));
    }));
    assert.match(missing, /^true wasm_unavailable: auth_wasm_bg.wasm did not load \(.*404.*\): .*init\(\)$/);

    const steps = await page.evaluate(async () => {
      const { init, createAuthClient, AuthClient } = await import('./pkg/index.js');
      const first = init();
      return {
        idempotent: first === init() && first === init(new URL('/elsewhere.wasm', location.href)),
        init: await outcome(() => first),
        after: await outcome(() => new AuthClient(options)),
        factory: await outcome(() => createAuthClient(options)),
      };
    });
    assert.deepEqual(steps, { idempotent: true, init: 'undefined', after: 'a client', factory: 'a client' });
    assert.deepEqual(wasm, ['/js-example/pkg/missing.wasm', '/js-example/pkg/auth_wasm_bg.wasm'],
      'the missing .wasm, then the package\'s own, once');
  }));

  it('accepts every declared option and request field of its kind, refuses another kind or a missing required one, naming the field', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(exampleUrl(stack));
    await page.getByText('Signed out', { exact: true }).waitFor();
    const outcomes = await page.evaluate(async ({ authority, declared }) => {
      const { AuthClient } = await import('./pkg/index.js');
      const document = Object.fromEntries(['authorization_endpoint', 'token_endpoint', 'jwks_uri'].map((name) => [name, `${authority}/${name}`]));
      const good = {
        Text: '/a', Flag: true, Count: 5, Scopes: ['api:read'], Object: {}, Parameters: { ui_locales: 'fr' }, UrlCallback: () => {},
        ProviderMetadata: { issuer: authority, ...document }, MetadataOverrides: { end_session_endpoint: `${authority}/bye` },
      };
      const bad = {
        Text: 7, Flag: 'yes', Count: 'five', Scopes: 5, CacheLocation: 'disk', Prompt: 'sometimes', DpopMode: 'on', Object: 'x',
        Parameters: 'x', UrlCallback: '/home', ProviderMetadata: 'x', MetadataOverrides: 'x',
      };
      const base = { AuthClientOptions: { authority, clientId: 'demo-spa' }, TokenRequest: { scopes: 'api:read' } };
      const client = new AuthClient({ authority, clientId: 'demo-spa', cacheLocation: 'memory' });
      const call = {
        AuthClientOptions: (options) => new AuthClient(options),
        LoginRequest: (request) => client.login(request),
        LogoutRequest: (request) => client.logout(request),
        TokenRequest: (request) => client.getToken(request),
      };
      // What a call with one field changed does: "ok", or the error's code and message.
      const outcome = async (name, change) => {
        const value = { ...base[name] };
        change(value);
        try {
          await call[name](value);
          return 'ok';
        } catch (error) {
          return `${error.code}: ${error.message}`;
        }
      };
      const results = [];
      const undeclared = {};
      for (const [name, fields] of Object.entries(declared)) {
        // A valid login or logout leaves the page: only their refusals are tried.
        const leaves = name === 'LoginRequest' || name === 'LogoutRequest';
        // A name the declaration does not have, such as a field's name misspelt, is refused.
        const other = `${fields[0].name}s`;
        undeclared[name] = await outcome(name, (value) => { value[other] = base[name]?.[fields[0].name] ?? '/a'; });
        for (const { name: field, kind, choices, required } of fields) {
          const valid = field === 'authority' ? authority : choices ? choices.at(-1) : good[kind];
          results.push({
            field: `${name}.${field}`,
            good: leaves ? 'not tried' : await outcome(name, (value) => { value[field] = valid; }),
            bad: await outcome(name, (value) => { value[field] = bad[kind]; }),
            missing: required ? await outcome(name, (value) => { delete value[field]; }) : 'not required',
          });
        }
      }
      return { results, undeclared };
    }, { authority: stack.issuer, declared: declarations() });
    const { results, undeclared } = outcomes;
    assert.equal(results.length, 31, `every declared field: ${results.map((o) => o.field)}`);
    assert.deepEqual(Object.keys(undeclared), ['AuthClientOptions', 'LoginRequest', 'LogoutRequest', 'TokenRequest']);
    for (const [name, outcome] of Object.entries(undeclared)) {
      assert.match(outcome, /^invalid_(config|request): .*unknown option `[a-zA-Z]+s`/, `${name}: an undeclared name is refused`);
    }
    for (const { field, good, bad, missing } of results) {
      const name = field.split('.')[1];
      // A valid getToken on a signed-out client asks for a sign-in; it is not refused.
      assert.match(good, /^(ok|not tried|interaction_required: .*)$/, `${field}: a value of its kind is accepted`);
      assert.match(bad, new RegExp(`^invalid_(config|request): .*\`${name}\``), `${field}: another kind is refused`);
      assert.match(missing, new RegExp(`^(not required|invalid_config: .*\`${name}\` is missing|no_scopes: .*)$`),
        `${field}: refused when missing`);
    }
  }));
});
