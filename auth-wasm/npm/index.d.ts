export { AuthClient } from "./auth_wasm.js";
export type {
  AuthClientOptions, LoginRequest, LogoutRequest, TokenRequest, Account, RedirectResult, AuthEvent,
} from "./auth_wasm.js";
export { AuthError, InteractionRequiredError } from "./errors.js";
export type { AuthErrorCode } from "./errors.js";
