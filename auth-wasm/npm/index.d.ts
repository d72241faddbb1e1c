export {
  AuthClient, AuthClientOptions, LoginRequest, LogoutRequest, TokenRequest, Account, RedirectResult, AuthEvent,
} from "./auth_wasm.js";
export { AuthError, AuthErrorCode, InteractionRequiredError } from "./errors.js";
