import type { AuthClient as WasmAuthClient, AuthClientOptions, AuthEvent, InitInput } from "./auth_wasm.js";

export type {
  AuthClientOptions, LoginRequest, LogoutRequest, TokenRequest, Account, RedirectResult, AuthEvent, InitInput,
} from "./auth_wasm.js";
export { AuthError, InteractionRequiredError } from "./errors.js";
export type { AuthErrorCode } from "./errors.js";

/**
 * Loads the WebAssembly module; `new AuthClient()` works once it resolves. `input` is where the module is:
 * a URL, a Response, its bytes or a compiled `WebAssembly.Module` (default: `auth_wasm_bg.wasm` beside
 * `index.js`, as `new URL("./auth_wasm_bg.wasm", import.meta.url)`, which Vite and webpack copy).
 * Idempotent: later calls return the first call's promise. Rejects with an `AuthError` (code
 * `wasm_unavailable`) when the module cannot be loaded.
 */
export function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** `await init()`, then `new AuthClient(options)`. */
export function createAuthClient(options: AuthClientOptions): Promise<AuthClient>;

/**
 * Signs users in with an OpenID Connect provider (authorization code with PKCE) and gets access tokens.
 * Throws an `AuthError` with code `not_initialized` before `init()` has resolved, and `invalid_config`
 * for invalid options.
 */
export class AuthClient extends WasmAuthClient {
  constructor(options: AuthClientOptions);
  /** Calls `listener` with every event (of this tab and of the app's other tabs); returns the function that stops it. */
  on(listener: (event: AuthEvent) => void): () => void;
}
