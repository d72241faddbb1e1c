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
    /// The text of [`TabMessage::Hello`].
    fn hello_text() -> String {
        JsonObject::new().with("type", json::string("hello")).to_json_string()
    }

    /// The text of a [`TabMessage::Session`] with these values, written from the session in place (the
    /// sender does not copy its session into a message to send it).
    fn session_text(session: Option<&Session>, revision: u64, last: Option<&HomeAccountId>, signed_in: bool) -> String {
        JsonObject::new()
            .with("type", json::string("session"))
            .with("session", Some(session.map_or(Value::Null, |s| s.to_json().into_value())))
            .with("revision", json::string(crate::protocol::decimal(revision)))
            .with("last", json::opt_string(last.map(HomeAccountId::as_str)))
            .with("signed_in", json::boolean(signed_in))
            .to_json_string()
    }

    /// Reads a message; `None` for anything else (another version's, or nobody's).
    fn from_text(text: &str) -> Option<Self> {
        let object = JsonObject::parse(text).ok()?;
        match object.opt_str("type").ok()?? {
            "hello" => Some(Self::Hello),
            "session" => {
                let session = match object.opt_object("session").ok()? {
                    None => None,
                    Some(session) => Some(Session::from_json(session).ok()?),
                };
                Some(Self::Session(Box::new(SessionMessage {
                    session,
                    revision: crate::protocol::parse_decimal(object.opt_str("revision").ok()??)?,
                    last: object.opt_string("last").ok()?.map(HomeAccountId::from_stored),
                    signed_in: object.opt_bool("signed_in").ok()?.unwrap_or(false),
                })))
            }
            _ => None,
        }
    }
}

#[wasm_bindgen(module = "/src/browser/tabs.js")]
extern "C" {
    type TabsChannel;
    #[wasm_bindgen(constructor)]
    fn new(
        name: &str,
        on_message: &Closure<dyn FnMut(Option<String>)>,
        on_storage: Option<&Closure<dyn FnMut(Option<String>)>>,
        on_restore: &Closure<dyn FnMut(Option<String>)>,
    ) -> TabsChannel;
    #[wasm_bindgen(method)]
    fn post(this: &TabsChannel, text: &str);
    #[wasm_bindgen(method)]
    fn close(this: &TabsChannel);
}

/// The channel and the listeners of one client (`TabsChannel` in `tabs.js`); dropping it closes them.
pub(crate) struct Tabs {
    channel: TabsChannel,
    _on_message: Closure<dyn FnMut(Option<String>)>,
    _on_storage: Option<Closure<dyn FnMut(Option<String>)>>,
    _on_restore: Closure<dyn FnMut(Option<String>)>,
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
        // Typed as `on_storage` is (the message is always a string, `on_restore` is given nothing): one
        // closure type, not three, in the wasm.
        let on_message = Closure::<dyn FnMut(Option<String>)>::new(move |text: Option<String>| {
            if let Some(message) = text.as_deref().and_then(TabMessage::from_text) {
                on_message(message);
            }
        });
        let on_storage = on_storage.map(Closure::<dyn FnMut(Option<String>)>::new);
        let on_restore = Closure::<dyn FnMut(Option<String>)>::new(move |_: Option<String>| on_restore());
        let channel = TabsChannel::new(name, &on_message, on_storage.as_ref(), &on_restore);
        Self { channel, _on_message: on_message, _on_storage: on_storage, _on_restore: on_restore }
    }

    /// Asks the other tabs for the session.
    pub fn post_hello(&self) {
        self.channel.post(&TabMessage::hello_text());
    }

    /// Tells the other tabs (not this one) the session at `revision` (see [`SessionMessage`]).
    pub fn post_session(
        &self,
        session: Option<&Session>,
        revision: u64,
        last: Option<&HomeAccountId>,
        signed_in: bool,
    ) {
        self.channel.post(&TabMessage::session_text(session, revision, last, signed_in));
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        self.channel.close();
    }
}
