//! How the tabs of one app follow each other: a BroadcastChannel (same origin only) on which a tab
//! that changed the session sends the whole new session (or none, at sign-out), and a new tab asks the
//! open ones for theirs; the `storage` event where the session is in localStorage; and `pageshow` for a
//! page restored from the back/forward cache, which missed what happened meanwhile.

use wasm_bindgen::prelude::*;

use crate::protocol::json::{self, JsonObject, Value};
use crate::protocol::{HomeAccountId, JsonRecord, Session};

/// A change of the session, as the tab that made it tells the others.
#[derive(Debug)]
pub(crate) struct SessionMessage {
    /// The session now (`None`: signed out).
    pub session: Option<Session>,
    /// Its revision: a tab takes only what is newer than what it has.
    pub revision: u64,
    /// Who was signed in last before the change, as the acting tab knew it (for `AccountChanged`).
    pub last: Option<HomeAccountId>,
    /// Whether an interactive sign-in made it (for `SignedIn` when the same account signs in again).
    pub signed_in: bool,
}

/// What one tab tells the others.
#[derive(Debug)]
pub(crate) enum TabMessage {
    /// The session changed.
    Session(Box<SessionMessage>),
    /// A tab asks the open ones for the session (a new tab, or one whose copy is behind).
    Hello,
}

impl TabMessage {
    fn to_text(&self) -> String {
        let object = match self {
            Self::Session(message) => JsonObject::new()
                .with("type", json::string("session"))
                .with("session", Some(message.session.as_ref().map_or(Value::Null, |s| s.to_json().into_value())))
                .with("revision", json::string(message.revision.to_string()))
                .with("last", json::opt_string(message.last.as_ref().map(HomeAccountId::as_str)))
                .with("signed_in", json::boolean(message.signed_in)),
            Self::Hello => JsonObject::new().with("type", json::string("hello")),
        };
        object.to_json_string()
    }

    /// Reads a message; `None` for anything else (another version's, or nobody's).
    fn from_text(text: &str) -> Option<Self> {
        let object = JsonObject::parse(text).ok()?;
        match object.opt_str("type").ok()?? {
            "hello" => Some(Self::Hello),
            "session" => {
                let session = match object.opt_object("session").ok()? {
                    None => None,
                    Some(session) => Some(Session::from_json(&session).ok()?),
                };
                Some(Self::Session(Box::new(SessionMessage {
                    session,
                    revision: object.opt_str("revision").ok()??.parse().ok()?,
                    last: object.opt_string("last").ok()?.map(HomeAccountId::from_stored),
                    signed_in: object.opt_bool("signed_in").ok()?.unwrap_or(false),
                })))
            }
            _ => None,
        }
    }
}

type Listener = Closure<dyn FnMut(web_sys::Event)>;

/// The channel and the listeners of one client; dropping it closes them.
pub(crate) struct Tabs {
    channel: Option<web_sys::BroadcastChannel>,
    listeners: Vec<(web_sys::EventTarget, &'static str, Listener)>,
}

impl Tabs {
    /// Opens channel `name`. `on_message` gets other tabs' messages; `on_storage` (for a session in
    /// localStorage) the key of each `storage` event; `on_restore` runs when the page comes back from
    /// the back/forward cache.
    pub fn connect(
        name: &str,
        on_message: impl Fn(TabMessage) + 'static,
        on_storage: Option<Box<dyn Fn(Option<String>)>>,
        on_restore: impl Fn() + 'static,
    ) -> Self {
        let mut tabs = Self { channel: web_sys::BroadcastChannel::new(name).ok(), listeners: Vec::new() };
        if let Some(channel) = tabs.channel.clone() {
            tabs.listen(channel.into(), "message", move |event| {
                let text = event.dyn_ref::<web_sys::MessageEvent>().and_then(|e| e.data().as_string());
                if let Some(message) = text.as_deref().and_then(TabMessage::from_text) {
                    on_message(message);
                }
            });
        }
        let Some(window) = web_sys::window() else { return tabs };
        if let Some(on_storage) = on_storage {
            tabs.listen(window.clone().into(), "storage", move |event| {
                if let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() {
                    on_storage(event.key());
                }
            });
        }
        tabs.listen(window.into(), "pageshow", move |event| {
            if event.dyn_ref::<web_sys::PageTransitionEvent>().is_some_and(|e| e.persisted()) {
                on_restore();
            }
        });
        tabs
    }

    fn listen(
        &mut self,
        target: web_sys::EventTarget,
        kind: &'static str,
        handler: impl FnMut(web_sys::Event) + 'static,
    ) {
        let listener: Listener = Closure::new(handler);
        if target.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref()).is_ok() {
            self.listeners.push((target, kind, listener));
        }
    }

    /// Tells the other tabs (not this one).
    pub fn post(&self, message: &TabMessage) {
        if let Some(channel) = &self.channel {
            // A tab that cannot tell the others still works on its own.
            let _ = channel.post_message(&JsValue::from_str(&message.to_text()));
        }
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        for (target, kind, listener) in &self.listeners {
            let _ = target.remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }
}
