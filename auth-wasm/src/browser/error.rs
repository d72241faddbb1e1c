//! Errors of the browser layer: the protocol's, plus what the browser itself can fail at.

use crate::protocol::ProtocolError;

/// An error of the client: the protocol core's, or one of the browser's. Its message says what to do;
/// [`code`](Self::code) is a stable name to match on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A protocol rule failed, or the provider refused.
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// A request to the provider (or an API) did not get an answer: offline, DNS, TLS, or CORS.
    #[error("could not reach {url}: {message} (check the network, the URL, and that the provider allows this app's origin in CORS)")]
    Network {
        /// The URL requested.
        url: String,
        /// The browser's message.
        message: String,
    },
    /// sessionStorage or localStorage refused a read or a write (quota, private mode, blocked storage).
    #[error("browser storage failed: {0}")]
    Storage(String),
    /// A browser API failed or is missing; carries the browser's message.
    #[error("the browser refused an operation: {0}")]
    Browser(String),
    /// The page is on its way to the provider; nothing more happens in it. Not a failure to show.
    #[error("the user must sign in: the browser is on its way to the sign-in page")]
    Redirecting,
    /// The API sent another claims challenge within 15 minutes of the last sign-in for one.
    #[error(
        "the API at {origin} still demands claims within 15 minutes of a sign-in for them; to avoid a loop, no \
         other sign-in starts (try again later)"
    )]
    ClaimsChallengeRepeated {
        /// The API's origin.
        origin: String,
    },
    /// The hidden iframe got no answer in time; an interactive sign-in may work.
    #[error("silent sign-in got no answer from the provider within {seconds} s (it may need the user)")]
    SilentTimeout {
        /// How long it waited.
        seconds: u32,
    },
    /// Silent sign-in in a hidden iframe cannot work on this page; the user must sign in interactively.
    #[error(
        "silent sign-in is not possible here: {reason}; sign in interactively, or use refresh tokens (offline_access)"
    )]
    SilentUnavailable {
        /// Why: the page is cross-origin isolated, the provider refuses frames, ….
        reason: String,
    },
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
