// AuthErrorCode is generated with the other declared types (auth-wasm/src/js/declaration.rs).
import type { AuthErrorCode } from "./auth_wasm.js";

export type { AuthErrorCode };

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string);
}

export class InteractionRequiredError extends AuthError {
  readonly code: "interaction_required";
  /**
   * Sends the browser to the provider to sign in for the token that was asked for (its scopes), returning
   * to the current page; resolves once the browser is on its way. (Rust's `InteractionRequired::redirect`.)
   */
  redirect(): Promise<void>;
  /**
   * Gets the token in a popup window (a sign-in for its scopes there) and resolves to it; the page stays as
   * it is. The window opens when this is called: call it in a click handler, before anything is awaited.
   * A `getToken()` was awaited before this error came, and the click's activation may be gone by then
   * (`popup_blocked`): call `popup()` from a later click (a "Continue" button), or `redirect()`.
   * (Rust's `InteractionRequired::popup`.)
   */
  popup(): Promise<string>;
}
