// The Leptos size probes that tests/leptos-size.sh builds (target/leptos-size/<probe>/: the .wasm after
// wasm-opt -Oz and the wasm-bindgen glue it was built with), loaded in headless Chromium as a page would
// load them: each must instantiate and run, with no WebAssembly error or panic, and show what it does.
// The size report measures these files; this shows that what it measures is an app that works (an empty,
// truncated or mismatched .wasm fails here).
// - quickstart_without_auth: renders the quick start's home page, and its button works.
// - quickstart: renders the signed-out view; Sign in fetches the provider's discovery document and goes
//   to its authorize endpoint with PKCE (the provider is answered here: the probe's authority is fixed).
// - core_probe: renders the same app, and its protocol core, driven from JS imports, writes the
//   end-session URL of a sign-out.
//   LEPTOS_SIZE_DIR=<folder> runs it against other builds (a scratch copy, say).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { startStaticServer } from '../support/static-server.mjs';
import { launchBrowser, withPage } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PROBES = process.env.LEPTOS_SIZE_DIR ?? path.join(here, '..', '..', 'target', 'leptos-size');

/** Console text that means the module did not instantiate or run: a compile or link error, a trap, a panic. */
const BROKEN = /WebAssembly|CompileError|LinkError|RuntimeError|unreachable|panicked|wasm-bindgen/i;

/**
 * The page that loads `probe` as its glue does (`init()`, which instantiates the .wasm and runs `main`),
 * after `setup` (a script run first). `window.probe` says how loading ended.
 */
function loaderPage(probe, setup = '') {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${probe}</title></head><body>
<script>${setup}</script>
<script type="module">
  import init from '/pkg/${probe}.js';
  window.probe = 'loading';
  init().then(() => { window.probe = 'ran'; }, (error) => { window.probe = 'failed: ' + error; });
</script>
</body></html>`;
}

/** Serves `probe`'s build under /pkg/ and the loader page at every other path; returns the origin. */
async function serve(probe, setup) {
  const dir = path.join(PROBES, probe);
  assert.ok(existsSync(path.join(dir, `${probe}_bg.wasm`)), `${dir}: build the probes first (bash tests/leptos-size.sh)`);
  const root = await mkdtemp(path.join(os.tmpdir(), `leptos-probe-${probe}-`));
  await writeFile(path.join(root, 'index.html'), loaderPage(probe, setup));
  const server = await startStaticServer({ root, mounts: { '/pkg/': dir } });
  return { origin: server.origin, close: async () => { await server.close(); await rm(root, { recursive: true }); } };
}

/** Loads `url`; asserts that the module instantiated and its `main` returned, and nothing broke. */
async function load(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.probe && window.probe !== 'loading');
  assert.equal(await page.evaluate(() => window.probe), 'ran');
}

function assertNothingBroke(page) {
  const broken = page.consoleMessages.filter((line) => line.startsWith('pageerror') || BROKEN.test(line));
  assert.deepEqual(broken, [], 'no WebAssembly error, trap or panic');
}

describe('the Leptos size probes in a browser', { timeout: 120_000 }, () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  it('quickstart_without_auth renders the home page, and its button signs "alice" in', async () => {
    const server = await serve('quickstart_without_auth');
    try {
      await withPage(browser, async (page) => {
        await load(page, `${server.origin}/`);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText('Hello, alice').waitFor();
        assertNothingBroke(page);
      });
    } finally {
      await server.close();
    }
  });

  it('quickstart renders its signed-out view, and Sign in goes to the provider with PKCE', async () => {
    const server = await serve('quickstart');
    // The probe's authority is fixed (https://login.example.com/tenant, which this machine cannot
    // reach): its discovery document is answered here, and the authorize request is caught.
    const authority = 'https://login.example.com/tenant';
    const discovery = {
      issuer: authority,
      authorization_endpoint: `${authority}/authorize`,
      token_endpoint: `${authority}/token`,
      jwks_uri: `${authority}/keys`,
      code_challenge_methods_supported: ['S256'],
    };
    try {
      await withPage(browser, async (page) => {
        const authorize = new Promise((resolve) => {
          page.context().route(`${authority}/**`, (route) => {
            const url = new URL(route.request().url());
            if (url.pathname.endsWith('/.well-known/openid-configuration')) {
              route.fulfill({ json: discovery, headers: { 'access-control-allow-origin': '*' } });
            } else if (url.pathname.endsWith('/authorize')) {
              resolve(url);
              route.fulfill({ contentType: 'text/html', body: '<p>the provider</p>' });
            } else {
              route.abort();
            }
          });
        });
        await load(page, `${server.origin}/`);
        await page.getByRole('button', { name: 'Sign in' }).click();
        const url = await authorize;
        assert.equal(url.searchParams.get('client_id'), 'your-client-id');
        assert.equal(url.searchParams.get('redirect_uri'), `${server.origin}/authentication/login-callback`);
        assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
        assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
        assertNothingBroke(page);
      });
    } finally {
      await server.close();
    }
  });

  it('core_probe renders the app, and its protocol core writes a sign-out\'s end-session URL', async () => {
    // Its inputs come from JS imports (examples/core_probe.rs): a configuration, the provider's
    // metadata, and the "logout" path of the quick start's flows.
    const inputs = {
      0: JSON.stringify({ authority: 'https://op.example', client_id: 'spa' }),
      2: JSON.stringify({
        issuer: 'https://op.example',
        authorization_endpoint: 'https://op.example/authorize',
        token_endpoint: 'https://op.example/token',
        jwks_uri: 'https://op.example/keys',
        end_session_endpoint: 'https://op.example/logout',
      }),
      5: 'logout',
    };
    const setup = `const inputs = ${JSON.stringify(inputs)};
      globalThis.probeInput = (kind) => kind === 1 ? location.origin : inputs[kind];
      globalThis.probeOutputs = [];
      globalThis.probeOutput = (kind, text) => probeOutputs.push([kind, text]);`;
    const server = await serve('core_probe', setup);
    try {
      await withPage(browser, async (page) => {
        await load(page, `${server.origin}/`);
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await page.waitForFunction(() => probeOutputs.length > 0);
        const outputs = await page.evaluate(() => probeOutputs);
        assert.deepEqual(outputs.map(([kind]) => kind), [11], `the end-session URL, and no error: ${JSON.stringify(outputs)}`);
        const url = new URL(outputs[0][1]);
        assert.equal(`${url.origin}${url.pathname}`, 'https://op.example/logout');
        assert.equal(url.searchParams.get('client_id'), 'spa');
        assert.equal(url.searchParams.get('post_logout_redirect_uri'), `${server.origin}/authentication/logout-callback`);
        assert.match(url.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
        assertNothingBroke(page);
      });
    } finally {
      await server.close();
    }
  });
});
