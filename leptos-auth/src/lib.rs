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

#![warn(missing_docs)]

mod authentication;
mod authorize_view;
mod context;
mod redirect_to_login;

pub use auth_wasm::browser::AuthorizedFetch;
pub use authentication::{Authentication, AuthenticationPaths};
pub use authorize_view::AuthorizeView;
pub use context::{provide_auth, provide_auth_with_client, use_auth, Auth, AuthProvider, AuthState};
pub use redirect_to_login::RedirectToLogin;
