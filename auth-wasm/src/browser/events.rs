//! Events an app can follow: sign-in, sign-out, renewals, account changes.

use std::cell::RefCell;
use std::rc::Rc;

use super::AuthError;
use crate::protocol::{HomeAccountId, Scopes, User};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthEvent {
    SignedIn(User),
    SignedOut,
    /// An access token was renewed silently (refresh token or hidden iframe).
    TokenRenewed {
        scopes: Scopes,
    },
    /// A silent renewal failed; the request that fixes it is in the `get_token` result.
    RenewFailed {
        scopes: Scopes,
        error: AuthError,
    },
    /// A sign-in returned another account than the one signed in (or signed out) before; the previous
    /// account's tokens are gone.
    AccountChanged {
        previous: HomeAccountId,
        current: User,
    },
}

/// A handle that unsubscribes when passed to [`super::AuthClient::unsubscribe`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription(u64);

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

    pub fn emit(&self, event: AuthEvent) {
        // Listeners run on a snapshot, so that one may subscribe or unsubscribe while handling.
        let listeners: Vec<Listener> = self.listeners.borrow().iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener(&event);
        }
    }
}
