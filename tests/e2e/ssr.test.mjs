// The server-rendered example (leptos-auth/examples/ssr, built by tests/ssr-example.sh): axum renders a
// protected page as "authorizing" with no token in it; headless Chromium hydrates it with no hydration
// warning, signs in at the local provider and lands back on the page asked for, calls for a token, keeps
// the session over a reload, and signs out, which another tab of the app follows.
// The server's HTML and the hydrated page's console are saved to /tmp/ssr-e2e-server.html and
// /tmp/ssr-e2e-console.txt.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, newPage, signInAtProvider } from './harness.mjs';
import { API_SCOPE, CLIENT_ID, startProvider } from '../support/provider.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER = path.join(root, 'target', 'debug', 'ssr-example');
const SITE_ROOT = path.join(root, 'target', 'ssr-example', 'site');
const SERVER_MAX_MS = 300_000;
const START_TIMEOUT_MS = 20_000;

/** A free port on 127.0.0.1 (the provider must know the app's origin before the app starts). */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs the example's server on `port` against `issuer`; resolves once it listens. Stopped by PID. */
async function startServer(port, issuer) {
  const child = spawn(SERVER, [], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: SERVER_MAX_MS,
    env: {
      ...process.env,
      AUTH_AUTHORITY: issuer,
      AUTH_CLIENT_ID: CLIENT_ID,
      AUTH_SCOPES: API_SCOPE,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: SITE_ROOT,
    },
  });
  let output = '';
  child.stderr.on('data', (chunk) => { output += chunk; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the SSR server did not start in time: ${output}`)), START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on http://')) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the SSR server exited (${code}): ${output}`)); });
  });
  return {
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** What the console said that a hydration mismatch says (Leptos warns or panics on one). */
const HYDRATION_TROUBLE = /hydrat|mismatch|panicked|unreachable/i;

describe('a server-rendered Leptos app (leptos-auth with ssr + hydrate)', { timeout: 180_000 }, () => {
  const ctx = {};
  before(async () => {
    assert.ok(existsSync(SERVER) && existsSync(path.join(SITE_ROOT, 'pkg', 'ssr_example_bg.wasm')),
      'build the example first: bash tests/ssr-example.sh');
    const port = await freePort();
    ctx.app = `http://127.0.0.1:${port}`;
    ctx.provider = await startProvider({ spaOrigin: ctx.app });
    ctx.server = await startServer(port, ctx.provider.issuer);
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
    await ctx.provider?.close();
  });

  it('renders a protected page as authorizing on the server, with no token in it', async () => {
    const response = await fetch(`${ctx.app}/protected`);
    assert.equal(response.status, 200);
    const html = await response.text();
    writeFileSync('/tmp/ssr-e2e-server.html', html);
    const body = html.slice(html.indexOf('<body>'), html.indexOf('</body>') + '</body>'.length);
    console.log(`server HTML of /protected, its body: ${body}`);
    assert.match(body, /<p data-testid="status">Authorizing…<\/p>/);
    assert.doesNotMatch(body, /Protected page of|Redirecting to sign in/);
    assert.doesNotMatch(html, /eyJ[\w-]+\.|access_token|refresh_token|id_token/i, 'no token, nor a place for one');
    assert.match(html, /<meta name="auth-authority" content="http:\/\/127\.0\.0\.1:\d+">/);
  });

  it('hydrates with no warning, signs in back to the page asked for, gets a token, keeps the session over a reload, signs out (another tab follows)', async () => {
    const page = await newPage(ctx.browser);
    const stack = { app: ctx.app, issuer: ctx.provider.issuer };
    // The app's console (the provider's pages say things of their own: web fonts it cannot load).
    const appConsole = [];
    page.on('console', (msg) => {
      const { url } = msg.location();
      if (url.startsWith(ctx.app)) appConsole.push(`${msg.type()}: ${msg.text()} (${url.slice(ctx.app.length)})`);
    });
    page.on('pageerror', (err) => appConsole.push(`pageerror: ${err.message}`));
    page.on('response', (response) => {
      if (response.url().startsWith(ctx.app) && response.status() >= 400) {
        appConsole.push(`response: ${response.status()} ${response.url().slice(ctx.app.length)}`);
      }
    });
    try {
      // The server's markup, hydrated; then the browser's state: nobody is signed in.
      await page.goto(ctx.app);
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5_000 }).catch((error) => {
        throw new Error(`not hydrated: ${error.message}\n${appConsole.join('\n')}`);
      });
      assert.deepEqual(appConsole.filter((m) => HYDRATION_TROUBLE.test(m)), [], 'no hydration warning');

      // A protected page, rendered by the server: the browser sends the user to sign in, and back.
      await page.goto(`${ctx.app}/protected`);
      await signInAtProvider(page, stack, 'alice');
      await page.getByTestId('user').waitFor();
      assert.equal(await page.getByTestId('user').innerText(), 'Protected page of Alice Example');
      const url = new URL(page.url());
      assert.equal(url.pathname, '/protected', 'back on the page asked for');
      assert.equal(url.search, '', 'no code or state left in the address bar');

      await page.getByRole('button', { name: 'Get a token' }).click();
      await page.getByTestId('token').getByText(`a token for ${API_SCOPE}`).waitFor();

      // A reload: the server renders "authorizing" again; the browser finds the session in storage.
      await page.reload();
      await page.getByTestId('user').waitFor();
      assert.equal(new URL(page.url()).pathname, '/protected');

      const hydrated = appConsole.slice();
      writeFileSync('/tmp/ssr-e2e-console.txt', `The console of the app's hydrated pages (${ctx.app}: /, /protected`
        + ` after sign-in, its reload), every message of every level: ${hydrated.length}\n${hydrated.join('\n')}\n`);
      console.log(`browser console of the hydrated pages (sign-in, reload): ${JSON.stringify(hydrated)}`);
      assert.deepEqual(hydrated.filter((m) => HYDRATION_TROUBLE.test(m)), [], 'no hydration warning');
      assert.deepEqual(hydrated.filter((m) => /^(error|warning|pageerror|response):/.test(m)), [], 'no error or warning');

      // Another tab (opened by this one, with a copy of its sessionStorage), server-rendered and hydrated.
      const [other] = await Promise.all([
        page.context().waitForEvent('page'),
        page.evaluate(() => { window.open('/protected'); }),
      ]);
      await other.getByTestId('user').waitFor();

      await page.getByRole('link', { name: 'Home' }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      // The other tab follows: signed out, its protected page sends it to sign in.
      await other.waitForURL((u) => u.href.startsWith(ctx.provider.issuer));
      await page.waitForURL((u) => u.href.startsWith(ctx.provider.issuer));
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL((u) => u.href.startsWith(ctx.app));
      await page.getByText('You are signed out.').waitFor();
      const stored = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('auth-wasm.session|')));
      assert.deepEqual(stored, [], 'the session is gone');
    } catch (error) {
      error.message += `\nbrowser console:\n${page.consoleMessages.join('\n')}\napp console:\n${appConsole.join('\n')}\nserver:\n${ctx.server.output()}`;
      throw error;
    } finally {
      await page.context().close();
    }
  });
});
