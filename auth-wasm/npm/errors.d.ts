export type AuthErrorCode =
  | "invalid_config" | "invalid_request" | "no_scopes" | "invalid_scope" | "crypto_unavailable"
  | "invalid_discovery" | "issuer_mismatch" | "insecure_endpoint" | "pkce_not_supported"
  | "invalid_callback" | "state_mismatch" | "transaction_expired"
  | "access_denied" | "login_required" | "interaction_required" | "consent_required" | "invalid_grant"
  | "provider_error" | "unknown_provider_error" | "http_client_error" | "http_server_error" | "invalid_token_response"
  | "invalid_id_token"
  | "network_error" | "storage_error" | "browser_error" | "redirecting" | "claims_challenge_repeated"
  | "silent_timeout" | "silent_unavailable"
  // Thrown by index.js: `new AuthClient()` before `init()` resolved; the .wasm could not be loaded.
  | "not_initialized" | "wasm_unavailable";

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string);
}

export class InteractionRequiredError extends AuthError {
  readonly code: "interaction_required";
  /** Sends the browser to sign in for the token that was asked for; returns to the current page. */
  redirect(): Promise<void>;
}
