// The benchmark of one session per browser (issue 9), in headless Chromium against the local provider,
// with the app served cross-origin isolated so that performance.now() has 5 µs resolution. It prints
// numbers and does not assert timings: it fails only if something breaks (a cached-token call errors,
// a sign-in does not complete, the page is not cross-origin isolated).
//   1. cached-token call µs (mean over 1,000 calls timed as a whole; median of 1,000 calls timed one by
//      one), for the Rust API (`AuthClient::get_token` on the demo's hidden /bench page) and the npm
//      `getToken` (the plain-JS example page), with 1 cached token, 1,000 cached tokens, and 1,000
//      unrelated keys in sessionStorage;
//   2. renewal of an expired access token by 1 tab × 10 and 3 tabs (opened with window.open) × 10
//      concurrent getToken calls, the 3 tabs with the session in sessionStorage and in localStorage: the
//      refresh grants at the provider, the successful calls, and each tab's ms from the start of its calls
//      to the last one settling, with where that time went (the library's User Timing measures: waiting
//      for the cross-tab lock, for another tab's news, the request); then the 3 tabs sharing localStorage
//      again in a headed Chromium under Xvfb with two of them really in the background
//      (headed-browser.mjs), each tab's visibilityState beside its time (if that browser cannot start,
//      why, and the benchmark goes on);
//   3. library requests to the provider (discovery, JWKS, token, userinfo) for a cold and a warm sign-in;
// and whether the targets of issues 9 and 21 are met (printed, not enforced).
// Run from tests/ after `trunk build --release` and tests/build-npm.sh: node bench/session-bench.mjs
import { setTimeout as sleep } from 'node:timers/promises';

import {
  exampleUrl, launchBrowser, newPage, openFrom, refreshGrants, signInAtProvider, signInOnExample, startStack,
} from '../e2e/harness.mjs';
import { launchHeadedBrowser } from './headed-browser.mjs';

const CALLS = 1000;
// Loops of CALLS calls timed as a whole; the mean is the median of their means (as on the Rust page).
const RUNS = 5;
const API = ['api:read'];
// Access tokens of the refresh part live 8 s; a quarter of that before expiry they are due for renewal.
const TTL = 8;
const FRESH_MS = (TTL - TTL / 4) * 1000;
const UNTIL_DUE_MS = FRESH_MS + 1000;
// The User Timing measures (performance.measure) the library records in a tab for a renewal, summed per
// tab: the columns of the renewal tables.
const RENEWAL_PHASES = [
  ['lock', 'auth-wasm renewal: lock'], // waiting for the cross-tab Web Lock
  ['news', 'auth-wasm renewal: news'], // waiting for another tab's session news
  ['request', 'auth-wasm renewal: request'], // the token request (or the hidden iframe)
];
// Issue 21: 3 tabs × 10 calls at expiry, the slowest tab done within this.
const SLOWEST_TAB_TARGET_MS = 100;
// The renewal with tabs in the background: past this, it is reported as not made (a library whose waits
// count timer turns rather than time would take minutes in hidden tabs, whose timers run once a second).
const BACKGROUND_RUN_MAX_MS = 240_000;
const MAX_RUN_MS = 420_000;
const LIBRARY_ROUTES = ['discovery', 'jwks', 'token', 'userinfo'];

const example = exampleUrl;

class BenchError extends Error {}
function check(condition, message) {
  if (!condition) throw new BenchError(message);
}

/** The npm getToken on the example page (loaded afresh): mean and median µs of a cached-token call. */
async function timeNpm(page, stack) {
  await page.goto(example(stack));
  await page.getByText(/^Signed in as /).waitFor();
  const result = await page.evaluate(async ({ scopes, calls, runs }) => {
    let ok = 0;
    const errors = [];
    const call = async () => {
      try {
        await window.auth.getToken({ scopes });
        ok += 1;
      } catch (error) {
        errors.push(`${error?.code}: ${error?.message}`);
      }
    };
    // Warm-up (the engine optimises the code it runs often), as on the Rust page.
    for (let i = 0; i < calls; i += 1) await call();
    // The machine may be busy with other work: the mean is the median of several runs' means.
    const runMeans = [];
    for (let run = 0; run < runs; run += 1) {
      const start = performance.now();
      for (let i = 0; i < calls; i += 1) await call();
      runMeans.push(((performance.now() - start) * 1000) / calls);
    }
    const each = [];
    for (let i = 0; i < calls; i += 1) {
      const t0 = performance.now();
      await call();
      each.push(performance.now() - t0);
    }
    each.sort((a, b) => a - b);
    const sortedMeans = [...runMeans].sort((a, b) => a - b);
    return {
      calls, runs, calls_made: (runs + 2) * calls, ok, errors: errors.slice(0, 5), run_means_us: runMeans,
      mean_us: sortedMeans[Math.floor(runs / 2)], median_us: each[Math.floor(calls / 2)] * 1000,
      cross_origin_isolated: crossOriginIsolated,
    };
  }, { scopes: API, calls: CALLS, runs: RUNS });
  checkTimed('npm getToken', result);
  return result;
}

/** The Rust get_token on the demo's hidden /bench page: mean and median µs of a cached-token call. */
async function timeRust(page, stack) {
  await page.goto(`${stack.app}/bench?scopes=${encodeURIComponent(API.join(' '))}&calls=${CALLS}`);
  const bench = page.getByTestId('bench');
  await page.waitForFunction(() => document.querySelector('[data-testid=bench]')?.textContent, null, { timeout: 30_000 });
  const result = JSON.parse(await bench.innerText());
  check(!result.error, `the Rust bench page: ${result.error}`);
  checkTimed('Rust get_token', result);
  return result;
}

function checkTimed(what, result) {
  check(result.cross_origin_isolated === true, `${what}: the page is not cross-origin isolated`);
  check(result.errors.length === 0 && result.ok === result.calls_made,
    `${what}: ${result.calls_made - result.ok} of ${result.calls_made} calls failed: ${result.errors.join('; ')}`);
}

/** The stored session's key (sessionStorage), and how many access tokens it holds. */
function sessionInfo(page) {
  return page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('auth-wasm.session|'));
    return { key, tokens: key ? JSON.parse(sessionStorage.getItem(key)).access_tokens.length : 0 };
  });
}

/** Adds access tokens for other scopes (far-future expiry) to the stored session, up to `total`. */
async function fillCachedTokens(page, total) {
  const count = await page.evaluate((total) => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('auth-wasm.session|'));
    const session = JSON.parse(sessionStorage.getItem(key));
    const model = session.access_tokens[0];
    const asScopes = (scope) => (Array.isArray(model.scopes) ? [scope] : scope);
    const farFuture = Math.floor(Date.now() / 1000) + 10 * 365 * 86400;
    for (let i = 1; session.access_tokens.length < total; i += 1) {
      session.access_tokens.push({
        ...model,
        access_token: `bench-token-${i}`,
        scopes: asScopes(`api:bench-${i}`),
        requested: asScopes(`api:bench-${i}`),
        expires_at: farFuture,
      });
    }
    sessionStorage.setItem(key, JSON.stringify(session));
    return session.access_tokens.length;
  }, total);
  check(count === total, `the session holds ${count} access tokens, not ${total}`);
}

/** Adds (`count` > 0) or removes the app's own unrelated sessionStorage keys `app-key-N`. */
function setAppKeys(page, count) {
  return page.evaluate((count) => {
    for (const key of Object.keys(sessionStorage).filter((k) => k.startsWith('app-key-'))) sessionStorage.removeItem(key);
    for (let i = 0; i < count; i += 1) {
      sessionStorage.setItem(`app-key-${i}`, JSON.stringify({ id: i, note: `the app's own value number ${i}` }));
    }
    return sessionStorage.length;
  }, count);
}

/** The library's requests in the provider log (no navigations, no CORS preflights), by route. */
async function libraryRequests(stack) {
  const requests = (await stack.requests()).filter((r) => LIBRARY_ROUTES.includes(r.route) && r.method !== 'OPTIONS');
  const byRoute = {};
  for (const r of requests) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
  return { total: requests.length, byRoute };
}

/**
 * `count` concurrent getToken calls in `page`, timed in the page: 'ok' or the error for each call, the ms
 * from their start to the last one settling, when they started (ms since the epoch, comparable across
 * tabs), the page's visibilityState, and the ms of each renewal phase the library measured meanwhile
 * (absent when it measured none).
 */
function timedGetTokens(page, count) {
  return page.evaluate(async ({ scopes, count, phases }) => {
    performance.clearMeasures();
    const visibility = document.visibilityState;
    const start = performance.now();
    const results = await Promise.allSettled(Array.from({ length: count }, () => window.auth.getToken({ scopes })));
    const ms = performance.now() - start;
    const phaseMs = {};
    for (const measure of performance.getEntriesByType('measure')) {
      const phase = phases.find(([, name]) => name === measure.name)?.[0];
      if (phase) phaseMs[phase] = (phaseMs[phase] ?? 0) + measure.duration;
    }
    return {
      outcomes: results.map((r) => (r.status === 'fulfilled' ? 'ok' : `${r.reason?.code}: ${r.reason?.message}`)),
      ms,
      startedAt: performance.timeOrigin + start,
      // Both ends, should the tab come to the front (or leave it) during the calls.
      visibility: document.visibilityState === visibility ? visibility : `${visibility}→${document.visibilityState}`,
      phaseMs,
    };
  }, { scopes: API, count, phases: RENEWAL_PHASES });
}

/**
 * Waits until the access token is due, then `perTab` concurrent calls in each tab, all tabs at once (each
 * starts when the browser hands it its evaluation: `startSpreadMs` is how far apart that was). The refresh
 * grants are counted in the provider log.
 */
async function renewConcurrently(tabs, stack, perTab) {
  await sleep(UNTIL_DUE_MS);
  await stack.clearRequests();
  const timed = await Promise.all(tabs.map((tab) => timedGetTokens(tab, perTab)));
  const outcomes = timed.flatMap((t) => t.outcomes);
  const grants = await refreshGrants(stack);
  const presented = grants.map((g) => g.params.refresh_token);
  const starts = timed.map((t) => t.startedAt);
  return {
    calls: outcomes.length,
    ok: outcomes.filter((r) => r === 'ok').length,
    failures: [...new Set(outcomes.filter((r) => r !== 'ok'))],
    grants: grants.length,
    statuses: grants.map((g) => g.status),
    reused: presented.length - new Set(presented).size,
    tabs: timed.map(({ ms, visibility, phaseMs }) => ({ ms, visibility, phaseMs })),
    slowestMs: Math.max(...timed.map((t) => t.ms)),
    startSpreadMs: Math.max(...starts) - Math.min(...starts),
  };
}

/** Signs in on a first tab, opens two more from it with window.open, and renews in the three at once. */
async function renewInThreeTabs(first, stack) {
  await signInOnExample(first, stack);
  const tabs = [first, await openFrom(first, stack), await openFrom(first, stack)];
  return { tabs, renewal: await renewConcurrently(tabs, stack, 10) };
}

/**
 * The 3-tab renewal again in a headed Chromium under Xvfb, where each tab opened with window.open comes to
 * the front, so that the first two are in the background (each tab's visibilityState is recorded):
 * `{ renewal }`, or `{ failure }` saying why it was not made (this browser is an extra: the benchmark goes
 * on without it).
 */
async function renewWithTabsInBackground(stack) {
  let headed;
  try {
    headed = await launchHeadedBrowser();
    browsers.push(headed);
    headed.context.setDefaultTimeout(15_000);
    const [first] = headed.context.pages();
    const { renewal } = await within(BACKGROUND_RUN_MAX_MS, 'the renewal with tabs in the background',
      renewInThreeTabs(first, stack));
    return { renewal };
  } catch (error) {
    return { failure: error.message.split('\n')[0] };
  } finally {
    if (headed) {
      browsers.splice(browsers.indexOf(headed), 1);
      await headed.close();
    }
  }
}

/** `promise`, or an error once `ms` have passed. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const us = (value) => value.toFixed(2).padStart(8);
const msText = (value) => (value === undefined ? '-' : value.toFixed(1));
const verdict = (met, value) => (met ? `met (${value})` : `NOT met (${value})`);

/** A renewal's grants and calls, then a row per tab: its visibility, ms, and ms per renewal phase. */
function printRenewal(label, r) {
  console.log(`  ${label}: ${r.grants} refresh grant(s) (status ${r.statuses.join(', ') || '-'}`
    + `${r.reused ? `, ${r.reused} refresh token(s) presented twice` : ''}), ${r.ok} of ${r.calls} calls succeeded`
    + `${r.failures.length ? ` (failures: ${r.failures.join('; ')})` : ''}`);
  console.log(`    tab  ${'visibility'.padEnd(11)}${'ms'.padStart(9)}${RENEWAL_PHASES.map(([phase]) => phase.padStart(9)).join('')}`);
  r.tabs.forEach((tab, i) => {
    const phases = RENEWAL_PHASES.map(([phase]) => msText(tab.phaseMs[phase]).padStart(9)).join('');
    console.log(`    ${String(i + 1).padEnd(5)}${tab.visibility.padEnd(11)}${msText(tab.ms).padStart(9)}${phases}`);
  });
  if (r.tabs.length > 1) {
    console.log(`    slowest tab ${msText(r.slowestMs)} ms; the tabs' calls started within ${msText(r.startSpreadMs)} ms of each other`);
  }
}

/** Issue 21's targets for a 3-tab renewal. */
function printTabTargets(label, r) {
  const once = r.grants === 1 && r.ok === 30 && r.calls === 30;
  console.log(`  ${label}: 1 refresh grant and 30 of 30: ${verdict(once, `${r.grants} grant(s), ${r.ok} of ${r.calls}`)}`);
  console.log(`  ${label}: slowest tab ≤ ${SLOWEST_TAB_TARGET_MS} ms: `
    + `${verdict(r.slowestMs <= SLOWEST_TAB_TARGET_MS, `${msText(r.slowestMs)} ms`)}`);
}

// What to stop at the end, or when the deadline passes.
const stacks = [];
const browsers = [];
async function stopAll() {
  for (const browser of browsers.splice(0)) await browser.close().catch(() => {});
  for (const stack of stacks.splice(0)) await stack.stop().catch(() => {});
}

async function main() {
  try {
    const started = await Promise.allSettled([
      startStack(['--cross-origin-isolated']),
      startStack(['--cross-origin-isolated', '--access-token-ttl', String(TTL)]),
      startStack(['--cross-origin-isolated', '--access-token-ttl', String(TTL), '--cache-location', 'localStorage']),
    ]);
    for (const s of started) if (s.status === 'fulfilled') stacks.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [fast, expiring, expiringShared] = stacks;
    const browser = await launchBrowser();
    browsers.push(browser);
    const browserVersion = browser.version();

    // 3a. A cold sign-in: a fresh browser context, nothing cached.
    const page = await newPage(browser);
    await fast.clearRequests();
    await signInOnExample(page, fast);
    await sleep(300);
    const cold = await libraryRequests(fast);
    const isolated = await page.evaluate(() => crossOriginIsolated);
    check(isolated === true, 'the example page is not cross-origin isolated');

    // 1. Cached-token calls, in this tab, against the session of that sign-in.
    // One pass first, not counted: the browser caches compiled code across page loads, so that the
    // first load of each page would run slower code than the later ones.
    await timeRust(page, fast);
    await timeNpm(page, fast);
    const timings = {};
    timings.one = { rust: await timeRust(page, fast), npm: await timeNpm(page, fast) };
    const signInTokens = (await sessionInfo(page)).tokens;
    const storageKeys = await setAppKeys(page, CALLS);
    timings.appKeys = { rust: await timeRust(page, fast), npm: await timeNpm(page, fast) };
    await setAppKeys(page, 0);
    await fillCachedTokens(page, CALLS);
    timings.many = { rust: await timeRust(page, fast), npm: await timeNpm(page, fast) };
    check((await sessionInfo(page)).tokens === CALLS, `${CALLS} cached access tokens still stored after the runs`);

    // 3b. A warm sign-in: sign out, then sign in again in the same tab.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.href.startsWith(fast.issuer));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByText('Signed out', { exact: true }).waitFor();
    await fast.clearRequests();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signInAtProvider(page, fast, 'alice');
    await page.getByText(/^Signed in as /).waitFor();
    await sleep(300);
    const warm = await libraryRequests(fast);
    await page.context().close();

    // 2. Renewal of an expired access token: 1 tab × 10, then 3 tabs (window.open) × 10, sessionStorage;
    // then 3 tabs × 10 sharing localStorage. All tabs are visible here (headless, and playwright-core keeps
    // every page visible and unthrottled); then the 3 tabs again with two of them in the background.
    const first = await newPage(browser);
    await signInOnExample(first, expiring);
    const oneTab = await renewConcurrently([first], expiring, 10);
    const tabs = [first, await openFrom(first, expiring), await openFrom(first, expiring)];
    const threeTabs = { sessionStorage: await renewConcurrently(tabs, expiring, 10) };
    await first.context().close();
    threeTabs.localStorage = (await renewInThreeTabs(await newPage(browser), expiringShared)).renewal;
    // One browser at a time on this machine.
    browsers.splice(browsers.indexOf(browser), 1);
    await browser.close();
    // The tabs sharing localStorage: the case issue 21 measured.
    const background = await renewWithTabsInBackground(expiringShared);

    const rows = [
      ['Rust get_token', 'rust'],
      ['npm getToken', 'npm'],
    ];
    const cases = [
      ['1 cached token', 'one'],
      [`${CALLS.toLocaleString('en')} cached tokens`, 'many'],
      [`${CALLS.toLocaleString('en')} unrelated storage keys`, 'appKeys'],
    ];
    console.log(`auth-wasm session benchmark (headless Chromium ${browserVersion}; crossOriginIsolated: ${isolated})`);
    console.log(`cached-token call µs, after ${CALLS} calls of warm-up. mean: total / ${CALLS}, the median of ${RUNS} loops `
      + `(range in brackets); median: of ${CALLS} calls timed one by one (5 µs clock)`);
    console.log(`  ${''.padEnd(44)}    mean   median   (${RUNS} loops' means)`);
    for (const [label, api] of rows) {
      for (const [name, key] of cases) {
        const t = timings[key][api];
        const range = `${Math.min(...t.run_means_us).toFixed(2)}–${Math.max(...t.run_means_us).toFixed(2)}`;
        console.log(`  ${`${label}, ${name}`.padEnd(44)}${us(t.mean_us)} ${String(Math.round(t.median_us)).padStart(8)}   (${range})`);
      }
    }
    console.log(`  (1 cached token: the session as signed in, holding ${signInTokens}; unrelated keys: ${storageKeys} sessionStorage entries in all)`);
    console.log('renewal of an expired access token by concurrent getToken calls: refresh grants counted in the provider '
      + 'log; per tab, ms from the start of its calls to the last one settling, and of that, ms summed from the '
      + "library's User Timing measures (lock: waiting for the cross-tab Web Lock, news: for another tab's session "
      + 'news, request: the token request; -: none recorded)');
    printRenewal('1 tab × 10, sessionStorage', oneTab);
    for (const [location, r] of Object.entries(threeTabs)) printRenewal(`3 tabs (window.open) × 10, ${location}`, r);
    console.log('the 3 tabs sharing localStorage again, in a headed Chromium under Xvfb without the flags that keep '
      + 'background tabs unthrottled, each tab opened in front of the earlier ones: the first two in the background');
    if (background.renewal) {
      const r = background.renewal;
      printRenewal('3 tabs (window.open, 2 in the background) × 10, localStorage', r);
      const hidden = r.tabs.filter((tab) => tab.visibility === 'hidden').length;
      if (hidden !== 2) console.log(`    (${hidden} of the 3 tabs hidden throughout, not 2: not the figure of tabs in the background)`);
      if (r.grants > 1 && r.slowestMs > FRESH_MS) {
        console.log(`    (slower than the ${FRESH_MS / 1000} s a renewed token stays fresh with the bench's ${TTL} s lifetime: `
          + `calls still waiting found it due again, hence ${r.grants} grants)`);
      }
    } else {
      console.log(`  not made: ${background.failure}`);
    }
    const requestsLine = (label, r) => console.log(`  ${label}: ${r.total} (${Object.entries(r.byRoute).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
    console.log('library requests to the provider for a sign-in (discovery, jwks, token, userinfo; not navigations)');
    requestsLine('cold (fresh browser context)', cold);
    requestsLine('warm (sign out, then sign in again in the same tab)', warm);

    console.log('targets');
    for (const [label, api] of rows) {
      const one = timings.one[api].mean_us;
      const many = timings.many[api].mean_us;
      console.log(`  ${label} cached-token call ≤ 5 µs mean: ${verdict(one <= 5, `${one.toFixed(2)} µs`)}`);
      console.log(`  ${label} with ${CALLS} cached tokens ≤ 7.5 µs mean (1.5 × 5 µs): `
        + `${verdict(many <= 7.5, `${many.toFixed(2)} µs, ${(many / one).toFixed(2)}× the 1-token mean`)}`);
    }
    for (const [location, r] of Object.entries(threeTabs)) printTabTargets(`3 tabs × 10, ${location}`, r);
    if (background.renewal) printTabTargets('3 tabs × 10, 2 in the background, localStorage', background.renewal);
    console.log(`  warm sign-in 1 library request: ${verdict(warm.total === 1, `${warm.total}`)}`);
  } finally {
    await stopAll();
  }
}

const deadline = setTimeout(async () => {
  console.error(`session-bench: did not finish within ${MAX_RUN_MS / 1000} s`);
  await Promise.race([stopAll(), sleep(10_000)]);
  process.exit(1);
}, MAX_RUN_MS);
deadline.unref();
try {
  await main();
} catch (error) {
  console.error(`session-bench failed: ${error instanceof BenchError ? error.message : error.stack}`);
  process.exitCode = 1;
}
clearTimeout(deadline);
