//! Events an app can follow: sign-in, sign-out, renewals, account changes.

use std::cell::RefCell;
use std::rc::Rc;

use super::AuthError;
use crate::protocol::{Account, HomeAccountId, Scopes};

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

/// A handle that unsubscribes when passed to [`super::AuthClient::unsubscribe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription(u64);

#[cfg(feature = "js")]
impl Subscription {
    /// The handle as a number (what the JS API hands out: its `on` keeps it in the function it returns).
    pub(crate) fn id(self) -> u64 {
        self.0
    }

    /// The handle [`Self::id`] numbered.
    pub(crate) fn from_id(id: u64) -> Self {
        Self(id)
    }
}

type Listener = Rc<dyn Fn(&AuthEvent)>;

#[derive(Default)]
pub(crate) struct Events {
    next_id: RefCell<u64>,
    listeners: RefCell<Vec<(u64, Listener)>>,
}

impl Events {
    pub fn subscribe(&self, listener: impl Fn(&AuthEvent) + 'static) -> Subscription {
        let id = {
            let mut next = self.next_id.borrow_mut();
            *next += 1;
            *next
        };
        self.listeners.borrow_mut().push((id, Rc::new(listener)));
        Subscription(id)
    }

    pub fn unsubscribe(&self, subscription: Subscription) {
        self.listeners.borrow_mut().retain(|(id, _)| *id != subscription.0);
    }

    pub fn emit(&self, event: &AuthEvent) {
        // Listeners run on a snapshot, so that one may subscribe or unsubscribe while handling.
        let mut listeners: Vec<Listener> = Vec::new();
        for (_, listener) in self.listeners.borrow().iter() {
            listeners.push(listener.clone());
        }
        for listener in listeners {
            listener(event);
        }
    }
}
