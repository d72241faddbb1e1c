// The JS API of the npm package, declared once: the options and requests its functions take (each
// field's name, kind, whether it must be given, its default and what it means), the codes of its
// errors, and the types it hands back. Plain data that names nothing of the crate: the crate reads the
// names and kinds (`src/js/options.rs` refuses a name not declared here and a missing required field),
// and `build.rs` `include!`s this file to write the TypeScript of the package's `.d.ts` and a JSON copy
// for the package's tests. (No inner doc comment: `include!` does not take one.)

/// What a field of an options or request object holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// `true` or `false`.
    Flag,
    /// A whole number, not negative.
    Count,
    /// A list of scopes, or one space-separated string.
    Scopes,
    /// The name of a place tokens are kept: one of [`Kind::choices`].
    CacheLocation,
    /// The OpenID Connect `prompt`: one of [`Kind::choices`].
    Prompt,
    /// Whether tokens are bound with DPoP: one of [`Kind::choices`].
    DpopMode,
    /// Any object.
    Object,
    /// An object of strings, numbers and booleans.
    Parameters,
    /// A provider's discovery document, with its names as published.
    ProviderMetadata,
    /// Fields set over a provider's discovery document, by its names (and the end-session parameter names):
    /// those of [`METADATA_FIELDS`]; `null` removes one.
    MetadataOverrides,
    /// A function of the app called with a path of this app. `index.js` reads it: the wasm gets the
    /// options as JSON, which has no functions.
    UrlCallback,
}

impl Kind {
    /// The values a field of an enumerated kind may take; empty for the other kinds.
    pub const fn choices(self) -> &'static [&'static str] {
        match self {
            Kind::CacheLocation => &["sessionStorage", "localStorage", "memory"],
            Kind::Prompt => &["login", "select_account", "consent", "none"],
            Kind::DpopMode => &["off", "required", "if_supported"],
            Kind::Text
            | Kind::Flag
            | Kind::Count
            | Kind::Scopes
            | Kind::Object
            | Kind::Parameters
            | Kind::ProviderMetadata
            | Kind::MetadataOverrides
            | Kind::UrlCallback => &[],
        }
    }
}

/// The fields of a provider's discovery document that the library reads, with their TypeScript types:
/// the names `metadataOverrides` may set (the core refuses any other; `js/tests.rs` checks the two lists
/// agree). The npm package has the `dpop` feature, so its fields are among them.
pub const METADATA_FIELDS: &[(&str, &str)] = &[
    ("issuer", "string"),
    ("authorization_endpoint", "string"),
    ("token_endpoint", "string"),
    ("jwks_uri", "string"),
    ("userinfo_endpoint", "string"),
    ("end_session_endpoint", "string"),
    ("revocation_endpoint", "string"),
    ("post_logout_redirect_uri_parameter", "string"),
    ("id_token_hint_parameter", "string"),
    ("code_challenge_methods_supported", "string[]"),
    ("authorization_response_iss_parameter_supported", "boolean"),
    ("pushed_authorization_request_endpoint", "string"),
    ("require_pushed_authorization_requests", "boolean"),
    ("dpop_signing_alg_values_supported", "string[]"),
];

/// A field of an options or request object.
pub struct Field {
    /// Its name in JS: the only spelling accepted.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether it must be given.
    pub required: bool,
    /// The value a text or choice field takes when it is left out, where that is one value (a default
    /// that depends on something else is said in `doc`).
    pub default: Option<&'static str>,
    /// What it means, in one or two sentences.
    pub doc: &'static str,
}

/// An options or request object: its TypeScript interface.
pub struct Interface {
    /// The interface's name in the `.d.ts`.
    pub name: &'static str,
    /// What the object is for.
    pub doc: &'static str,
    /// Its fields, in the order the `.d.ts` lists them.
    pub fields: &'static [Field],
}

/// An `AuthError`'s `code`.
pub struct ErrorCode {
    /// The code.
    pub code: &'static str,
    /// What it means, in one line.
    pub meaning: &'static str,
}

const fn given(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field { name, kind, required: true, default: None, doc }
}

const fn optional(name: &'static str, kind: Kind, doc: &'static str) -> Field {
    Field { name, kind, required: false, default: None, doc }
}

const fn optional_or(name: &'static str, kind: Kind, default: &'static str, doc: &'static str) -> Field {
    Field { name, kind, required: false, default: Some(default), doc }
}

/// The options of `new AuthClient(options)`.
pub const CLIENT_OPTIONS: Interface = Interface {
    name: "AuthClientOptions",
    doc: "The options of `new AuthClient(options)` and `createAuthClient(options)`: which provider, which client, \
          and where the provider returns. Another name is refused (`invalid_config`).",
    fields: &[
        given(
            "authority",
            Kind::Text,
            "The provider's issuer URL; discovery is read from `{authority}/.well-known/openid-configuration`. \
             HTTPS (plain HTTP only on loopback).",
        ),
        given(
            "clientId",
            Kind::Text,
            "The client id registered at the provider (a public client: there is no secret).",
        ),
        optional_or(
            "redirectUri",
            Kind::Text,
            "/authentication/login-callback",
            "Where the provider returns after sign-in: a path of this app or an absolute URL, registered at the \
             provider.",
        ),
        optional_or(
            "postLogoutRedirectUri",
            Kind::Text,
            "/authentication/logout-callback",
            "Where the provider returns after sign-out (may be the same page as `redirectUri`).",
        ),
        optional_or(
            "silentRedirectUri",
            Kind::Text,
            "/silent-callback.html",
            "A blank page of this app, registered as a redirect URI, for silent renewal in a hidden iframe; it must \
             not run the app.",
        ),
        optional(
            "scopes",
            Kind::Scopes,
            "API scopes asked for at sign-in, besides `openid profile offline_access`, which are always asked for \
             (default: none).",
        ),
        optional_or(
            "cacheLocation",
            Kind::CacheLocation,
            "sessionStorage",
            "Where tokens are kept: `sessionStorage` (gone when the tab closes), `localStorage` (shared by the \
             origin's tabs, kept across restarts) or `memory` (gone on reload).",
        ),
        #[cfg(feature = "dpop")]
        optional_or(
            "dpop",
            Kind::DpopMode,
            "off",
            "Bind tokens to this browser with DPoP (a non-extractable key shared by the tabs): `required` (a \
             provider without DPoP is an `invalid_config` error), `if_supported` (bearer tokens from such a \
             provider) or `off`. `getToken` then says which it got (`tokenType`), and `getDpopProof` proves an API \
             request.",
        ),
        optional(
            "clientInfo",
            Kind::Flag,
            "Ask for Entra's `client_info` (its account ids); by default only for Microsoft Entra authorities.",
        ),
        optional(
            "metadata",
            Kind::ProviderMetadata,
            "The provider's metadata, supplied whole: a discovery document, with its names as published \
             (`issuer`, `authorization_endpoint`, `token_endpoint`, `jwks_uri`, …). No discovery request is \
             made. Read as a fetched one is, with `metadataOverrides` set over it, when the client is made: \
             the same errors (`discovery_issuer`, `insecure_endpoint`, `pkce_not_supported`, \
             `invalid_discovery` naming a field). Default: read from discovery.",
        ),
        optional(
            "metadataOverrides",
            Kind::MetadataOverrides,
            "Fields set over the provider's discovery document (fetched, or `metadata`) before it is read and \
             checked, by the document's names: `end_session_endpoint` for a provider that publishes none, any \
             other endpoint, and the end-session endpoint's parameter names `post_logout_redirect_uri_parameter` \
             (e.g. `returnTo`) and `id_token_hint_parameter` (`\"\"`: no hint is sent). A name the library does \
             not read is refused (`invalid_discovery`). Default: none.",
        ),
        optional_or(
            "popupRedirectUri",
            Kind::Text,
            "/popup-callback.html",
            "Where the provider returns a sign-in popup: the package's static `popup-callback.html`, served by this \
             app and registered as a redirect URI; it hands the answer back to the app's page and must not load \
             the app.",
        ),
        optional("popupWidth", Kind::Count, "The sign-in popup's width, in CSS pixels (default: 483)."),
        optional("popupHeight", Kind::Count, "The sign-in popup's height, in CSS pixels (default: 600)."),
        optional(
            "popupLeft",
            Kind::Count,
            "The sign-in popup's distance from the screen's left edge (default: centred over the app's window).",
        ),
        optional(
            "popupTop",
            Kind::Count,
            "The sign-in popup's distance from the screen's top edge (default: centred over the app's window).",
        ),
        optional(
            "popupTimeoutSeconds",
            Kind::Count,
            "How long `loginPopup()` and `popup()` wait for the provider's answer (`popup_timeout`; default: 120); \
             under COOP `same-origin`, also how long a popup the user closed keeps them waiting.",
        ),
        optional_or(
            "loginPath",
            Kind::Text,
            "/authentication/login",
            "The app's route that starts an interactive request from history state.",
        ),
        optional_or(
            "logoutPath",
            Kind::Text,
            "/authentication/logout",
            "The app's route that starts a sign-out from history state.",
        ),
        optional(
            "navigate",
            Kind::UrlCallback,
            "How the app's router hears that `handleRedirect()` or `logout()` changed the address (the callback \
             URL replaced by the return URL): called with the new path, e.g. `(url) => router.navigate(url, { \
             replace: true })`. Default: a `popstate` event on `window`, which most routers follow.",
        ),
    ],
};

/// The request of `login(request)`.
pub const LOGIN_REQUEST: Interface = Interface {
    name: "LoginRequest",
    doc: "What `login(request)` and `loginPopup(request)` ask the provider for; every field may be left out.",
    fields: &[
        optional(
            "returnUrl",
            Kind::Text,
            "A path of this app to return to (default: the current page). Other origins fall back to `/`.",
        ),
        optional("scopes", Kind::Scopes, "API scopes to ask for besides those of the options."),
        optional(
            "loginHint",
            Kind::Text,
            "`login_hint`: the user's name or email, to skip the provider's account picker.",
        ),
        optional(
            "domainHint",
            Kind::Text,
            "`domain_hint` (Entra and others): the user's organisation, to skip home-realm discovery.",
        ),
        optional(
            "prompt",
            Kind::Prompt,
            "`prompt`: ask for credentials (`login`), an account choice (`select_account`) or consent (`consent`) \
             even when the provider has a session; `none` fails rather than show the user anything.",
        ),
        optional(
            "maxAge",
            Kind::Count,
            "`max_age`: the most seconds since the user last authenticated; the provider asks again beyond it.",
        ),
        optional("claims", Kind::Object, "An OpenID Connect claims request, e.g. from an API's claims challenge."),
        optional(
            "extraParameters",
            Kind::Parameters,
            "Further authorize parameters (`ui_locales`, say), sent as they are; one the library sets, or that this \
             request has a field for, is refused.",
        ),
    ],
};

/// The request of `logout(request)`.
pub const LOGOUT_REQUEST: Interface = Interface {
    name: "LogoutRequest",
    doc: "Where `logout(request)` lands after sign-out.",
    fields: &[optional_or("returnUrl", Kind::Text, "/", "A path of this app to land on after sign-out.")],
};

/// The request of `getToken(request)`.
pub const TOKEN_REQUEST: Interface = Interface {
    name: "TokenRequest",
    doc: "What `getToken(request)` needs an access token for.",
    fields: &[
        given("scopes", Kind::Scopes, "The token's scopes, at least one."),
        optional(
            "forceRefresh",
            Kind::Flag,
            "Renew even if a cached token is fresh (through the same one-renewal-at-a-time lock).",
        ),
    ],
};

/// Every options and request object, in the order the `.d.ts` lists them.
pub const INTERFACES: [&Interface; 4] = [&CLIENT_OPTIONS, &LOGIN_REQUEST, &LOGOUT_REQUEST, &TOKEN_REQUEST];

const fn code(code: &'static str, meaning: &'static str) -> ErrorCode {
    ErrorCode { code, meaning }
}

/// The codes of the errors the WebAssembly module raises: those the Rust errors' `code()` returns.
pub const ERROR_CODES: &[ErrorCode] = &[
    code("invalid_config", "The options are unusable; the message names the option."),
    code("invalid_request", "A request is unusable (an unknown field, a value of another kind, a reserved parameter)."),
    code("no_scopes", "A token request named no scope."),
    code("invalid_scope", "A scope has characters OAuth 2.0 does not allow."),
    code("crypto_unavailable", "The browser gives no random bytes (`crypto.getRandomValues`)."),
    code("invalid_discovery", "The provider's discovery document or key set is not JSON, or lacks a member."),
    code("issuer_mismatch", "The discovery document or the callback names another issuer than the authority."),
    code("insecure_endpoint", "A provider endpoint is plain HTTP on a host other than loopback."),
    code("pkce_not_supported", "The provider does not offer PKCE with S256."),
    code("invalid_callback", "The callback lacks a parameter it must carry, or carries one twice."),
    code(
        "state_mismatch",
        "The callback's state names no sign-in or sign-out of this browser (a forged or replayed link).",
    ),
    code("transaction_expired", "The sign-in or sign-out was started more than 15 minutes ago."),
    code("access_denied", "The user or the provider refused."),
    code("login_required", "The provider needs the user to sign in."),
    code("interaction_required", "No token without the user (an `InteractionRequiredError`), or the provider said so."),
    #[cfg(feature = "dpop")]
    code("dpop_key_gone", "The DPoP key the tokens are bound to is gone (site data cleared): sign in again."),
    code("consent_required", "The provider needs the user's consent."),
    code("invalid_grant", "The provider refused the code or the refresh token (expired, revoked or used)."),
    code(
        "scopes_not_granted",
        "The provider granted the token without some requested scopes (named in the message): ask for consent.",
    ),
    code("provider_error", "The provider answered another OAuth error; the message gives its code and description."),
    code("unknown_provider_error", "The provider answered an error code the specifications do not define."),
    code("untrusted_error_response", "An error response with this browser's state but no or another issuer's `iss`."),
    code("http_client_error", "The provider answered a 4xx status with no OAuth error."),
    code("http_server_error", "The provider answered a 5xx status with no OAuth error."),
    code("invalid_token_response", "The token response is unusable, or does not fit the request."),
    code("invalid_id_token", "The ID token failed a check; the message says which."),
    code("network_error", "A request got no answer: offline, DNS, TLS or CORS."),
    code("storage_error", "sessionStorage or localStorage refused a read or a write."),
    code("browser_error", "A browser API failed or is missing."),
    code("redirecting", "The page is on its way to the provider: not a failure to show."),
    code("claims_challenge_repeated", "An API sent another claims challenge within 15 minutes of the last one."),
    code("silent_timeout", "The hidden iframe of a silent renewal got no answer in time."),
    code("silent_unavailable", "Silent renewal in a hidden iframe cannot work on this page."),
    code("not_available_on_server", "Called in a server render (leptos-auth's `ssr`): the session is in the browser."),
    code("popup_blocked", "The browser refused the sign-in popup (not opened from a click); sign in by redirect."),
    code("popup_closed", "The user closed the sign-in popup before the sign-in completed."),
    code("popup_timeout", "The sign-in popup gave no answer in time (under COOP, also a popup the user closed)."),
];

/// The codes `index.js` throws, before the WebAssembly module is there.
pub const LOADING_ERROR_CODES: &[ErrorCode] = &[
    code("not_initialized", "`new AuthClient()` before `init()` resolved."),
    code("wasm_unavailable", "The `.wasm` could not be loaded."),
];

/// The types the API hands back, as they are written in the `.d.ts` (`AuthErrorCode` is declared beside
/// them, from [`ERROR_CODES`] and [`LOADING_ERROR_CODES`]).
pub const OUTPUT_TYPES: &str = r#"/** A signed-in account. */
export interface Account {
  /** Entra's `uid.utid`, or subject and issuer elsewhere: the cache key of the account. */
  homeAccountId: string;
  issuer: string;
  subject: string;
  username?: string;
  name: string;
  /** The ID token's claims (its signature was verified). */
  claims: Record<string, unknown>;
}

/** What `handleRedirect()` found: no callback, a sign-in or sign-out completed, or one completed before. */
export type RedirectResult =
  | { type: "none" }
  | { type: "signedIn"; account: Account }
  | { type: "signedOut" }
  | { type: "alreadyCompleted" };

/** What `on(listener)` is told, of this tab and of the app's other tabs. */
export type AuthEvent =
  | { type: "signedIn"; account: Account }
  | { type: "signedOut" }
  | { type: "tokenRenewed"; scopes: string[] }
  | { type: "renewFailed"; scopes: string[]; error: { code: AuthErrorCode; message: string } }
  | { type: "accountChanged"; previousHomeAccountId: string; account: Account };
"#;
