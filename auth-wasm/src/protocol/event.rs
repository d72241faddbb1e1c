//! The events an app follows: sign-in, sign-out, renewals, account changes. The core's flows say which
//! to tell (see [`super::session_events`]); the browser layer hands them to the app's listeners.

use super::{Account, AuthError, HomeAccountId, Scopes};

/// What happened to the session, in this tab or another tab of the app: every tab's client emits the
/// same events, each carrying the account, so that nobody re-reads storage to learn who signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthEvent {
    /// Somebody signed in (after [`AuthEvent::AccountChanged`] when it is another account).
    SignedIn(Account),
    /// Nobody is signed in any more; the tokens are gone.
    SignedOut,
    /// An access token was renewed silently (refresh token or hidden iframe).
    TokenRenewed {
        /// The scopes the token was asked for.
        scopes: Scopes,
    },
    /// A silent renewal failed; the request that fixes it is in the `get_token` result.
    RenewFailed {
        /// The scopes asked for.
        scopes: Scopes,
        /// Why.
        error: AuthError,
    },
    /// A sign-in returned another account than the one signed in (or signed out) before; the previous
    /// account's tokens are gone.
    AccountChanged {
        /// The account signed in before.
        previous: HomeAccountId,
        /// The account signed in now.
        current: Account,
    },
}
