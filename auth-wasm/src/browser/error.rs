//! Errors of the browser layer: the protocol's, plus what the browser itself can fail at.

use crate::protocol::ProtocolError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error("could not reach {url}: {message} (check the network, the URL, and that the provider allows this app's origin in CORS)")]
    Network { url: String, message: String },
    #[error("browser storage failed: {0}")]
    Storage(String),
    #[error("the browser refused an operation: {0}")]
    Browser(String),
    #[error("the user must sign in: the browser is on its way to the sign-in page")]
    Redirecting,
    /// The API sent another claims challenge within 15 minutes of the last sign-in for one.
    #[error(
        "the API at {origin} still demands claims within 15 minutes of a sign-in for them; to avoid a loop, no \
         other sign-in starts (try again later)"
    )]
    ClaimsChallengeRepeated { origin: String },
    #[error("silent sign-in got no answer from the provider within {seconds} s (it may need the user)")]
    SilentTimeout { seconds: u32 },
    /// Silent sign-in in a hidden iframe cannot work on this page; the user must sign in interactively.
    #[error(
        "silent sign-in is not possible here: {reason}; sign in interactively, or use refresh tokens (offline_access)"
    )]
    SilentUnavailable { reason: String },
}

impl AuthError {
    /// A stable, machine-readable name of the error (JavaScript's `error.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Protocol(error) => error.code(),
            Self::Network { .. } => "network_error",
            Self::Storage(_) => "storage_error",
            Self::Browser(_) => "browser_error",
            Self::Redirecting => "redirecting",
            Self::ClaimsChallengeRepeated { .. } => "claims_challenge_repeated",
            Self::SilentTimeout { .. } => "silent_timeout",
            Self::SilentUnavailable { .. } => "silent_unavailable",
        }
    }

    /// Whether an interactive sign-in can fix this, so a silent request turns into `RequiresInteraction`.
    pub fn requires_interaction(&self) -> bool {
        match self {
            Self::Protocol(error) => error.requires_interaction(),
            Self::SilentTimeout { .. } | Self::SilentUnavailable { .. } => true,
            _ => false,
        }
    }

    pub(crate) fn browser(value: wasm_bindgen::JsValue) -> Self {
        Self::Browser(js_message(&value))
    }
}

/// The message of a JS exception, for error texts.
pub(crate) fn js_message(value: &wasm_bindgen::JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

use wasm_bindgen::JsCast as _;
