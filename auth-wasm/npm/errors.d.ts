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
}
