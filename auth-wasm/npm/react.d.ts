import type { ReactElement, ReactNode } from "react";
import type { Account, AuthClient, AuthClientOptions, AuthError, LoginRequest, LogoutRequest, TokenRequest } from "./index.js";

/** `loading` until the client exists; then whether an account is signed in (this tab's or another tab's). */
export type AuthState = "loading" | "signedIn" | "signedOut";

/** What `useAuth()` returns; a new object when any of it changes. */
export interface Auth {
  /** The signed-in account, or `null`. */
  account: Account | null;
  state: AuthState;
  /** Why this page's callback (`handleRedirect()`) or the module's loading failed; `null` otherwise. */
  error: AuthError | null;
  /** The client, once `state` is not `loading`. */
  client: AuthClient | null;
  /** `client.getToken(request)`. Every call rejects with `not_initialized` while `state` is `loading`. */
  getToken(request: TokenRequest): Promise<string>;
  /** `client.login(request)`: sends the browser to the provider. */
  login(request?: LoginRequest): Promise<void>;
  /** `client.loginPopup(request)`: call it in a click handler, before anything is awaited. */
  loginPopup(request?: LoginRequest): Promise<Account>;
  /** `client.logout(request)`. */
  logout(request?: LogoutRequest): Promise<void>;
}

/** The client's options (a client is made once, when the provider mounts) or a client made by the app. */
export type AuthProviderProps = { children?: ReactNode } & (
  | { options: AuthClientOptions; client?: undefined }
  | { client: AuthClient; options?: undefined }
);

/**
 * Gives its children `useAuth()`: makes the client, completes this page's sign-in or sign-out callback
 * once per page load (also under `<StrictMode>`, which runs effects twice), then follows the account.
 */
export function AuthProvider(props: AuthProviderProps): ReactElement;

/** The nearest `<AuthProvider>`'s `Auth`; throws an `AuthError` (`invalid_config`) outside one. */
export function useAuth(): Auth;
