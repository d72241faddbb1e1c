// auth-wasm: OpenID Connect sign-in for browser apps, in WebAssembly. Importing this module loads
// nothing: `await init()` (or `await createAuthClient(options)`) loads the .wasm once, then
// `new AuthClient(options)` works.
import load, { AuthClient as WasmAuthClient } from './auth_wasm.js';
import { AuthError, InteractionRequiredError } from './errors.js';

export { AuthError, InteractionRequiredError } from './errors.js';

let loading;
let loaded = false;
// This page's one handleRedirect(), whichever client and however often it is called: a second code
// exchange would fail (React's StrictMode runs effects twice).
let redirect;

/**
 * Loads the WebAssembly module: `input` is where it is (a URL, a Response, its bytes or a compiled
 * WebAssembly.Module; by default auth_wasm_bg.wasm beside this file, which Vite and webpack copy).
 * Idempotent: later calls return the first call's promise (after a failure, a call tries again).
 */
export function init(input) {
  if (!loading) {
    const wasm = input ?? new URL('./auth_wasm_bg.wasm', import.meta.url);
    loading = load({ module_or_path: wasm }).then(
      () => { loaded = true; },
      (error) => {
        loading = undefined;
        const failure = new AuthError('wasm_unavailable',
          `auth_wasm_bg.wasm did not load (${error?.message ?? error}): serve it beside index.js or pass its URL to init()`);
        failure.cause = error;
        throw failure;
      },
    );
  }
  return loading;
}

/** Signs users in with an OpenID Connect provider; `init()` must have resolved first. */
export class AuthClient extends WasmAuthClient {
  #navigate;

  constructor(options) {
    if (!loaded) {
      throw new AuthError('not_initialized', '`await init()` before `new AuthClient()`, or use `await createAuthClient()`');
    }
    // Read here: the wasm gets the options as JSON, which drops functions.
    const navigate = options?.navigate;
    if (navigate !== undefined && typeof navigate !== 'function') {
      throw new AuthError('invalid_config', 'AuthClientOptions: `navigate` must be a function taking a URL');
    }
    super(options);
    this.#navigate = navigate;
  }

  /** Completes this page's callback once: later calls share the first call's promise. */
  handleRedirect() {
    redirect ??= this.#tellingRouter(() => super.handleRedirect());
    return redirect;
  }

  logout(request) {
    return this.#tellingRouter(() => super.logout(request));
  }

  /** `run()`, after which the app's router hears of a new address, as leptos-auth tells leptos_router. */
  async #tellingRouter(run) {
    const before = location.href;
    try {
      return await run();
    } finally {
      if (location.href !== before) {
        if (this.#navigate) this.#navigate(location.pathname + location.search + location.hash);
        else dispatchEvent(new PopStateEvent('popstate', { state: history.state }));
      }
    }
  }

  /** `getToken(request)`, whose `InteractionRequiredError` can also get the token in a popup: `popup()` is
   * `loginPopup()` for its scopes, then `getToken()` again (Rust's `InteractionRequired::popup`). */
  getToken(request) {
    return super.getToken(request).catch((error) => {
      if (error instanceof InteractionRequiredError) {
        const scopes = request?.scopes;
        InteractionRequiredError.withPopup(error, () => this.loginPopup({ scopes }).then(() => super.getToken({ scopes })));
      }
      throw error;
    });
  }

  /** Calls `listener` with every event; returns the function that stops it. */
  on(listener) {
    const id = this.subscribe(listener);
    return () => this.unsubscribe(id);
  }
}

/** Loads the module (once) and makes a client: `await createAuthClient(options)`. */
export async function createAuthClient(options) {
  await init();
  return new AuthClient(options);
}
