//! The sans-IO protocol core: every OAuth 2.0 / OpenID Connect rule, with no browser API.
//!
//! Inputs that come from the outside world (the time, random bytes, HTTP bodies, the current URL) are
//! passed in as plain values, so every rule here runs and is tested natively.

mod authorize;
mod callback;
mod config;
mod discovery;
mod error;
mod id_token;
mod logout;
mod pkce;
mod url;
mod scopes;
mod session;
mod token;
mod transaction;
mod values;

pub use authorize::authorize_url;
pub use callback::{parse_authorization_response, AuthorizationResponse};
pub use config::ClientConfig;
pub use discovery::{discovery_url, ProviderMetadata};
pub use error::{IdTokenError, ProtocolError};
pub use id_token::{decode_id_token, Audience, IdTokenClaims, IdTokenExpectations, JwtHeader, DEFAULT_CLOCK_SKEW_SECS};
pub use logout::{end_session_url, LogoutTransaction};
pub use pkce::{PkceChallenge, PKCE_METHOD_S256};
pub use url::{append_query, is_secure_url, query_of, resolve_app_url};
pub use scopes::{Scope, Scopes};
pub use session::{Session, User};
pub use token::{authorization_code_request_body, parse_token_response, TokenResponse};
pub use transaction::LoginTransaction;
pub use values::{AccessToken, AuthorizationCode, ClientId, IdToken, Issuer, Nonce, PkceVerifier, RefreshToken, State};
