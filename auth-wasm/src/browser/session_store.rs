//! The session store: the signed-in account and its tokens ([`Session`]), read from storage once per
//! page and kept in memory, written through with one storage write per change.
//!
//! One key holds the whole session, so a write that fails part-way (quota, storage refused) leaves the
//! previous session readable, never half of each; and memory changes only after storage took the write.

use std::cell::RefCell;
use std::rc::Rc;

use super::{AuthError, KeyValueStore};
use crate::protocol::storage_keys::{last_account_key, session_key};
use crate::protocol::{ClientId, HomeAccountId, Session};

pub(crate) struct SessionStore {
    storage: Rc<dyn KeyValueStore>,
    /// Whether every tab of the origin reads this same storage (localStorage).
    shared: bool,
    key: String,
    last_account_key: String,
    current: RefCell<Option<Rc<Session>>>,
}

impl SessionStore {
    /// The store of `client_id` at `authority` in `storage`, with the session it holds now.
    pub fn open(storage: Rc<dyn KeyValueStore>, shared: bool, client_id: &ClientId, authority: &str) -> Self {
        let store = Self {
            storage,
            shared,
            key: session_key(client_id, authority),
            last_account_key: last_account_key(client_id, authority),
            current: RefCell::new(None),
        };
        *store.current.borrow_mut() = store.read().map(Rc::new);
        store
    }

    /// The session in storage now. An unreadable one is removed (with a warning) and reads as none.
    fn read(&self) -> Option<Session> {
        self.storage.load::<Session>(&self.key).ok().flatten()
    }

    /// Whether every tab reads this store's storage.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The storage key of the session (for `storage` events).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The session in memory: no storage read, no JSON parse.
    pub fn current(&self) -> Option<Rc<Session>> {
        self.current.borrow().clone()
    }

    /// Who was signed in last (also after a sign-out).
    pub fn last_account(&self) -> Option<HomeAccountId> {
        self.storage.get(&self.last_account_key).ok().flatten().map(HomeAccountId::from_stored)
    }

    /// Writes `next` to storage, then to memory; returns the session it replaced. On a storage error
    /// nothing changed.
    pub fn write(&self, next: Option<Session>) -> Result<Option<Rc<Session>>, AuthError> {
        match &next {
            Some(session) => {
                self.storage.save(&self.key, session)?;
                // An id, not a token; without it only an account change after a sign-out goes untold.
                let _ = self.storage.set(&self.last_account_key, session.account.home_account_id.as_str());
            }
            None => self.storage.remove(&self.key)?,
        }
        Ok(self.current.replace(next.map(Rc::new)))
    }

    /// Takes a session another tab made. In shared storage that tab wrote it already; otherwise it is
    /// written to this tab's storage too, so that a reload keeps it. Returns the session it replaced.
    pub fn adopt(&self, next: Option<Session>) -> Result<Option<Rc<Session>>, AuthError> {
        if self.shared {
            Ok(self.current.replace(next.map(Rc::new)))
        } else {
            self.write(next)
        }
    }

    /// Reads shared storage again (another tab may have written it); returns the session it replaced,
    /// or `None` when nothing changed or the storage is this tab's own.
    pub fn reload(&self) -> Option<Option<Rc<Session>>> {
        if !self.shared {
            return None;
        }
        let stored = self.read();
        if stored.as_ref() == self.current.borrow().as_deref() {
            return None;
        }
        Some(self.current.replace(stored.map(Rc::new)))
    }
}
