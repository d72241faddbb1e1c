// Sign-in and token requests in a popup window (issue 22), in headless Chromium with its popup blocker
// on (Playwright turns it off by default): a window opens only from a recent click. The popup lands on
// the static popup-callback.html, which hands the provider's answer to the app's page over a
// BroadcastChannel and closes; the app's page exchanges the code. With COOP same-origin the app's page
// loses its handle on the window once it reaches the provider: a close is unknown there, and the
// popup's timeout (5 s here, `--popup-timeout`) ends the call.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CHROMIUM_FLAGS, storedEntries, storedSession, useStackAndBrowser, withPage } from './harness.mjs';

const POPUP_BLOCKER_ON = { popupBlocker: true };
const POPUP_TIMEOUT_SECS = 5;

/** The banner's "Sign in with a popup" button. */
const popupButton = (page) => page.getByRole('banner').getByRole('button', { name: 'Sign in with a popup' });

/** Clicks `button` and returns the window it opens. */
async function clickForPopup(page, button) {
  const [popup] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
  return popup;
}

/** In the popup, on the provider's pages: sign in as `user` (and consent if asked), then wait for the
 * landing page to close the window. */
async function signInInPopup(popup, stack, user) {
  await popup.waitForURL((url) => url.href.startsWith(stack.issuer));
  await popup.locator('input[name=login]').fill(user);
  await popup.locator('input[name=password]').fill('any password');
  const closed = popup.waitForEvent('close', { timeout: 15_000 });
  await popup.locator('button[type=submit]').click();
  // The provider asks for consent the first time; the landing page then closes the window.
  const consent = popup.getByRole('button', { name: 'Continue' });
  await Promise.race([closed, consent.click({ timeout: 15_000 }).catch(() => {})]);
  await closed;
}

/** The code exchanges the provider received. */
async function codeExchanges(stack) {
  return (await stack.requests()).filter((r) => r.route === 'token' && r.params.grant_type === 'authorization_code');
}

/** Goes to the app's home page, signed out. */
async function signedOutHome(page, stack) {
  await page.goto(stack.app);
  await page.getByText('You are signed out.').waitFor();
}

/** Signs `user` in with a popup from the home page of `page`. */
async function popupSignIn(page, stack, user = 'alice') {
  const popup = await clickForPopup(page, popupButton(page));
  await signInInPopup(popup, stack, user);
  await page.getByText('You are signed in.').waitFor();
}

/** The error the home page shows: its code and text. */
async function shownError(page) {
  const error = page.getByTestId('error');
  await error.waitFor().catch(async (e) => { e.message += `\npage: ${await page.locator('main').innerText()}`; throw e; });
  return { code: await error.getAttribute('data-code'), text: await error.innerText() };
}

describe('popup sign-in with the popup blocker on', { timeout: 180_000 }, () => {
  const ctx = useStackAndBrowser([], CHROMIUM_FLAGS, POPUP_BLOCKER_ON);

  it('popup sign-in returns to the same page state: a typed-in field survives, and the popup never loads the app', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(`${stack.app}/tokens`);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await page.locator('input[name=scopes]').fill('typed by the user');
    await page.evaluate(() => { window.notReloaded = true; });
    await stack.clearRequests();

    const popup = await clickForPopup(page, popupButton(page));
    const popupRequests = [];
    popup.on('request', (request) => popupRequests.push(request.url()));
    await signInInPopup(popup, stack, 'alice');

    await page.getByTestId('nav-user').getByText('Alice Example').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('input[name=scopes]').inputValue(), 'typed by the user');
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    assert.equal(new URL(page.url()).pathname, '/tokens');
    assert.equal(popup.isClosed(), true, 'the popup is closed');
    assert.deepEqual(popupRequests.filter((url) => url.startsWith(stack.app) && !url.includes('/popup-callback.html?')), [],
      'the popup loaded nothing of the app but its landing page');

    const authorize = (await stack.requests()).filter((r) => r.route === 'authorization');
    assert.equal(authorize[0].params.redirect_uri, `${stack.app}/popup-callback.html`);
    const exchanges = await codeExchanges(stack);
    assert.equal(exchanges.length, 1, 'one code exchange');
    assert.equal(exchanges[0].origin, stack.app, "made by the app's page");
    assert.equal(storedSession(await storedEntries(page)).account.home_account_id, `alice.${stack.issuer}`);
  }));

  it('popup token for a scope not granted at sign-in, from a later click', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    await popupSignIn(page, stack, 'alice');
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.locator('input[name=scopes]').fill('openid email');
    await page.getByRole('button', { name: 'Get token', exact: true }).click();
    await page.getByTestId('sign-in-required').waitFor();

    // The token call was awaited: the popup opens from the next click.
    const popup = await clickForPopup(page, page.getByRole('button', { name: 'Get it in a popup' }));
    const closed = popup.waitForEvent('close', { timeout: 15_000 });
    await popup.waitForURL((url) => url.href.startsWith(stack.issuer));
    // alice is signed in at the provider: it asks only for consent to the new scope.
    await popup.getByRole('button', { name: 'Continue' }).click();
    await closed;
    await page.getByTestId('token-summary').getByText('1 of 1 succeeded').waitFor({ timeout: 5000 });
    const authorize = (await stack.requests()).filter((r) => r.route === 'authorization').at(-1);
    assert.ok(authorize.params.scope.split(' ').includes('email'), authorize.params.scope);
    assert.equal(await page.getByTestId('nav-user').innerText(), 'Alice Example');
  }));

  it('the user closes the popup: popup_closed within 2 s, and the next call works', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    const popup = await clickForPopup(page, popupButton(page));
    await popup.waitForURL((url) => url.href.startsWith(stack.issuer));
    await popup.locator('input[name=login]').waitFor();
    // A user reads the page before closing it. The library tells a close from COOP's lost handle by having
    // seen the window on the provider's origin, reading the handle every 100 ms; a close within one such
    // interval of the page appearing is, as the README says, taken as COOP's (the timeout ends it).
    await popup.waitForTimeout(400);
    const started = Date.now();
    await popup.close();
    const error = await shownError(page);
    const elapsed = Date.now() - started;
    assert.equal(error.code, 'popup_closed', error.text);
    assert.ok(elapsed < 2000, `popup_closed after ${elapsed} ms`);

    await popupSignIn(page, stack, 'alice');
    assert.equal(await page.getByTestId('nav-user').innerText(), 'Alice Example');
  }));

  it('the provider answers access_denied in the popup', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    await stack.clearRequests();
    const popup = await clickForPopup(page, popupButton(page));
    await popup.waitForURL((url) => url.href.startsWith(stack.issuer));
    const closed = popup.waitForEvent('close', { timeout: 15_000 });
    await popup.getByRole('link', { name: '[ Cancel ]' }).click();
    await closed;
    const error = await shownError(page);
    assert.equal(error.code, 'access_denied', error.text);
    assert.deepEqual(await codeExchanges(stack), [], 'nothing to exchange');
    assert.equal(await page.getByText('You are signed out.').count(), 1);
  }));

  it('a popup attempt without user activation (not from a click, not within seconds of one) gives popup_blocked', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    const opened = [];
    page.context().on('page', (p) => opened.push(p));
    // A click made by a script carries no user activation; nor does one made more than the browser's 5 s
    // of transient activation after the user's last click. (A script that Playwright runs counts as a
    // click: the page's own timer makes this one, 6 s later.)
    const scriptClick = () => page.evaluate(() => setTimeout(() => {
      [...document.querySelectorAll('button')].find((b) => b.textContent === 'Sign in with a popup').click();
    }, 6000));
    await scriptClick();
    await page.waitForTimeout(6500);
    let error = await shownError(page);
    assert.equal(error.code, 'popup_blocked', error.text);
    assert.match(error.text, /click/);
    await page.getByRole('button', { name: 'Sign in by redirect instead' }).waitFor();

    await page.locator('h1').click();
    await page.evaluate(() => document.querySelector('[data-testid=error]').removeAttribute('data-code'));
    await scriptClick();
    await page.waitForFunction(() => document.querySelector('[data-testid=error]')?.dataset.code === 'popup_blocked', null, { timeout: 10_000 });
    error = await shownError(page);
    assert.equal(error.code, 'popup_blocked', error.text);
    assert.equal(opened.length, 0, 'no window opened');
  }));

  it('two clicks while a popup is open give one window and one sign-in', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    await stack.clearRequests();
    const opened = [];
    page.context().on('page', (p) => opened.push(p));
    const popup = await clickForPopup(page, popupButton(page));
    await popup.waitForURL((url) => url.href.startsWith(stack.issuer));
    await popupButton(page).click();
    await signInInPopup(popup, stack, 'alice');
    await page.getByText('You are signed in.').waitFor();
    assert.equal(opened.length, 1, 'one window');
    assert.equal((await codeExchanges(stack)).length, 1, 'one sign-in');
    assert.equal((await stack.requests()).filter((r) => r.route === 'authorization').length, 1);
    assert.equal(await page.getByTestId('error').count(), 0, 'the second call shared the outcome: no "in progress" failure');
  }));

  it('a reload of the page mid-flow leaves nothing behind that blocks the next sign-in', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    const first = await clickForPopup(page, popupButton(page));
    await first.waitForURL((url) => url.href.startsWith(stack.issuer));
    const abandoned = first.url();
    await page.reload();
    await page.getByText('You are signed out.').waitFor();
    assert.deepEqual(Object.keys(await storedEntries(page)).filter((k) => k.startsWith('auth-wasm.tx.')), [],
      'a popup keeps its transaction in memory only');

    // The window left open is the popup's, by name: the next sign-in takes it over (or opens another).
    const next = page.context().waitForEvent('page', { timeout: 5000 }).catch(() => first);
    await popupButton(page).click();
    const popup = await next;
    await popup.waitForURL((url) => url.href.startsWith(stack.issuer) && url.href !== abandoned);
    await signInInPopup(popup, stack, 'alice');
    await page.getByText('You are signed in.').waitFor();
  }));

  it('select_account in a popup switches to bob, the other tab follows, and alice\'s tokens are gone', () => withPage(ctx.browser, async (a) => {
    const { stack } = ctx;
    await signedOutHome(a, stack);
    await popupSignIn(a, stack, 'alice');
    const b = await a.context().newPage();
    await b.goto(stack.app);
    await b.getByTestId('nav-user').getByText('Alice Example').waitFor({ timeout: 5000 });

    const popup = await clickForPopup(a, a.getByRole('button', { name: 'Pick another account in a popup' }));
    await signInInPopup(popup, stack, 'bob');
    await a.getByTestId('nav-user').getByText('Bob Example').waitFor({ timeout: 5000 });
    await b.getByTestId('nav-user').getByText('Bob Example').waitFor({ timeout: 2000 });
    const authorize = (await stack.requests()).filter((r) => r.route === 'authorization').at(-1);
    assert.equal(authorize.params.prompt, 'select_account');
    const session = storedSession(await storedEntries(a));
    assert.equal(session.account.home_account_id, `bob.${stack.issuer}`);
    for (const token of session.access_tokens) {
      const claims = JSON.parse(Buffer.from(token.access_token.split('.')[1], 'base64url'));
      assert.equal(claims.sub, 'bob', "no token of alice's is kept");
    }
  }));
});

describe('popup sign-in, with the app served with COOP same-origin', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--coop', '--popup-timeout', String(POPUP_TIMEOUT_SECS)], CHROMIUM_FLAGS, POPUP_BLOCKER_ON);

  it('an app served with COOP same-origin signs in with a popup', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    const response = await page.goto(stack.app);
    assert.equal(response.headers()['cross-origin-opener-policy'], 'same-origin');
    await page.getByText('You are signed out.').waitFor();
    await popupSignIn(page, stack, 'alice');
    assert.equal(await page.getByTestId('nav-user').innerText(), 'Alice Example');
  }));

  it('under COOP, the user closing the popup ends at the timeout, and the next call works', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    const popup = await clickForPopup(page, popupButton(page));
    await popup.waitForURL((url) => url.href.startsWith(stack.issuer));
    await popup.locator('input[name=login]').waitFor();
    const started = Date.now();
    await popup.close();
    const error = await shownError(page);
    const elapsed = Date.now() - started;
    assert.equal(error.code, 'popup_timeout', error.text);
    assert.ok(elapsed < (POPUP_TIMEOUT_SECS + 2) * 1000, `popup_timeout after ${elapsed} ms`);

    await popupSignIn(page, stack, 'alice');
    assert.equal(await page.getByTestId('nav-user').innerText(), 'Alice Example');
  }));
});

describe('popup sign-in, with a cross-origin-isolated app (COOP + COEP)', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser(['--cross-origin-isolated', '--popup-timeout', String(POPUP_TIMEOUT_SECS)], CHROMIUM_FLAGS, POPUP_BLOCKER_ON);

  it('an app served with COOP and COEP signs in with a popup', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await signedOutHome(page, stack);
    assert.equal(await page.evaluate(() => window.crossOriginIsolated), true, 'COOP + COEP are in force');
    await popupSignIn(page, stack, 'alice');
    assert.equal(await page.getByTestId('nav-user').innerText(), 'Alice Example');
  }));
});

describe('popup sign-in with the npm package', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser([], CHROMIUM_FLAGS, POPUP_BLOCKER_ON);

  it("loginPopup() from a click signs in on the plain-JS example, and the page stays", () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(`${stack.app}/js-example/`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await page.evaluate(() => { window.notReloaded = true; });
    const popup = await clickForPopup(page, page.getByRole('button', { name: 'Popup login' }));
    await signInInPopup(popup, stack, 'alice');
    await page.getByText(/^Signed in as Alice Example/).waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
    assert.match(await page.locator('#events').innerText(), /signedIn: Alice Example/);
  }));
});

describe('popup token with the npm package', { timeout: 120_000 }, () => {
  const ctx = useStackAndBrowser([], CHROMIUM_FLAGS, POPUP_BLOCKER_ON);

  it('InteractionRequiredError.popup() from a later click gets the token for a scope not granted at sign-in', () => withPage(ctx.browser, async (page) => {
    const { stack } = ctx;
    await page.goto(`${stack.app}/js-example/`);
    await page.getByText('Signed out', { exact: true }).waitFor();
    await signInInPopup(await clickForPopup(page, page.getByRole('button', { name: 'Popup login' })), stack, 'alice');
    await page.getByText(/^Signed in as Alice Example/).waitFor({ timeout: 5000 });

    // The app's own code: a token call that needs the user, then a button for the user's next click.
    const code = await page.evaluate(async () => {
      try {
        await window.auth.getToken({ scopes: ['openid', 'email'] });
        return 'a token';
      } catch (error) {
        const button = document.createElement('button');
        button.textContent = 'Continue in a popup';
        button.onclick = () => error.popup().then((token) => { window.popupToken = token; }, (e) => { window.popupToken = e.code; });
        document.body.append(button);
        return error.code;
      }
    });
    assert.equal(code, 'interaction_required');
    const popup = await clickForPopup(page, page.getByRole('button', { name: 'Continue in a popup' }));
    const closed = popup.waitForEvent('close', { timeout: 15_000 });
    await popup.getByRole('button', { name: 'Continue' }).click();
    await closed;
    await page.waitForFunction(() => window.popupToken !== undefined, null, { timeout: 5000 });
    const token = await page.evaluate(() => window.popupToken);
    assert.equal(typeof token, 'string');
    assert.ok(token.length > 20, token);
    assert.equal(await page.evaluate(() => window.auth.getToken({ scopes: ['openid', 'email'] })), token, 'cached');
  }));
});
