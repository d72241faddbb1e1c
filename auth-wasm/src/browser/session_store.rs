//! The session store: the signed-in account and its tokens ([`Session`]), read from storage once per
//! page and kept in memory, written through with one storage write per change, and the session's
//! published revision ([`PublishedRevision`], in localStorage whatever the cache location).
//!
//! One key holds the whole session, so a write that fails part-way (quota, storage refused) leaves the
//! previous session readable, never half of each; and memory changes only after storage took the write.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::{AuthError, KeyValueStore};
use crate::protocol::storage_keys::{last_account_key, presented_key, revision_key, session_key};
use crate::protocol::{
    is_plausible_revision, next_revision, takes_news, why_not_adopted, ClientId, HomeAccountId, JsonRecord,
    PresentedRefreshTokens, PublishedRevision, Session, TabView,
};

pub(crate) struct SessionStore {
    storage: Rc<dyn KeyValueStore>,
    /// Whether every tab of the origin reads this same storage (localStorage).
    shared: bool,
    /// localStorage, for the published revision; `None` where the browser refuses it.
    local: Option<Rc<dyn KeyValueStore>>,
    /// The client and provider whose sessions these are: a session for another is not taken (see
    /// [`why_not_adopted`]).
    client_id: ClientId,
    authority: String,
    key: String,
    last_account_key: String,
    revision_key: String,
    presented_key: String,
    /// The record of presented refresh tokens where localStorage refuses it (this tab's only).
    presented_in_memory: RefCell<PresentedRefreshTokens>,
    current: RefCell<Option<Rc<Session>>>,
    /// The revision this tab's state is at (the session's, or that of the sign-out it took).
    revision: Cell<u64>,
    /// Shared storage only: the session's text as this tab last read it there or wrote it. A reload that
    /// finds the same text has nothing to take (no parse, and no comparison of whole sessions, whose
    /// code the wasm then does not carry); and what this tab keeps in memory only (a renewal storage
    /// refused, a refresh token dropped as stale, another tab's message) is not undone by a reload of
    /// the text it replaced.
    shared_text: RefCell<Option<String>>,
}

impl SessionStore {
    /// The store of `client_id` at `authority` in `storage`, with the session it holds now.
    pub fn open(
        storage: Rc<dyn KeyValueStore>,
        shared: bool,
        local: Option<Rc<dyn KeyValueStore>>,
        client_id: &ClientId,
        authority: &str,
    ) -> Self {
        let store = Self {
            storage,
            shared,
            local,
            client_id: client_id.clone(),
            authority: authority.to_owned(),
            key: session_key(client_id, authority),
            last_account_key: last_account_key(client_id, authority),
            revision_key: revision_key(client_id, authority),
            presented_key: presented_key(client_id, authority),
            presented_in_memory: RefCell::default(),
            current: RefCell::new(None),
            revision: Cell::new(0),
            shared_text: RefCell::new(None),
        };
        let session =
            if shared { store.read_shared(true).1 } else { store.storage.load::<Session>(&store.key).ok().flatten() };
        let session = session.filter(|session| store.owns(session, true));
        store.revision.set(session.as_ref().map_or(0, Session::revision));
        *store.current.borrow_mut() = session.map(Rc::new);
        store
    }

    /// The session in shared storage now, and whether its text is another than the one this tab last
    /// read or wrote (which it then keeps). An unreadable one reads as none, and stays: it may be a newer
    /// version's, which other tabs still read. (In this tab's own storage, `load` removes it.) Another
    /// client's reads as no change.
    fn read_shared(&self, at_open: bool) -> (bool, Option<Session>) {
        let text = self.storage.get(&self.key).ok().flatten();
        if text == *self.shared_text.borrow() {
            return (false, None);
        }
        let session = text.as_deref().and_then(|text| Session::from_json_str(text).ok());
        *self.shared_text.borrow_mut() = text;
        // Another client's session written under our key is not news: this tab keeps what it has.
        match session {
            Some(session) if !self.owns(&session, at_open) || !self.plausible(session.revision()) => (false, None),
            session => (true, session),
        }
    }

    /// Whether this tab takes `session`, read from storage or from another tab (see [`why_not_adopted`]);
    /// one it does not is refused, with a warning. The session a page opens with (`at_open`) is kept even
    /// if its refresh token was retired since (a tab whose sessionStorage `window.open` copied, one that
    /// closed before it stored a rotated token): its other tokens still serve, and the retired one is
    /// never presented (see [`PresentedRefreshTokens::may_present`]).
    fn owns(&self, session: &Session, at_open: bool) -> bool {
        let tab = (!at_open).then(|| TabView {
            session: self.current(),
            revision: self.revision.get(),
            published: None,
            presented: self.presented(),
        });
        let why_not = why_not_adopted(session, &self.client_id, &self.authority, tab.as_ref());
        if let Some(why_not) = why_not {
            super::error::warn_text(why_not);
        }
        why_not.is_none()
    }

    /// Whether `revision`, read from another tab or from storage, is one the library could have made (see
    /// [`is_plausible_revision`]); one that is not is refused, with a warning.
    fn plausible(&self, revision: u64) -> bool {
        let plausible = is_plausible_revision(self.revision.get(), revision);
        if !plausible {
            super::error::warn_text("refused a session revision out of range (a second app on this origin?)");
        }
        plausible
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

    /// The revision this tab's state is at.
    pub fn revision(&self) -> u64 {
        self.revision.get()
    }

    /// The newest revision any tab published; `None` where localStorage is refused or nothing was.
    pub fn published(&self) -> Option<PublishedRevision> {
        let text = self.local.as_ref()?.get(&self.revision_key).ok().flatten()?;
        let published = PublishedRevision::parse(&text);
        match published {
            Some(published) if self.plausible(published.revision) => Some(published),
            Some(_) => None,
            None => {
                super::error::warn_text("ignored an unreadable published revision");
                None
            }
        }
    }

    /// The revision a change made now gets: one past every revision this tab has seen or any tab has
    /// published. At the limit, an error (see [`next_revision`]).
    pub fn next_revision(&self) -> Result<u64, AuthError> {
        let newest = self.revision.get().max(self.published().map_or(0, |p| p.revision));
        next_revision(newest).ok_or_else(|| AuthError::Storage("the session's revision is at its limit".into()))
    }

    fn publish(&self, revision: u64, signed_in: bool) {
        if let Some(local) = &self.local {
            // A tab that cannot publish still works; others then learn of the change by message only.
            let _ = local.set(&self.revision_key, &PublishedRevision { revision, signed_in }.to_text());
        }
    }

    /// The refresh tokens presented to the provider, and what became of them: as every tab recorded them
    /// in localStorage, or as this tab did where localStorage refuses. A record that cannot be read (not
    /// ours) is taken as empty.
    pub fn presented(&self) -> PresentedRefreshTokens {
        match self.local.as_ref().map(|local| local.get(&self.presented_key)) {
            Some(Ok(text)) => text.and_then(|text| PresentedRefreshTokens::parse(&text)).unwrap_or_default(),
            _ => self.presented_in_memory.borrow().clone(),
        }
    }

    /// Writes the record of presented refresh tokens: to localStorage, or where it refuses, to this tab's
    /// memory (then other tabs do not see it, but this one still never presents a token it lost track of).
    pub fn record_presented(&self, record: &PresentedRefreshTokens) {
        let written = self.local.as_ref().map(|local| local.set(&self.presented_key, &record.to_text()));
        if !matches!(written, Some(Ok(()))) {
            *self.presented_in_memory.borrow_mut() = record.clone();
        }
    }

    /// Who was signed in last (also after a sign-out).
    pub fn last_account(&self) -> Option<HomeAccountId> {
        self.storage.get(&self.last_account_key).ok().flatten().map(HomeAccountId::from_stored)
    }

    /// Writes `next` to storage at `revision` (`signed_in`: as an interactive sign-in made it), then to
    /// memory, then publishes the revision; returns the session it replaced. On a storage error nothing
    /// changed.
    pub fn write(
        &self,
        next: Option<Session>,
        revision: u64,
        signed_in: bool,
    ) -> Result<Option<Rc<Session>>, AuthError> {
        let next =
            next.map(
                |session| {
                    if signed_in {
                        session.signed_in_at_revision(revision)
                    } else {
                        session.with_revision(revision)
                    }
                },
            );
        match &next {
            Some(session) => {
                let text = session.to_json_string();
                self.storage.set(&self.key, &text)?;
                if self.shared {
                    *self.shared_text.borrow_mut() = Some(text);
                }
                // An id, not a token; without it only an account change after a sign-out goes untold.
                let _ = self.storage.set(&self.last_account_key, session.account.home_account_id.as_str());
            }
            None => {
                self.storage.remove(&self.key)?;
                *self.shared_text.borrow_mut() = None;
            }
        }
        self.publish(revision, next.is_some());
        Ok(self.set_memory(next, revision))
    }

    /// Keeps `next` in memory only and publishes it: for a rotated refresh token that storage refused
    /// (the token this tab stored before is dead now, so memory must not keep it).
    pub fn write_memory_only(&self, next: Session, revision: u64) -> Option<Rc<Session>> {
        self.publish(revision, true);
        self.set_memory(Some(next.with_revision(revision)), revision)
    }

    /// Drops the refresh token from this tab's copy in memory only (the copy is behind the published
    /// revision, so its refresh token may have rotated since: it must never be presented).
    pub fn drop_stale_refresh_token(&self) {
        let current = self.current();
        if let Some(session) = current.filter(|s| s.refresh_token().is_some()) {
            *self.current.borrow_mut() = Some(Rc::new(session.without_refresh_token()));
        }
    }

    fn set_memory(&self, next: Option<Session>, revision: u64) -> Option<Rc<Session>> {
        self.revision.set(revision);
        self.current.replace(next.map(Rc::new))
    }

    /// Takes a session (or sign-out) another tab made at `revision`, if it is newer than what this tab
    /// has: in shared storage that tab wrote it already; otherwise it is written to this tab's storage
    /// too, so that a reload keeps it. Returns the session it replaced, or `None` for an older message.
    pub fn adopt(&self, next: Option<Session>, revision: u64) -> Option<Option<Rc<Session>>> {
        if revision > self.revision.get() && !self.plausible(revision) {
            return None;
        }
        if !takes_news(self.revision.get(), revision) || next.as_ref().is_some_and(|session| !self.owns(session, false))
        {
            return None;
        }
        let next = next.map(|session| session.with_revision(revision));
        if !self.shared {
            let written = match &next {
                Some(session) => self.storage.save(&self.key, session),
                None => self.storage.remove(&self.key),
            };
            if let Err(error) = written {
                // Memory follows anyway: the other tab's session is the live one (its refresh token
                // may have rotated), and a reload finds the stored copy older than the published revision.
                super::error::warn("could not store another tab's session", &error);
            }
        }
        Some(self.set_memory(next, revision))
    }

    /// Reads shared storage again (another tab may have written it); returns the session it replaced,
    /// or `None` when its text is the one this tab last read or wrote, or the storage is this tab's own.
    pub fn reload(&self) -> Option<Option<Rc<Session>>> {
        if !self.shared {
            return None;
        }
        let (changed, stored) = self.read_shared(false);
        if !changed {
            return None;
        }
        let revision = stored.as_ref().map_or_else(|| self.next_revision_seen(), Session::revision);
        Some(self.set_memory(stored, revision))
    }

    /// The revision of a sign-out found in shared storage: the published one, else one past ours.
    fn next_revision_seen(&self) -> u64 {
        let ours = self.revision.get();
        self.published().map_or_else(|| next_revision(ours).unwrap_or(ours), |p| p.revision.max(ours))
    }
}
