// Type-checks a typical use of auth-wasm/react against its .d.ts (tsc --noEmit), as usage.ts does the API's.
import { createElement, StrictMode, type ReactElement } from "react";
import { AuthProvider, useAuth, type Auth, type AuthState } from "../../target/npm/auth-wasm/react.js";
import { createAuthClient, type Account, type AuthErrorCode } from "../../target/npm/auth-wasm/index.js";

function Profile(): ReactElement {
  const { account, state, error, getToken, login, loginPopup, logout }: Auth = useAuth();
  const now: AuthState = state;
  const who: Account | null = account;
  const code: AuthErrorCode | undefined = error?.code;
  console.log(now, who?.name, code);
  const token: Promise<string> = getToken({ scopes: ["api://orders/read"] });
  const popup: Promise<Account> = loginPopup({ prompt: "select_account" });
  console.log(token, popup, login({ returnUrl: "/orders" }), logout());
  return createElement("p", null, account ? account.name : "Signed out");
}

createElement(StrictMode, null, createElement(AuthProvider, {
  options: {
    authority: "https://login.example.com/tenant",
    clientId: "spa",
    navigate: (url: string) => console.log("the router goes to", url),
  },
}, createElement(Profile)));
createElement(AuthProvider, { client: await createAuthClient({ authority: "https://a", clientId: "b" }) });

// @ts-expect-error options or a client, not both
createElement(AuthProvider, { client: await createAuthClient({ authority: "https://a", clientId: "b" }), options: { authority: "https://a", clientId: "b" } });
// @ts-expect-error navigate takes a function
createElement(AuthProvider, { options: { authority: "https://a", clientId: "b", navigate: "/home" } });
// @ts-expect-error getToken needs scopes
useAuth().getToken({});
