// One session per browser: several tabs of one browser context against the local provider, whose refresh
// tokens rotate and whose reuse detection revokes the whole grant when a used refresh token comes back.
// Tabs renew once, follow each other's sign-in, sign-out and account switch, and a new tab starts signed
// in, in both cache locations.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import {
  exampleUrl, newPage, openFrom, refreshGrants, signInAtProvider, signInOnExample, storedEntries, useStackAndBrowser,
} from './harness.mjs';

// Access tokens live 8 s; a quarter of that before expiry they are due for renewal.
const TTL = 8;
const UNTIL_DUE_MS = (TTL - TTL / 4 + 1) * 1000;
const API = ['api:read'];

const example = exampleUrl;

/** Another tab of the same browser, on the example page, once it shows someone signed in. */
async function openTab(context, stack) {
  const page = await context.newPage();
  await page.goto(example(stack));
  await page.getByText(/^Signed in as /).waitFor();
  return page;
}

/** `count` concurrent getToken calls in `page`: 'ok' or the error's code and message for each. */
function getTokens(page, scopes, count) {
  return page.evaluate(async ({ scopes, count }) => {
    const results = await Promise.allSettled(Array.from({ length: count }, () => window.auth.getToken({ scopes })));
    return results.map((r) => (r.status === 'fulfilled' ? 'ok' : `${r.reason?.code}: ${r.reason?.message}`));
  }, { scopes, count });
}

function sessionKeys(entries) {
  return Object.keys(entries).filter((k) => k.startsWith('auth-wasm.session|'));
}

/** Signs out in a first tab and checks that the two others follow within 2 s and keep no token. */
async function signOutIsFollowed(browser, stack, openOthers) {
  const a = await newPage(browser);
  try {
    await signInOnExample(a, stack);
    const others = await openOthers(a);
    await a.getByRole('button', { name: 'Sign out' }).click();
    for (const tab of others) {
      await tab.getByText('Signed out', { exact: true }).waitFor({ timeout: 2000 });
      assert.deepEqual(sessionKeys(await storedEntries(tab)), [], 'no session left in the tab');
      assert.match(await tab.locator('#events').innerText(), /signedOut/);
    }
  } finally {
    await a.context().close();
  }
}

/** The silent (iframe) sign-ins the provider received. */
async function silentSignIns(stack) {
  return (await stack.requests()).filter((r) => r.route === 'authorization' && r.params.prompt === 'none');
}

/** The refresh tokens presented so far (fingerprints), waiting up to 5 s for the first. */
async function presentedSoFar(stack) {
  for (let i = 0; i < 50; i += 1) {
    const presented = (await refreshGrants(stack)).map((g) => g.params.refresh_token);
    if (presented.length > 0) return presented;
    await sleep(100);
  }
  return [];
}

/** After the answer to the refresh that presented `lost` was lost: `tab` got its token from one silent
 * sign-in, `lost` was presented once and no other token was, and the grant is intact (the next renewal's
 * refresh works, with another token). */
async function renewedWithoutPresentingAgain(tab, stack, lost) {
  assert.deepEqual((await refreshGrants(stack)).map((g) => g.params.refresh_token), [lost], 'presented once');
  assert.equal((await silentSignIns(stack)).length, 1, 'one silent sign-in in its place');
  await sleep(UNTIL_DUE_MS);
  await stack.clearRequests();
  assert.deepEqual(await getTokens(tab, API, 1), ['ok']);
  const next = await refreshGrants(stack);
  assert.equal(next.length, 1);
  assert.equal(next[0].status, 200, `the grant is intact: ${next[0].error}`);
  assert.notEqual(next[0].params.refresh_token, lost);
}

/** Tab A's refresh is taken by the provider, and A is closed before the answer comes; `openOther` opens
 * tab B from A first. B must not present that refresh token, and renews silently with the grant intact. */
async function tabClosedWhileRefreshing(browser, stack, openOther) {
  const a = await newPage(browser);
  const context = a.context();
  try {
    await signInOnExample(a, stack);
    const b = await openOther(a);
    await sleep(UNTIL_DUE_MS);
    await stack.clearRequests();
    await stack.loseNextRefreshAnswer('hold');
    await a.evaluate(() => { window.auth.getToken({ scopes: ['api:read'] }).catch(() => {}); });
    const [lost] = await presentedSoFar(stack);
    assert.ok(lost, 'tab A presented its refresh token');
    await a.close();
    assert.deepEqual(await getTokens(b, API, 1), ['ok'], 'tab B gets a token');
    await renewedWithoutPresentingAgain(b, stack, lost);
  } finally {
    await context.close();
  }
}

/**
 * Signs out in a first tab, then asks the two others for a token through the client (not storage): each
 * answers that the user is needed, and nothing reaches the token endpoint.
 */
async function signedOutTabsGiveNoToken(browser, stack, openOthers) {
  const a = await newPage(browser);
  try {
    await signInOnExample(a, stack);
    const others = await openOthers(a);
    for (const tab of others) assert.deepEqual(await getTokens(tab, API, 1), ['ok'], 'a token before the sign-out');
    await a.getByRole('button', { name: 'Sign out' }).click();
    for (const tab of others) await tab.locator('#events').getByText('signedOut').first().waitFor({ timeout: 2000 });
    await stack.clearRequests();
    for (const [name, tab] of [['B', others[0]], ['C', others[1]]]) {
      const [result] = await getTokens(tab, API, 1);
      assert.match(result, /^interaction_required: /, `tab ${name} gives no token after the sign-out: ${result}`);
    }
    const tokenRequests = (await stack.requests()).filter((r) => r.route === 'token');
    assert.deepEqual(tokenRequests, [], 'nothing was sent to the token endpoint');
  } finally {
    await a.context().close();
  }
}

async function threeTabsTenCallsEach(tabs, stack) {
  await sleep(UNTIL_DUE_MS);
  await stack.clearRequests();
  const results = (await Promise.all(tabs.map((tab) => getTokens(tab, API, 10)))).flat();
  const grants = await refreshGrants(stack);
  assert.deepEqual(results.filter((r) => r !== 'ok'), [], 'every call got a token');
  assert.equal(results.length, 30);
  assert.equal(grants.length, 1, `one refresh grant for 30 calls in 3 tabs: ${JSON.stringify(grants)}`);
  assert.equal(grants[0].status, 200);

  // The grant is intact: the next renewal works too, again once.
  await sleep(UNTIL_DUE_MS);
  await stack.clearRequests();
  assert.deepEqual(await getTokens(tabs[2], API, 3), ['ok', 'ok', 'ok']);
  const next = await refreshGrants(stack);
  assert.equal(next.length, 1);
  assert.equal(next[0].status, 200, `the rotated refresh token still works: ${next[0].error}`);
  assert.notEqual(next[0].params.refresh_token, grants[0].params.refresh_token, 'the rotated one was presented');
}

describe('tabs sharing localStorage', { timeout: 240_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(TTL), '--cache-location', 'localStorage']);

  it('3 tabs × 10 concurrent calls on an expired token: one refresh grant, 30 of 30, the grant intact', async () => {
    const { stack, browser } = ctx;
    const first = await newPage(browser);
    try {
      await signInOnExample(first, stack);
      const tabs = [first, await openTab(first.context(), stack), await openTab(first.context(), stack)];
      await threeTabsTenCallsEach(tabs, stack);
    } finally {
      await first.context().close();
    }
  });

  it('a new tab shows the user at once, with no request to the provider', async () => {
    const { stack, browser } = ctx;
    const first = await newPage(browser);
    try {
      await signInOnExample(first, stack);
      await stack.clearRequests();
      const tab = await first.context().newPage();
      const navigations = [];
      tab.on('framenavigated', (frame) => { if (frame === tab.mainFrame()) navigations.push(frame.url()); });
      await tab.goto(stack.app);
      await tab.getByTestId('nav-user').waitFor({ timeout: 5000 });
      assert.equal(await tab.getByTestId('nav-user').innerText(), 'Alice Example');
      assert.deepEqual(navigations.filter((u) => u.startsWith(stack.issuer)), [], 'no top-level visit to the provider');
      assert.deepEqual(await stack.requests(), [], 'no provider request at all');
    } finally {
      await first.context().close();
    }
  });

  it('sign-out in tab A signs out tabs B and C within 2 s, and they hold no token', () => signOutIsFollowed(
    ctx.browser, ctx.stack, async (a) => [await openTab(a.context(), ctx.stack), await openTab(a.context(), ctx.stack)],
  ));

  it('after sign-out in tab A, tabs B and C asked for a token answer interaction_required and send nothing to the token endpoint', () => signedOutTabsGiveNoToken(
    ctx.browser, ctx.stack, async (a) => [await openTab(a.context(), ctx.stack), await openTab(a.context(), ctx.stack)],
  ));

  it('a session issued for another client, sent on the channel or written under our key, is not taken', async () => {
    const { stack, browser } = ctx;
    const a = await newPage(browser);
    try {
      await signInOnExample(a, stack);
      const b = await openTab(a.context(), stack);
      // Alice's session as mallory's, for another client, at a newer revision: what a buggy second app on
      // the origin could send on our channel and write under our key.
      await a.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('auth-wasm.session|'));
        const session = JSON.parse(localStorage.getItem(key));
        Object.assign(session.account.claims, { aud: 'another-app', sub: 'mallory', name: 'Mallory' });
        session.account.home_account_id = 'mallory';
        session.revision += 5;
        const channel = new BroadcastChannel(key.replace('auth-wasm.session|', 'auth-wasm.tabs|'));
        channel.postMessage(JSON.stringify({
          type: 'session', session, revision: String(session.revision), last: null, signed_in: true,
        }));
        channel.close();
        session.revision += 5;
        localStorage.setItem(key, JSON.stringify(session));
      });
      await sleep(500);
      assert.match(await b.getByText(/^Signed in as /).innerText(), /alice/, 'tab B still shows alice');
      assert.deepEqual(await getTokens(b, API, 1), ['ok'], 'and gets her tokens');
      assert.doesNotMatch(await b.locator('#events').innerText(), /Mallory|mallory/);
    } finally {
      await a.context().close();
    }
  });
  it('a refresh whose answer was lost is never presented again: the next renewal signs in silently, and the grant survives', async () => {
    const { stack, browser } = ctx;
    const a = await newPage(browser);
    try {
      await signInOnExample(a, stack);
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      await stack.loseNextRefreshAnswer('drop');
      const [first] = await getTokens(a, API, 1);
      assert.match(first, /^network_error: /, 'the call whose answer was lost fails with the network error');
      const [lost] = await presentedSoFar(stack);
      assert.deepEqual(await getTokens(a, API, 1), ['ok'], 'the next call gets a token');
      const b = await openTab(a.context(), stack);
      assert.deepEqual(await getTokens(b, API, 1), ['ok'], 'and so does another tab');
      await renewedWithoutPresentingAgain(b, stack, lost);
    } finally {
      await a.context().close();
    }
  });

  it('a tab closed while its refresh request is in flight: another tab never presents that token, and the grant survives', () => tabClosedWhileRefreshing(
    ctx.browser, ctx.stack, (a) => openTab(a.context(), ctx.stack),
  ));

  it('a maximal revision or an older session, sent on the channel or written to storage, is refused; tabs keep following each other', async () => {
    const { stack, browser } = ctx;
    const a = await newPage(browser);
    try {
      await signInOnExample(a, stack);
      const b = await openTab(a.context(), stack);
      const old = await a.evaluate(() => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('auth-wasm.session|'));
        return localStorage.getItem(key);
      });
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      assert.deepEqual(await getTokens(a, API, 1), ['ok'], 'a renews and rotates the refresh token');
      const [rotatedAway] = await presentedSoFar(stack);
      // What a buggy second app on the origin, or an extension, could send and write: the older session
      // (its refresh token rotated away) at a newer revision, and revisions at the top of the range.
      await a.evaluate((old) => {
        const key = Object.keys(localStorage).find((k) => k.startsWith('auth-wasm.session|'));
        const revisionKey = key.replace('auth-wasm.session|', 'auth-wasm.revision|');
        const channel = new BroadcastChannel(key.replace('auth-wasm.session|', 'auth-wasm.tabs|'));
        const current = JSON.parse(localStorage.getItem(key));
        const older = { ...JSON.parse(old), revision: current.revision + 1 };
        const post = (session, revision) => channel.postMessage(JSON.stringify({
          type: 'session', session, revision: String(revision), last: null, signed_in: false,
        }));
        post(older, older.revision);
        localStorage.setItem(key, JSON.stringify(older));
        post(current, '18446744073709551615');
        post(current, 2 ** 53 - 1);
        localStorage.setItem(revisionKey, `${2 ** 53 - 1} in`);
        channel.close();
      }, old);
      await sleep(500);
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      assert.deepEqual(await getTokens(b, API, 1), ['ok'], 'tab B renews');
      const grants = await refreshGrants(stack);
      assert.equal(grants.length, 1);
      assert.notEqual(grants[0].params.refresh_token, rotatedAway, 'not with the refresh token rotated away');
      assert.equal(grants[0].status, 200, grants[0].error);
      await a.getByRole('button', { name: 'Sign out' }).click();
      await b.getByText('Signed out', { exact: true }).waitFor({ timeout: 2000 });
    } finally {
      await a.context().close();
    }
  });
});

describe('tabs with the default sessionStorage', { timeout: 300_000 }, () => {
  const ctx = useStackAndBrowser(['--access-token-ttl', String(TTL)]);

  it('3 tabs opened with window.open × 10 calls: one refresh grant, 30 of 30, the grant intact', async () => {
    const { stack, browser } = ctx;
    const first = await newPage(browser);
    try {
      await signInOnExample(first, stack);
      const tabs = [first, await openFrom(first, stack), await openFrom(first, stack)];
      await threeTabsTenCallsEach(tabs, stack);
    } finally {
      await first.context().close();
    }
  });

  it('one tab, two scope sets renewing at once: both succeed, no refresh token presented twice', async () => {
    const { stack, browser } = ctx;
    const page = await newPage(browser);
    try {
      await signInOnExample(page, stack);
      assert.deepEqual(await getTokens(page, ['openid', 'profile'], 1), ['ok'], 'a token for no API');
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      const results = await page.evaluate(async () => {
        const calls = [['api:read'], ['openid', 'profile'], ['api:read'], ['openid', 'profile']]
          .map((scopes) => window.auth.getToken({ scopes }));
        const settled = await Promise.allSettled(calls);
        return settled.map((r) => (r.status === 'fulfilled' ? 'ok' : `${r.reason?.code}: ${r.reason?.message}`));
      });
      assert.deepEqual(results, ['ok', 'ok', 'ok', 'ok']);
      const presented = (await refreshGrants(stack)).map((g) => g.params.refresh_token);
      assert.equal(presented.length, 2, 'one renewal per scope set');
      assert.equal(new Set(presented).size, presented.length, `no refresh token presented twice: ${presented}`);
      for (const grant of await refreshGrants(stack)) assert.equal(grant.status, 200, grant.error);
    } finally {
      await page.context().close();
    }
  });

  it('a tab restored with an old copy of the session takes the newest one and never presents the old refresh token', async () => {
    const { stack, browser } = ctx;
    const a = await newPage(browser);
    try {
      await signInOnExample(a, stack);
      const b = await openFrom(a, stack);
      // What b's sessionStorage holds now; it will be put back later, as if b had been discarded or
      // gone back in history and missed what happened meanwhile.
      const old = await b.evaluate(() => Object.fromEntries(Object.entries(sessionStorage)));
      await sleep(UNTIL_DUE_MS);
      await stack.clearRequests();
      assert.deepEqual(await getTokens(a, API, 1), ['ok'], 'a renews and rotates the refresh token');
      await b.evaluate((entries) => {
        for (const [key, value] of Object.entries(entries)) sessionStorage.setItem(key, value);
      }, old);
      await b.reload();
      await b.getByText(/^Signed in as /).waitFor();
      await sleep(UNTIL_DUE_MS);
      assert.deepEqual(await getTokens(b, API, 3), ['ok', 'ok', 'ok'], 'b renews with the newest refresh token');
      const grants = await refreshGrants(stack);
      const presented = grants.map((g) => g.params.refresh_token);
      assert.equal(new Set(presented).size, presented.length, `no refresh token presented twice: ${presented}`);
      for (const grant of grants) assert.equal(grant.status, 200, grant.error);
      assert.deepEqual(await getTokens(a, API, 1), ['ok'], 'the grant is intact for a too');
    } finally {
      await a.context().close();
    }
  });

  it('a tab closed while its refresh request is in flight: a tab opened from it, with a copy of its sessionStorage, never presents that token', () => tabClosedWhileRefreshing(
    ctx.browser, ctx.stack, (a) => openFrom(a, ctx.stack),
  ));

  it('a scope not granted at sign-in ends in interaction required (or a token), never an error', async () => {
    const { stack, browser } = ctx;
    const page = await newPage(browser);
    try {
      await signInOnExample(page, stack);
      const [result] = await getTokens(page, ['openid', 'email'], 1);
      assert.match(result, /^(ok|interaction_required: )/, result);
      // The session is intact: the API token still comes.
      assert.deepEqual(await getTokens(page, API, 1), ['ok']);
    } finally {
      await page.context().close();
    }
  });

  it('sign-out in tab A signs out tabs B and C within 2 s, and they hold no token', () => signOutIsFollowed(
    ctx.browser, ctx.stack, async (a) => [await openTab(a.context(), ctx.stack), await openFrom(a, ctx.stack)],
  ));

  it('after sign-out in tab A, tabs B and C asked for a token answer interaction_required and send nothing to the token endpoint', () => signedOutTabsGiveNoToken(
    ctx.browser, ctx.stack, async (a) => [await openTab(a.context(), ctx.stack), await openFrom(a, ctx.stack)],
  ));

  it('a new tab starts signed in from an open tab, and follows a switch to bob', async () => {
    const { stack, browser } = ctx;
    const a = await newPage(browser);
    try {
      await a.goto(stack.app);
      await a.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).click();
      await signInAtProvider(a, stack, 'alice');
      await a.getByText('You are signed in.').waitFor();

      const b = await a.context().newPage();
      const navigations = [];
      b.on('framenavigated', (frame) => { if (frame === b.mainFrame()) navigations.push(frame.url()); });
      await b.goto(stack.app);
      await b.getByText('You are signed in.').waitFor({ timeout: 5000 });
      assert.equal(await b.getByTestId('nav-user').innerText(), 'Alice Example');
      assert.deepEqual(navigations.filter((u) => u.startsWith(stack.issuer)), [], 'no top-level visit to the provider');

      await a.getByRole('button', { name: 'Switch account' }).click();
      await signInAtProvider(a, stack, 'bob');
      await a.getByText('You are signed in.').waitFor();
      assert.equal(await a.getByTestId('nav-user').innerText(), 'Bob Example');

      await b.getByTestId('nav-user').getByText('Bob Example').waitFor({ timeout: 2000 });
      await b.getByRole('link', { name: 'Call API' }).click();
      await b.getByRole('button', { name: 'Call the orders API' }).click();
      await b.getByTestId('api-user').waitFor();
      assert.equal(await b.getByTestId('api-user').innerText(), 'Orders of bob');
    } finally {
      await a.context().close();
    }
  });
});
