// The auth-wasm npm package from plain JavaScript: sign in, show the user, get a token, sign out.
// Served as it is (ES modules, the package in ./pkg/) or bundled (esbuild, Vite, webpack): it has no
// top-level await, so a bundler's es2020 target takes it.
import { createAuthClient, InteractionRequiredError } from './pkg/index.js';
import { describeToken } from './token.js';

const $ = (id) => document.getElementById(id);
const here = new URL('.', window.location.href).pathname;

function showError(error) {
  $('error').hidden = false;
  $('error').textContent = `${error.code ?? 'error'}: ${error.message}`;
}

function render(auth) {
  const { account } = auth;
  // tokenType: DPoP when the session's tokens are bound to this browser's key, else Bearer.
  $('status').textContent = account ? `Signed in as ${account.name} (${account.subject}), ${auth.tokenType} tokens` : 'Signed out';
  $('sign-in').hidden = Boolean(account);
  $('sign-in-popup').hidden = Boolean(account);
  $('get-token').hidden = !account;
  $('sign-out').hidden = !account;
}

async function main() {
  // The same configuration file as the Leptos demo; this page is its own redirect URI.
  const config = await (await fetch('/auth-config.json')).json();
  // Loads the WebAssembly module (once), then makes the client.
  const auth = await createAuthClient({
    authority: config.authority,
    clientId: config.client_id,
    scopes: config.scopes,
    redirectUri: here,
    postLogoutRedirectUri: here,
    cacheLocation: config.cache_location,
    // "required" or "if_supported" binds the tokens to this browser (DPoP); absent: off.
    dpop: config.dpop,
  });
  // For the end-to-end tests, which drive the client of this page.
  window.auth = auth;

  // Events come from this tab and from every other tab of the app: the page follows them.
  auth.on((event) => {
    const item = document.createElement('li');
    item.textContent = event.type + (event.account ? `: ${event.account.name}` : '');
    $('events').append(item);
    render(auth);
  });

  let calls = 0;
  $('sign-in').onclick = () => auth.login({ returnUrl: here }).catch(showError);
  // The popup opens in the click handler itself, before anything is awaited (popup blockers allow that);
  // the page stays as it is. A blocked popup (`popup_blocked`) can fall back to a redirect.
  $('sign-in-popup').onclick = () => auth.loginPopup({ returnUrl: here }).catch((error) => {
    if (error.code === 'popup_blocked') return auth.login({ returnUrl: here });
    return showError(error);
  });
  $('sign-out').onclick = () => auth.logout({ returnUrl: here }).catch(showError);
  $('get-token').onclick = async () => {
    try {
      const token = await auth.getToken({ scopes: config.scopes });
      calls += 1;
      // The token may be opaque (many providers issue such): describeToken decodes only a JWT.
      $('token').textContent = describeToken(token, calls);
    } catch (error) {
      if (error instanceof InteractionRequiredError) await error.redirect();
      else showError(error);
    }
  };

  try {
    await auth.handleRedirect();
  } catch (error) {
    showError(error);
  }
  render(auth);
}

main().catch(showError);
