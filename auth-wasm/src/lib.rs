//! OpenID Connect sign-in for browser apps compiled to WebAssembly.
//!
//! The crate has two layers:
//! - [`protocol`]: the OAuth 2.0 / OpenID Connect rules as plain Rust with no browser APIs (PKCE, the
//!   authorize URL, the callback, the token exchange, ID-token checks), and the codecs they read and write
//!   with (`protocol/wire/`). It is tested natively.
//! - `browser` (wasm32 only): the thin layer that talks to the browser: storage, navigation, fetch and
//!   the clock, and [`browser::AuthClient`], which runs a sign-in through them.
//!
//! Beneath both, `platform` converts JSON text, form encoding and base64 for the codecs: with the
//! browser's own `JSON`, `URLSearchParams`, `btoa` and `atob` in wasm32, with crates elsewhere.

#![warn(missing_docs)]

mod platform;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod browser;

// The npm package's API (feature `js`); natively, its declaration and readers are tested.
#[cfg(any(test, all(target_arch = "wasm32", feature = "js")))]
mod js;

pub use protocol::{
    AccessToken, Account, ClientConfig, ClientId, IdToken, IdTokenClaims, Issuer, Nonce, PkceChallenge, PkceVerifier,
    ProtocolError, ProviderMetadata, RefreshToken, Scope, Scopes, State,
};

#[cfg(target_arch = "wasm32")]
pub use browser::{AuthClient, AuthError, CallbackOutcome};
