// Type-checks a typical use of the npm package against its generated .d.ts (tsc --noEmit).
import {
  AuthClient, AuthError, InteractionRequiredError, createAuthClient, init, type Account, type AuthErrorCode,
  type AuthEvent, type RedirectResult,
} from "../../target/npm/auth-wasm/index.js";

const auth: AuthClient = await createAuthClient({
  authority: "https://login.example.com/tenant",
  clientId: "spa",
  scopes: ["api://orders/read"],
  cacheLocation: "localStorage",
  loginPath: "/authentication/login",
  logoutPath: "/authentication/logout",
});
// A provider that signs out at its own URL: its document's fields, by their names; a misspelt one is an error.
const overridden = new AuthClient({
  authority: "https://login.example.com",
  clientId: "spa",
  metadataOverrides: { end_session_endpoint: "https://login.example.com/v2/logout", id_token_hint_parameter: "" },
});
// @ts-expect-error: not a field of the provider's metadata (end_session_endpoint is)
new AuthClient({ authority: "https://login.example.com", clientId: "spa", metadataOverrides: { end_session_url: "x" } });
console.log(overridden.account);
// init() takes where the .wasm is (a URL, a Response, bytes, a module), or nothing.
await init();
await init(new URL("/assets/auth_wasm_bg.wasm", "https://app.example"));
await init(fetch("/auth_wasm_bg.wasm"));
const other = new AuthClient({ authority: "https://login.example.com/tenant", clientId: "spa" });
console.log(other.account);

const result: RedirectResult = await auth.handleRedirect();
if (result.type === "signedIn") {
  const name: string = result.account.name;
  console.log(name);
}
const account: Account | null = auth.account;
if (!account) await auth.login({ loginHint: "alice", prompt: "select_account", extraParameters: { ui_locales: "fr" } });

try {
  const token: string = await auth.getToken({ scopes: ["api://orders/read"] });
  const renewed: string = await auth.getToken({ scopes: "api://orders/read", forceRefresh: true });
  console.log(token.length, renewed.length);
} catch (error) {
  if (error instanceof InteractionRequiredError) {
    await error.redirect();
  } else if (error instanceof AuthError) {
    const code: AuthErrorCode = error.code;
    if (code === "not_initialized" || code === "wasm_unavailable") console.log("load the module first");
    console.log(code);
  }
}

const stop: () => void = auth.on((event: AuthEvent) => {
  if (event.type === "renewFailed") console.log(event.error.code);
  if (event.type === "accountChanged") console.log(event.previousHomeAccountId, event.account.homeAccountId);
});
stop();
await auth.logout({ returnUrl: "/" });

// The types are precise, not `any`: each of these must be a type error.
// @ts-expect-error clientId is required
new AuthClient({ authority: "https://login.example.com" });
// @ts-expect-error createAuthClient needs the options
await createAuthClient();
// @ts-expect-error no such cache location
new AuthClient({ authority: "https://a", clientId: "b", cacheLocation: "disk" });
// @ts-expect-error prompt is one of login, select_account, consent, none
await auth.login({ prompt: "always" });
// @ts-expect-error getToken needs scopes
await auth.getToken({});
// @ts-expect-error a token is a string
const notANumber: number = await auth.getToken({ scopes: "api" });
console.log(notANumber);
