//! The app's listeners of [`AuthEvent`]s.

use std::cell::RefCell;
use std::rc::Rc;

pub use crate::protocol::AuthEvent;

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
