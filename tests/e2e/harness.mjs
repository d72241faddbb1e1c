// Shared set-up of the end-to-end tests: the local stack (provider + app) as a child process, and
// headless Chromium through playwright-core. Everything binds 127.0.0.1, is stopped by PID, and is
// bounded in time.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

import { startStaticServer } from '../support/static-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const STACK = path.join(here, '..', 'support', 'stack.mjs');
const STACK_MAX_SECONDS = 600;
const START_TIMEOUT_MS = 20_000;

/** Starts provider + app on free ports; resolves once both listen. */
export async function startStack(extraArgs = []) {
  const child = spawn(process.execPath, [STACK, '--max-seconds', String(STACK_MAX_SECONDS), ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const urls = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack did not start in time: ${stderr}`)), START_TIMEOUT_MS);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('READY '.length)));
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`stack exited (${code}): ${stderr}`)); });
  });
  return {
    ...urls,
    /** What the provider received so far. */
    async requests() {
      return (await fetch(urls.requestLog)).json();
    },
    async clearRequests() {
      await fetch(urls.requestLog, { method: 'DELETE' });
    },
    /** The provider takes the next refresh grant, then loses its answer: `drop` closes the connection,
     * `hold` never answers. */
    async loseNextRefreshAnswer(mode) {
      await fetch(urls.requestLog.replace(/\/requests$/, `/lose-refresh-answers?mode=${mode}`), { method: 'POST' });
    },
    /** From now on, the provider's token endpoint never answers (each request is logged as 'hung'). */
    async hangTokenEndpoint() {
      await fetch(new URL('/hang-token-endpoint', urls.requestLog), { method: 'POST' });
    },
    /** What the demo API was asked (method, path, the token's scheme, whether a DPoP proof came, status,
     * error). */
    async apiRequests() {
      return (await fetch(`${urls.api}/test/requests`)).json();
    },
    /** What the API's other origin received (method, path, whether it came with `Authorization`). */
    async otherApiRequests() {
      return (await fetch(`${urls.otherApi}/test/requests`)).json();
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Debian's Chromium, or the one CHROMIUM names. */
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The flags Chromium needs on this machine (running as root, no network beyond 127.0.0.1). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The provider's dev pages import web fonts; a closed network would stall them.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/**
 * The flags of a test whose provider is on `localhost` (`--provider-host localhost`), another site than the
 * app on 127.0.0.1: that name resolves to 127.0.0.1 (nothing else beyond it does), and third-party cookies
 * are blocked, as browsers do by default or are moving to.
 */
export const CROSS_SITE_FLAGS = [
  ...CHROMIUM_FLAGS.filter((flag) => !flag.startsWith('--host-resolver-rules=')),
  '--host-resolver-rules=MAP localhost 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--test-third-party-cookie-phaseout',
];

/**
 * Headless Chromium with `flags`. Playwright turns the popup blocker off by default
 * (`--disable-popup-blocking`); `{ popupBlocker: true }` keeps it on, as in a user's browser: a
 * `window.open` then needs a recent click.
 */
export async function launchBrowser(flags = CHROMIUM_FLAGS, { popupBlocker = false } = {}) {
  return chromium.launch({
    executablePath: chromiumPath, headless: true, timeout: 30_000, args: flags,
    ...(popupBlocker ? { ignoreDefaultArgs: ['--disable-popup-blocking'] } : {}),
  });
}

/** A fresh page (own cookies and storage) with console errors collected for failure messages. */
export async function newPage(browser) {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.consoleMessages = [];
  page.on('console', (msg) => page.consoleMessages.push(`${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => page.consoleMessages.push(`pageerror: ${err.message}`));
  return page;
}

/** On the provider's dev login form: sign in as `user`, then grant consent if asked. */
export async function signInAtProvider(page, stack, user) {
  await page.waitForURL((url) => url.href.startsWith(stack.issuer));
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  await page.waitForURL((url) => url.href.startsWith(stack.app) || url.pathname.includes('/interaction/'));
  if (page.url().startsWith(stack.issuer)) {
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.waitForURL((url) => url.href.startsWith(stack.app));
}

/** Every sessionStorage and localStorage entry of the app's origin. */
export async function storedEntries(page) {
  return page.evaluate(() => {
    const all = {};
    for (const storage of [sessionStorage, localStorage]) {
      for (let i = 0; i < storage.length; i += 1) all[storage.key(i)] = storage.getItem(storage.key(i));
    }
    return all;
  });
}

/** The keys of stored entries that hold tokens or the signed-in account (the session). */
export function tokenKeys(entries) {
  return Object.keys(entries).filter((k) => k.startsWith('auth-wasm.session|'));
}

/** The stored session (account, ID token, refresh token, access tokens) as JSON, or null. */
export function storedSession(entries) {
  const key = tokenKeys(entries)[0];
  return key ? JSON.parse(entries[key]) : null;
}

/**
 * Starts a stack (with `stackArgs`) and a browser (with `browserFlags` and `browserOptions`, those of
 * `launchBrowser`) before the tests of the enclosing
 * `describe`, and stops both after them. The returned object holds `stack` and `browser` once started.
 */
export function useStackAndBrowser(stackArgs = [], browserFlags = CHROMIUM_FLAGS, browserOptions = {}) {
  const context = {};
  before(async () => {
    context.stack = await startStack(stackArgs);
    context.browser = await launchBrowser(browserFlags, browserOptions);
  });
  after(async () => {
    await context.browser?.close();
    await context.stack?.stop();
  });
  return context;
}

/** Where the apps of one's own (tests/apps/build-apps.sh) are built: target/apps/<name>. */
export const builtApp = (name) => path.join(here, '..', '..', 'target', 'apps', name);

/**
 * Serves each of `apps` (startStaticServer's options: `root`, `page`) on an origin of its own, then starts
 * the stack for those origins (`--app-origin`) on the ports those apps are built for, the README's (the
 * provider at http://127.0.0.1:8600, the demo API at 8601), and a browser. The returned object holds, once
 * started, `apps`: for each app the stack with `app` its origin (what signInAtProvider reads), and `browser`.
 */
export function useOwnAppsAndBrowser(apps) {
  const context = {};
  let servers = [];
  let stack;
  before(async () => {
    servers = await Promise.all(apps.map((app) => startStaticServer(app)));
    const origins = servers.flatMap((server) => ['--app-origin', server.origin]);
    // Bearer tokens whatever AUTH_TEST_DPOP says: the apps are configured as the README's, without DPoP.
    stack = await startStack([...origins, '--op-port', '8600', '--api-port', '8601', '--no-dpop']);
    context.apps = servers.map((server) => ({ ...stack, app: server.origin }));
    context.browser = await launchBrowser();
  });
  after(async () => {
    await context.browser?.close();
    await stack?.stop();
    await Promise.all(servers.map((server) => server.close()));
  });
  return context;
}

/** Runs `body(page)` in a fresh browser context, adding the page's console to a failure. */
export async function withPage(browser, body) {
  const page = await newPage(browser);
  try {
    await body(page);
  } catch (error) {
    error.message += `\nbrowser console:\n${page.consoleMessages.join('\n')}`;
    throw error;
  } finally {
    await page.context().close();
  }
}

/** The plain-JS example page of the npm package. */
export const exampleUrl = (stack) => `${stack.app}/js-example/`;

/** Signs `user` in on the plain-JS example page of `page`. */
export async function signInOnExample(page, stack, user = 'alice') {
  await page.goto(exampleUrl(stack));
  await page.getByText('Signed out', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await signInAtProvider(page, stack, user);
  await page.getByText(/^Signed in as /).waitFor();
}

/** A tab opened by `opener` with window.open (it starts with a copy of the opener's sessionStorage). */
export async function openFrom(opener, stack) {
  const [page] = await Promise.all([
    opener.context().waitForEvent('page'),
    opener.evaluate((url) => { window.open(url); }, exampleUrl(stack)),
  ]);
  await page.getByText(/^Signed in as /).waitFor();
  return page;
}

/** The refresh-token grants the provider received (their tokens as fingerprints). */
export async function refreshGrants(stack) {
  return (await stack.requests()).filter((r) => r.route === 'token' && r.params.grant_type === 'refresh_token');
}
