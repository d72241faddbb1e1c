//! How a sign-in popup is made: the page it lands on, its window, and how long it may take. Given with
//! each popup call rather than in [`super::ClientConfig`], so that an app that never opens a popup
//! carries none of it.

/// The default popup redirect URI: a static page of this app that hands the provider's answer to the
/// page that opened the popup, and closes (see `popup-callback.html`).
pub const DEFAULT_POPUP_REDIRECT_PATH: &str = "/popup-callback.html";

/// How long a popup may take by default: the user signs in there.
pub const DEFAULT_POPUP_TIMEOUT_SECS: u32 = 120;

/// The popup window's size and position, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PopupWindow {
    /// Its width (default 483, as MSAL.js's).
    pub width: u32,
    /// Its height (default 600).
    pub height: u32,
    /// Its distance from the screen's left edge; `None`: centred over the app's window.
    pub left: Option<u32>,
    /// Its distance from the screen's top edge; `None`: centred over the app's window.
    pub top: Option<u32>,
}

impl Default for PopupWindow {
    fn default() -> Self {
        Self { width: 483, height: 600, left: None, top: None }
    }
}

/// The options of a sign-in or token request in a popup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopupOptions {
    /// Where the provider sends the popup back: a static page of this app, registered as a redirect URI
    /// (an absolute URL, or a path of this app; default `/popup-callback.html`). It must not load the app.
    pub redirect_uri: String,
    /// The window's size and position.
    pub window: PopupWindow,
    /// How long the call waits for the provider's answer before it ends with `popup_timeout`. Under
    /// `Cross-Origin-Opener-Policy: same-origin` this is also how long a popup the user closed keeps the
    /// call waiting: the app cannot see the close there.
    pub timeout_secs: u32,
}

impl Default for PopupOptions {
    fn default() -> Self {
        Self {
            redirect_uri: DEFAULT_POPUP_REDIRECT_PATH.to_owned(),
            window: PopupWindow::default(),
            timeout_secs: DEFAULT_POPUP_TIMEOUT_SECS,
        }
    }
}
