//! Leptos bindings for auth-wasm, after Blazor's WebAssembly authentication: a provider and context,
//! `<AuthorizeView>`, `<RedirectToLogin>`, the `authentication/:action` route, and authorized fetch.
//!
//! ```ignore
//! view! {
//!     <AuthProvider config>
//!         <Router>
//!             <Routes fallback=|| "Not found">
//!                 <Route path=path!("/authentication/:action") view=Authentication />
//!                 <Route path=path!("/orders") view=|| view! {
//!                     <AuthorizeView authorized=|user| view! { "Hello " {user.display_name} }
//!                                    not_authorized=|| view! { <RedirectToLogin /> } />
//!                 } />
//!             </Routes>
//!         </Router>
//!     </AuthProvider>
//! }
//! ```

//!
//! ## Rendering modes
//! Features `csr`, `hydrate` and `ssr` are forwarded to Leptos's own. The server build (`ssr`, host
//! target) has no browser code and no session, as the tokens live in the browser: every page renders as
//! [`AuthState::Authorizing`], and a token call fails with [`AuthError::NotAvailableOnServer`]. The
//! browser hydrates that markup, then finds who is signed in, as a client-only app does.

#![warn(missing_docs)]

mod authentication;
mod authorize_view;
mod context;
mod redirect_to_login;
#[cfg(not(target_arch = "wasm32"))]
mod server;

/// The browser layer the components drive: auth-wasm's in the browser; on the server, its stand-in
/// with the same names, which has no session (`server.rs`).
#[cfg(target_arch = "wasm32")]
use auth_wasm::browser as browser_api;
#[cfg(not(target_arch = "wasm32"))]
use server as browser_api;

/// auth-wasm itself, for what is not re-exported below (the protocol core, JSON claims, the browser layer),
/// so that a Leptos app can depend on leptos-auth alone.
pub use auth_wasm;
// What an app names when it uses the components: its configuration, the requests and options of sign-in,
// the scopes and token of an API call, the signed-in account, the events, the errors.
#[cfg(feature = "dpop")]
pub use auth_wasm::protocol::DpopMode;
pub use auth_wasm::protocol::{
    AccessToken, Account, AuthError, AuthEvent, CacheLocation, ClientConfig, InteractiveAuthenticationRequest,
    PopupOptions, Prompt, Scope, Scopes,
};
// From here rather than `auth_wasm::browser`, an app's code compiles for the server too.
pub use authentication::{Authentication, AuthenticationPaths};
pub use authorize_view::AuthorizeView;
pub use browser_api::{current_path, AuthClient, AuthorizedFetch, InteractionRequired, TokenResult};
pub use context::{provide_auth, provide_auth_with_client, use_auth, Auth, AuthProvider, AuthState};
pub use redirect_to_login::RedirectToLogin;
