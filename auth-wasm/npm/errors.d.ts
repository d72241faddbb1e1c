// AuthErrorCode is generated with the other declared types (auth-wasm/src/js/declaration.rs).
import type { AuthErrorCode } from "./auth_wasm.js";

export type { AuthErrorCode };

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string);
}

export class InteractionRequiredError extends AuthError {
  readonly code: "interaction_required";
  /** Sends the browser to sign in for the token that was asked for; returns to the current page. */
  redirect(): Promise<void>;
}
