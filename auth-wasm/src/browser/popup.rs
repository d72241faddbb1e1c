//! The sign-in popup's window and the page's one open popup, for the driver (see
//! [`crate::protocol::popup`]). The window is opened, sent on, watched and closed in `popup.js`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

use futures_util::future::{Shared, WeakShared};
use wasm_bindgen::prelude::*;

use super::AuthError;
use crate::protocol::popup::Watched;
use crate::protocol::{Account, PopupWindow};

#[wasm_bindgen(module = "/src/browser/popup.js")]
extern "C" {
    #[wasm_bindgen(js_name = openPopup)]
    fn open_popup(width: u32, height: u32, left: i64, top: i64) -> JsValue;
    #[wasm_bindgen(js_name = navigatePopup, catch)]
    fn navigate_popup(popup: &JsValue, url: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = awaitPopup)]
    async fn await_popup(popup: &JsValue, channel_name: &str, timeout_ms: u32, watch_closed: bool) -> JsValue;
    #[wasm_bindgen(js_name = focusPopup)]
    fn focus_popup(popup: &JsValue);
    #[wasm_bindgen(js_name = closePopup)]
    fn close_popup(popup: &JsValue);
}

/// The run of a popup sign-in.
type Run = Pin<Box<dyn Future<Output = Result<Account, AuthError>>>>;

/// The run of a popup sign-in, shared by the calls that join it.
pub(crate) type PopupRun = Shared<Run>;

/// The popup open in this page: its window, and its run (weakly: a run every caller dropped is over).
struct OpenPopup {
    window: JsValue,
    run: WeakShared<Run>,
}

thread_local! {
    /// One popup at a time in a page.
    static OPEN: RefCell<Option<OpenPopup>> = const { RefCell::new(None) };
}

/// Opens a blank window placed as `window` says; `None` where the browser refuses.
pub(crate) fn open(window: &PopupWindow) -> Option<JsValue> {
    let at = |coordinate: Option<u32>| coordinate.map_or(-1, i64::from);
    let popup = open_popup(window.width, window.height, at(window.left), at(window.top));
    (!popup.is_null()).then_some(popup)
}

/// Sends the popup to `url`.
pub(crate) fn navigate(popup: &JsValue, url: &str) -> Result<(), AuthError> {
    navigate_popup(popup, url).map_err(AuthError::browser)
}

/// What ends a wait for the popup's answer on `channel_name` (see `awaitPopup`).
pub(crate) async fn await_answer(popup: &JsValue, channel_name: &str, timeout_ms: u32, watch_closed: bool) -> Watched {
    let ended = await_popup(popup, channel_name, timeout_ms, watch_closed).await;
    match (ended.as_string(), ended.as_bool()) {
        (Some(url), _) => Watched::Answer(url),
        (_, Some(seen_on_provider)) => Watched::Closed { seen_on_provider },
        _ => Watched::TimedOut,
    }
}

/// Closes the popup, where its handle still can.
pub(crate) fn close(popup: &JsValue) {
    close_popup(popup);
}

/// The popup open in this page: its window and its run; `None` when none is.
pub(crate) fn find_open() -> Option<(JsValue, PopupRun)> {
    OPEN.with_borrow_mut(|open| {
        let found = open.as_ref().and_then(|popup| Some((popup.window.clone(), popup.run.upgrade()?)));
        if found.is_none() {
            *open = None;
        }
        found
    })
}

/// Brings the popup to the front, where its handle still can.
pub(crate) fn focus(popup: &JsValue) {
    focus_popup(popup);
}

/// Remembers `run`, in `window`, as the popup open in this page.
pub(crate) fn remember(window: JsValue, run: &PopupRun) {
    if let Some(run) = run.downgrade() {
        OPEN.set(Some(OpenPopup { window, run }));
    }
}

/// Forgets the popup open in this page: its run is over.
pub(crate) fn forget() {
    OPEN.set(None);
}
