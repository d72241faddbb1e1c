//! The channel between the tabs of one app: a BroadcastChannel (same origin only) on which a tab that
//! changed the session sends the whole new session (or none, at sign-out), and a new tab asks the open
//! ones for theirs; the `storage` event where the session is in localStorage; and `pageshow` for a page
//! restored from the back/forward cache, which missed what happened meanwhile. The messages and the
//! rules of what a tab takes are the core's ([`crate::protocol::TabMessage`]).

use wasm_bindgen::prelude::*;

use crate::protocol::{HomeAccountId, Session, TabMessage};

#[wasm_bindgen(module = "/src/browser/tabs.js")]
extern "C" {
    type TabsChannel;
    #[wasm_bindgen(constructor)]
    fn new(
        name: &str,
        on_message: &Closure<dyn FnMut(String)>,
        on_storage: Option<&Closure<dyn FnMut(Option<String>)>>,
        on_restore: &Closure<dyn FnMut()>,
    ) -> TabsChannel;
    #[wasm_bindgen(method)]
    fn post(this: &TabsChannel, text: &str);
    #[wasm_bindgen(method, js_name = nextChange)]
    fn next_change(this: &TabsChannel, ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn close(this: &TabsChannel);
}

/// The channel and the listeners of one client (`TabsChannel` in `tabs.js`); dropping it closes them.
pub(crate) struct Tabs {
    channel: TabsChannel,
    _on_message: Closure<dyn FnMut(String)>,
    _on_storage: Option<Closure<dyn FnMut(Option<String>)>>,
    _on_restore: Closure<dyn FnMut()>,
}

impl Tabs {
    /// Opens channel `name`. `on_message` gets other tabs' messages; `on_storage` (for a session in
    /// localStorage) the key of each `storage` event (`None`: the storage was cleared); `on_restore` runs
    /// when the page comes back from the back/forward cache.
    pub fn connect(
        name: &str,
        on_message: impl Fn(TabMessage) + 'static,
        on_storage: Option<impl Fn(Option<String>) + 'static>,
        on_restore: impl Fn() + 'static,
    ) -> Self {
        let on_message = Closure::<dyn FnMut(String)>::new(move |text: String| {
            if let Some(message) = TabMessage::from_text(&text) {
                on_message(message);
            }
        });
        let on_storage = on_storage.map(|on_storage| Closure::<dyn FnMut(Option<String>)>::new(on_storage));
        let on_restore = Closure::<dyn FnMut()>::new(on_restore);
        let channel = TabsChannel::new(name, &on_message, on_storage.as_ref(), &on_restore);
        Self { channel, _on_message: on_message, _on_storage: on_storage, _on_restore: on_restore }
    }

    /// Asks the other tabs for the session.
    pub fn post_hello(&self) {
        self.channel.post(&TabMessage::hello_text());
    }

    /// Tells the other tabs (not this one) the session at `revision` (see
    /// [`crate::protocol::SessionMessage`]).
    pub fn post_session(
        &self,
        session: Option<&Session>,
        revision: u64,
        last: Option<&HomeAccountId>,
        signed_in: bool,
    ) {
        self.channel.post(&TabMessage::session_text(session, revision, last, signed_in));
    }

    /// Resolves once the next message or `storage` event has been handled, or after `ms`.
    pub fn next_change(&self, ms: u32) -> js_sys::Promise {
        self.channel.next_change(ms)
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        self.channel.close();
    }
}
