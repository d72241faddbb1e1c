//! The client's error: a protocol rule's ([`ProtocolError`]), or a step the driver performed that failed
//! (a request with no answer, storage refusing, a hidden frame that cannot work). The flows of the core
//! take the outcome of every step as a value, so this error is the core's too.

use super::{Message, ProtocolError};

/// An error of the client: the protocol core's, or one of the browser's. Its message says what to do;
/// [`code`](Self::code) is a stable name to match on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// A protocol rule failed, or the provider refused.
    Protocol(ProtocolError),
    /// A request to the provider (or an API) did not get an answer: offline, DNS, TLS, or CORS.
    Network {
        /// The URL requested.
        url: String,
        /// The browser's message.
        message: String,
    },
    /// sessionStorage or localStorage refused a read or a write (quota, private mode, blocked storage).
    Storage(String),
    /// A browser API failed or is missing; carries the browser's message.
    Browser(String),
    /// The page is on its way to the provider; nothing more happens in it. Not a failure to show.
    Redirecting,
    /// The API sent another claims challenge within 15 minutes of the last sign-in for one.
    ClaimsChallengeRepeated {
        /// The API's origin.
        origin: String,
    },
    /// The hidden iframe got no answer in time; an interactive sign-in may work.
    SilentTimeout {
        /// How long it waited.
        seconds: u32,
    },
    /// Silent sign-in in a hidden iframe cannot work on this page; the user must sign in interactively.
    SilentUnavailable {
        /// Why: the page is cross-origin isolated, the provider refuses frames, ….
        reason: String,
    },
    /// A silent renewal in a hidden iframe, to a provider on another site than the app, came back needing
    /// the user: the browser likely kept the provider's session cookie from the frame (third-party cookies
    /// blocked; a `SameSite=Lax` cookie never goes to a frame of another site) while the user may still be
    /// signed in there. Its code is `silent_unavailable`, as the frame cannot work on this page; a sign-in
    /// by redirect (or by popup, from a click) can, with no password when the user is signed in there.
    FrameCookiesBlocked,
    /// The call ran in a server render (leptos-auth's `ssr`): there is no session on the server, as the
    /// tokens live in the browser. Make it in the browser (an effect, an event handler).
    NotAvailableOnServer,
    /// The browser refused to open the sign-in popup: it was not opened from a click (or the click was
    /// too long ago, or its activation was used). The app can sign in by redirect instead.
    PopupBlocked,
    /// The user closed the sign-in popup before the sign-in completed.
    PopupClosed,
    /// The sign-in popup gave no answer in time (under `Cross-Origin-Opener-Policy: same-origin`, also how
    /// a popup the user closed ends).
    PopupTimeout {
        /// How long it waited.
        seconds: u32,
    },
}

impl AuthError {
    /// The error's text as a key of `messages.txt` and its values (see [`Message`]).
    pub fn message(&self) -> Message<'_> {
        match self {
            Self::Protocol(error) => error.message(),
            Self::Network { url, message } => Message::new("network_error").text(url).text(message),
            Self::Storage(why) => Message::new("storage_error").text(why),
            Self::Browser(why) => Message::new("browser_error").text(why),
            Self::Redirecting => Message::new("redirecting"),
            Self::ClaimsChallengeRepeated { origin } => Message::new("claims_challenge_repeated").text(origin),
            Self::SilentTimeout { seconds } => Message::new("silent_timeout").number(*seconds),
            Self::SilentUnavailable { reason } => Message::new("silent_unavailable").text(reason),
            Self::FrameCookiesBlocked => Message::new("frame_cookies_blocked"),
            Self::NotAvailableOnServer => Message::new("not_available_on_server"),
            Self::PopupBlocked => Message::new("popup_blocked"),
            Self::PopupClosed => Message::new("popup_closed"),
            Self::PopupTimeout { seconds } => Message::new("popup_timeout").number(*seconds),
        }
    }

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
            Self::SilentUnavailable { .. } | Self::FrameCookiesBlocked => "silent_unavailable",
            Self::NotAvailableOnServer => "not_available_on_server",
            Self::PopupBlocked => "popup_blocked",
            Self::PopupClosed => "popup_closed",
            Self::PopupTimeout { .. } => "popup_timeout",
        }
    }

    /// Whether an interactive sign-in can fix this, so a silent request turns into `RequiresInteraction`.
    pub fn requires_interaction(&self) -> bool {
        match self {
            Self::Protocol(error) => error.requires_interaction(),
            Self::SilentTimeout { .. } | Self::SilentUnavailable { .. } | Self::FrameCookiesBlocked => true,
            _ => false,
        }
    }

    /// Whether only a sign-in the user asks for, from a click, can fix this, not one the library starts
    /// on its own (an authorized fetch going to the login route): the user refused scopes at consent,
    /// and a provider that remembers the refusal answers such a sign-in without asking, back to the same
    /// call, in a loop. The app asks for consent (`prompt=consent`) instead.
    pub fn needs_the_users_click(&self) -> bool {
        matches!(self, Self::Protocol(ProtocolError::ScopesNotGranted(_)))
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Protocol(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ProtocolError> for AuthError {
    fn from(error: ProtocolError) -> Self {
        Self::Protocol(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_refused_scopes_wait_for_the_users_click() {
        assert!(AuthError::from(ProtocolError::ScopesNotGranted("api:write".into())).needs_the_users_click());
        assert!(!AuthError::from(ProtocolError::ConsentRequired(None)).needs_the_users_click());
        assert!(!AuthError::SilentTimeout { seconds: 10 }.needs_the_users_click());
    }
}
