//! The transaction store: what a sign-in or sign-out must remember across the redirect to the provider,
//! in sessionStorage (it survives the redirect and is private to the tab).
//!
//! Where the browser refuses sessionStorage, a sign-in is refused up front with a storage error: kept in
//! memory, the transaction would be lost at the redirect and the user would see a state mismatch.

use std::rc::Rc;

use super::{AuthError, KeyValueStore};
use crate::protocol::{CompletedTransaction, JsonRecord, LoginTransaction, LogoutTransaction, State};

/// The store, or why the browser refused it (the storage error's text: a storage error is what every
/// use of the store then fails with, made anew each time rather than a stored error cloned, whose code
/// would be in the app only for this).
pub(crate) struct TransactionStore(Result<Rc<dyn KeyValueStore>, String>);

impl TransactionStore {
    /// Over `store`, or the reason there is none.
    pub fn new(store: Result<Rc<dyn KeyValueStore>, AuthError>) -> Self {
        Self(store.map_err(|error| match error {
            AuthError::Storage(why) => why,
            other => other.code().to_owned(),
        }))
    }

    /// The store; a storage error when the browser refused it.
    pub fn store(&self) -> Result<&Rc<dyn KeyValueStore>, AuthError> {
        match &self.0 {
            Ok(store) => Ok(store),
            Err(why) => Err(AuthError::Storage(why.clone())),
        }
    }

    /// Loads the record under `key`, if any.
    pub fn load<T: JsonRecord>(&self, key: &str) -> Result<Option<T>, AuthError> {
        self.store()?.load(key)
    }

    /// Saves `value` under `key`.
    pub fn save<T: JsonRecord>(&self, key: &str, value: &T) -> Result<(), AuthError> {
        self.store()?.save(key, value)
    }

    pub fn save_login(&self, transaction: &LoginTransaction) -> Result<(), AuthError> {
        self.save(&LoginTransaction::storage_key(&transaction.state), transaction)
    }

    /// The sign-in transaction of `state`, removed so that it is used once.
    pub fn take_login(&self, state: &State) -> Result<Option<LoginTransaction>, AuthError> {
        self.store()?.take(&LoginTransaction::storage_key(state))
    }

    pub fn save_logout(&self, transaction: &LogoutTransaction) -> Result<(), AuthError> {
        self.save(&LogoutTransaction::storage_key(&transaction.state), transaction)
    }

    /// The sign-out transaction of `state`, removed so that it is used once.
    pub fn take_logout(&self, state: &State) -> Result<Option<LogoutTransaction>, AuthError> {
        self.store()?.take(&LogoutTransaction::storage_key(state))
    }

    /// The completed sign-in of `state`, if it completed in this tab.
    pub fn completed(&self, state: &State) -> Option<CompletedTransaction> {
        self.load(&CompletedTransaction::storage_key(state)).ok().flatten()
    }

    /// Remembers that the sign-in of `state` completed. Best effort: without it a reload of the callback
    /// shows a state error, nothing worse.
    pub fn save_completed(&self, state: &State, completed: &CompletedTransaction) {
        let _ = self.save(&CompletedTransaction::storage_key(state), completed);
    }

    /// Removes abandoned transactions (older than 15 minutes) of every kind.
    pub fn remove_stale(&self, now: i64) -> Result<(), AuthError> {
        let store = self.store()?;
        for key in store.keys()? {
            let stale = if key.starts_with(LoginTransaction::STORAGE_PREFIX) {
                store.load::<LoginTransaction>(&key)?.is_none_or(|t| t.is_stale(now))
            } else if key.starts_with(LogoutTransaction::STORAGE_PREFIX) {
                store.load::<LogoutTransaction>(&key)?.is_none_or(|t| t.is_stale(now))
            } else if key.starts_with(CompletedTransaction::STORAGE_PREFIX) {
                store.load::<CompletedTransaction>(&key)?.is_none_or(|t| t.is_stale(now))
            } else {
                false
            };
            if stale {
                store.remove(&key)?;
            }
        }
        Ok(())
    }
}
