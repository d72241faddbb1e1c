//! The sign-in popup's window and the page's one open popup, for the driver (see
//! [`crate::protocol::popup`]). The window is opened, sent on, watched and closed in `popup.js`.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::{Poll, Waker};

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

/// The outcome of the popup open in this page, once it has one, and the calls waiting for it.
#[derive(Default)]
pub(crate) struct Outcome {
    outcome: Option<Result<Account, AuthError>>,
    waiting: Vec<Waker>,
}

/// The popup open in this page: its window, and where its outcome will be.
struct OpenPopup {
    window: JsValue,
    outcome: Rc<RefCell<Outcome>>,
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

/// The popup open in this page: its window and where its outcome will be; `None` when none is.
pub(crate) fn find_open() -> Option<(JsValue, Rc<RefCell<Outcome>>)> {
    OPEN.with_borrow(|open| open.as_ref().map(|popup| (popup.window.clone(), popup.outcome.clone())))
}

/// Brings the popup to the front, where its handle still can.
pub(crate) fn focus(popup: &JsValue) {
    focus_popup(popup);
}

/// The outcome of the popup open in this page, once it has one: what a call that joined it answers.
pub(crate) async fn joined(outcome: Rc<RefCell<Outcome>>) -> Result<Account, AuthError> {
    std::future::poll_fn(move |cx| {
        let mut shared = outcome.borrow_mut();
        match &shared.outcome {
            Some(outcome) => Poll::Ready(outcome.clone()),
            None => {
                shared.waiting.push(cx.waker().clone());
                Poll::Pending
            }
        }
    })
    .await
}

/// Makes `window` the popup open in this page, until the [`Opened`] returned is over.
pub(crate) fn remember(window: JsValue) -> Opened {
    let outcome = Rc::new(RefCell::new(Outcome::default()));
    OPEN.set(Some(OpenPopup { window, outcome: outcome.clone() }));
    Opened(outcome)
}

/// The run of the popup open in this page: when it is over, the page's record of the popup goes, and the
/// calls that joined it get its outcome (or, when the call that opened it was dropped unfinished, an
/// error: nobody is waiting for the provider's answer any more).
pub(crate) struct Opened(Rc<RefCell<Outcome>>);

impl Opened {
    /// The run ended with `outcome`.
    pub(crate) fn end(self, outcome: &Result<Account, AuthError>) {
        self.0.borrow_mut().outcome = Some(outcome.clone());
    }
}

impl Drop for Opened {
    fn drop(&mut self) {
        OPEN.set(None);
        let waiting = {
            let mut shared = self.0.borrow_mut();
            if shared.outcome.is_none() {
                let why = "the call that opened the sign-in popup was dropped before it ended";
                shared.outcome = Some(Err(AuthError::Browser(why.into())));
            }
            std::mem::take(&mut shared.waiting)
        };
        waiting.into_iter().for_each(Waker::wake);
    }
}
