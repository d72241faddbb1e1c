//! The session of one client in this tab, kept in step with the other tabs of the app: it owns the
//! session store, the channel between the tabs and the app's listeners. Every change goes through
//! [`TabSync::commit`] (stored, published, told to the other tabs, then to this tab's listeners), and every
//! piece of news through the core's rules ([`crate::protocol::takes_news`], [`crate::protocol::catch_up`]).

use std::cell::RefCell;
use std::rc::Rc;

use super::events::{Events, Subscription};
use super::session_store::SessionStore;
use super::tabs::Tabs;
use super::{now_ms, AuthError, KeyValueStore};
use crate::protocol::storage_keys::channel_name;
use crate::protocol::tab_sync::HANDOVER_WAIT_MS;
use crate::protocol::{
    catch_up, session_events, AuthEvent, CatchUp, ClientId, HomeAccountId, PresentedRefreshTokens, Session,
    SessionMessage, TabMessage, TabView,
};

pub(crate) struct TabSync {
    store: SessionStore,
    /// The other tabs of the app (`None` until connected).
    tabs: RefCell<Option<Tabs>>,
    events: Events,
}

impl TabSync {
    /// The session of `client_id` at `authority` in `storage` (shared by every tab when `shared`), with
    /// localStorage (`local`) for the published revision.
    pub fn open(
        storage: Rc<dyn KeyValueStore>,
        shared: bool,
        local: Option<Rc<dyn KeyValueStore>>,
        client_id: &ClientId,
        authority: &str,
    ) -> Rc<Self> {
        let store = SessionStore::open(storage, shared, local, client_id, authority);
        let sync = Rc::new(Self { store, tabs: RefCell::new(None), events: Events::default() });
        sync.connect(&channel_name(client_id, authority));
        sync
    }

    /// Follows the other tabs of the app on channel `name`.
    fn connect(self: &Rc<Self>, name: &str) {
        let weak = Rc::downgrade(self);
        let on_message = {
            let weak = weak.clone();
            move |message| {
                if let Some(sync) = weak.upgrade() {
                    sync.on_message(message);
                }
            }
        };
        let on_storage = self.store.is_shared().then(|| {
            let weak = weak.clone();
            move |key: Option<String>| {
                let Some(sync) = weak.upgrade() else { return };
                // `None`: the app cleared the whole storage.
                if key.as_deref().is_none_or(|key| key == sync.store.key()) {
                    sync.reload();
                }
            }
        });
        let on_restore = move || {
            if let Some(sync) = weak.upgrade() {
                wasm_bindgen_futures::spawn_local(async move { sync.catch_up(HANDOVER_WAIT_MS).await });
            }
        };
        *self.tabs.borrow_mut() = Some(Tabs::connect(name, on_message, on_storage, on_restore));
    }

    /// The session in memory: no storage read.
    pub fn current(&self) -> Option<Rc<Session>> {
        self.store.current()
    }

    /// What this tab knows now: its session (read again from shared storage, where another tab may have
    /// written it) and the published revision.
    pub fn view(&self) -> TabView {
        self.reload();
        TabView {
            session: self.store.current(),
            revision: self.store.revision(),
            published: self.store.published(),
            presented: self.store.presented(),
        }
    }

    /// Writes the record of presented refresh tokens (see [`SessionStore::record_presented`]).
    pub fn record_presented(&self, record: &PresentedRefreshTokens) {
        self.store.record_presented(record);
    }

    /// Another tab's message: take its session if it is newer than ours (and tell the listeners what
    /// changed, as the acting tab told its own), or answer a tab that asks with ours.
    fn on_message(&self, message: TabMessage) {
        match message {
            TabMessage::Hello => {
                let session = self.store.current();
                if session.is_some() {
                    self.post_session(session.as_deref(), self.store.revision(), None, false);
                }
            }
            TabMessage::Session(message) => {
                let SessionMessage { session, revision, last, signed_in } = *message;
                if let Some(previous) = self.store.adopt(session, revision) {
                    self.emit_change(previous, last, signed_in);
                }
            }
        }
    }

    /// Reads a session in localStorage again (another tab wrote it) and tells the listeners.
    pub fn reload(&self) {
        let last = self.store.last_account();
        if let Some(previous) = self.store.reload() {
            self.emit_change(previous, last, false);
        }
    }

    fn post_session(&self, session: Option<&Session>, revision: u64, last: Option<&HomeAccountId>, signed_in: bool) {
        if let Some(tabs) = self.tabs.borrow().as_ref() {
            tabs.post_session(session, revision, last, signed_in);
        }
    }

    /// Makes `next` the session at a new revision: written through to storage, published, told to the
    /// other tabs, then to this tab's listeners (`signed_in`: an interactive sign-in made it). On a
    /// storage error nothing changed, unless `keep_if_refused` (a rotated refresh token: the one stored
    /// before is dead), which keeps it in memory all the same.
    pub fn commit(&self, next: Option<Session>, signed_in: bool, keep_if_refused: bool) -> Result<(), AuthError> {
        let last = self.store.last_account();
        let revision = self.store.next_revision()?;
        let fallback = if keep_if_refused { next.clone() } else { None };
        let previous = match (self.store.write(next, revision, signed_in), fallback) {
            (Ok(previous), _) => previous,
            (Err(error), Some(next)) => {
                super::error::warn("could not store the renewed session; keeping it in memory", &error);
                self.store.write_memory_only(next, revision)
            }
            (Err(error), None) => return Err(error),
        };
        let current = self.store.current();
        self.post_session(current.as_deref(), self.store.revision(), last.as_ref(), signed_in);
        self.emit_change(previous, last, signed_in);
        Ok(())
    }

    /// Takes the sign-out at `revision` that this tab missed.
    pub fn take_sign_out(&self, revision: u64) {
        let last = self.store.last_account();
        if let Some(previous) = self.store.adopt(None, revision) {
            self.emit_change(previous, last, false);
        }
    }

    /// Forgets the refresh token of this tab's copy, in memory only (see
    /// [`SessionStore::drop_stale_refresh_token`]).
    pub fn forget_stale_refresh_token(&self) {
        self.store.drop_stale_refresh_token();
    }

    /// Waits until this tab's session is at `revision` or newer, or `timeout_ms` have passed; with
    /// `ask_tabs`, asks the open tabs first. Woken by each message or `storage` event, with one timer for
    /// the whole wait: no polling.
    pub async fn await_session(&self, revision: u64, ask_tabs: bool, timeout_ms: u32) {
        if ask_tabs {
            if let Some(tabs) = self.tabs.borrow().as_ref() {
                tabs.post_hello();
            }
        }
        let deadline = now_ms() + f64::from(timeout_ms);
        loop {
            self.reload();
            let left = deadline - now_ms();
            if self.store.revision() >= revision || left <= 0.0 {
                return;
            }
            let Some(next_change) = self.tabs.borrow().as_ref().map(|tabs| tabs.next_change(left.ceil() as u32)) else {
                return;
            };
            // A timer does not fail.
            let _ = wasm_bindgen_futures::JsFuture::from(next_change).await;
        }
    }

    /// Brings this tab's session up to the published revision when it is behind (a new tab with
    /// sessionStorage or memory, a tab restored after missing messages): takes a sign-out it missed, or
    /// asks the open tabs and waits up to `wait_ms` for the newest session.
    pub async fn catch_up(&self, wait_ms: u32) {
        match catch_up(&self.view()) {
            CatchUp::UpToDate => {}
            CatchUp::TakeSignOut { revision } => self.take_sign_out(revision),
            CatchUp::AwaitSession { revision } => self.await_session(revision, true, wait_ms).await,
        }
    }

    /// Tells the listeners what changed from `previous` to the current session (see [`session_events`]).
    fn emit_change(&self, previous: Option<Rc<Session>>, last: Option<HomeAccountId>, signed_in: bool) {
        let current = self.store.current();
        for event in session_events(previous.as_deref(), current.as_deref(), last.as_ref(), signed_in) {
            self.emit(&event);
        }
    }

    /// Tells this tab's listeners `event`.
    pub fn emit(&self, event: &AuthEvent) {
        self.events.emit(event)
    }

    /// See [`super::AuthClient::subscribe`].
    pub fn subscribe(&self, listener: impl Fn(&AuthEvent) + 'static) -> Subscription {
        self.events.subscribe(listener)
    }

    /// See [`super::AuthClient::unsubscribe`].
    pub fn unsubscribe(&self, subscription: Subscription) {
        self.events.unsubscribe(subscription)
    }
}
