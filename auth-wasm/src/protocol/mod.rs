//! The sans-IO protocol core: every OAuth 2.0 / OpenID Connect rule, with no browser API.
//!
//! Inputs that come from the outside world (the time, random bytes, HTTP bodies, the current URL) are
//! passed in as plain values, so every rule here runs and is tested natively.
//!
//! The rules read and write their values through the codecs in `wire/` (JSON, form encoding, base64,
//! URLs). Where a browser converts natively (JSON text, form encoding, base64), the codecs call
//! `crate::platform`, so that nothing here binds to JavaScript.

mod account;
mod authorize;
mod cache;
mod callback;
mod challenge;
mod client_error;
mod config;
pub(crate) mod discovery;
#[cfg(feature = "dpop")]
pub mod dpop;
mod entra;
mod error;
mod event;
pub mod flow;
mod id_token;
mod jws;
mod logout;
mod message;
#[cfg(feature = "dpop")]
pub mod par;
mod pkce;
pub mod popup;
mod popup_options;
mod presented;
pub mod redirect_callback;
pub mod renewal;
mod request;
mod return_url;
mod scopes;
mod session;
pub mod sign_in;
pub mod sign_out;
pub mod storage_keys;
pub mod tab_sync;
mod token;
mod token_set;
mod transaction;
mod values;
pub(crate) mod wire;

pub use account::{Account, HomeAccountId};
pub use authorize::{authorize_url, RESERVED_AUTHORIZE_PARAMETERS};
pub use cache::{renewal_applies, replaced_account, select_access_token, CachedAccessToken};
pub use callback::{
    classify_callback, parse_authorization_response, sign_out_state, AuthorizationResponse, CallbackKind,
};
pub use challenge::{
    challenge_is_from, claims_challenge, claims_round_trip_allowed, ClaimsRoundTrip, CLAIMS_ROUND_TRIP_INTERVAL_SECS,
};
pub use client_error::AuthError;
pub use config::{CacheLocation, ClientConfig};
pub use discovery::{discovery_url, ProviderMetadata};
#[cfg(feature = "dpop")]
pub use dpop::DpopMode;
pub use entra::is_entra_authority;
#[cfg(test)]
pub(crate) use error::one_protocol_error_of_each_variant;
pub use error::{IdTokenError, OAuthErrorCode, ProtocolError};
pub use event::AuthEvent;
pub use id_token::{decode_id_token, Audience, IdTokenClaims, IdTokenExpectations, JwtHeader, DEFAULT_CLOCK_SKEW_SECS};
pub use jws::{
    JwkSet, SignatureAlgorithm, SignatureCheck, SignatureVerdict, SignedJwt, VerifiedIdToken, WebCryptoFamily,
};
pub use logout::{end_session_url, LogoutTransaction};
pub use message::{Message, MessageArg, MESSAGES};
pub use pkce::{PkceChallenge, PKCE_METHOD_S256};
pub use popup_options::{PopupOptions, PopupWindow, DEFAULT_POPUP_REDIRECT_PATH, DEFAULT_POPUP_TIMEOUT_SECS};
pub use presented::{PresentedRefreshTokens, RefreshTokenFingerprint};
pub use redirect_callback::CallbackOutcome;
pub use request::{
    ExtraParameters, InteractiveAuthenticationRequest, Prompt, RequestKind, MAX_REQUEST_BYTES, REQUEST_VERSION,
};
pub use return_url::{safe_return_url, same_origin_path};
pub use scopes::{scopes_not_granted, Scope, Scopes};
pub use session::{after_sign_in, session_events, PublishedRevision, Session};
pub use sign_out::RequestOutcome;
pub use tab_sync::why_not_adopted;
pub use tab_sync::{
    catch_up, is_plausible_revision, next_revision, takes_news, CatchUp, SessionMessage, TabMessage, TabView,
    MAX_REVISION,
};
pub use token::{
    authorization_code_request_body, parse_token_response, refresh_request_body, revocation_request_body, TokenResponse,
};
pub use token_set::{TokenContext, TokenSet};
pub use transaction::{AcceptedSignIn, CompletedTransaction, LoginTransaction, TRANSACTION_LIFETIME_SECS};
#[cfg(feature = "dpop")]
pub use values::RequestUri;
pub use values::{AccessToken, AuthorizationCode, ClientId, IdToken, Issuer, Nonce, PkceVerifier, RefreshToken, State};

// The codecs of `wire/`: the JSON, form and base64 modules and the URL functions are public (apps read
// claims as JSON values, tests compare encodings); the byte searches are for the rules here.
pub use wire::json::{JsonError, JsonObject, JsonRecord, Value as JsonValue, MAX_JSON_DEPTH};
pub(crate) use wire::text::{
    before_any, decimal, find_byte, has_any, parse_decimal, rsplit_once_byte, split_byte, split_once_byte,
    starts_with_any, trim_end_byte,
};
pub use wire::url::{append_query, is_secure_url, origin_of, query_of, resolve_app_url, same_site};
pub use wire::{base64, form, json};
