//! Leptos bindings for auth-wasm: a context holding the client and the reactive sign-in state, and the
//! authentication route.
//!
//! ```ignore
//! view! {
//!     <Router>
//!         <AuthProvider client>           // or provide_auth(client) in a component under <Router>
//!             <Routes fallback=|| "Not found">
//!                 <Route path=path!("/authentication/:action") view=Authentication />
//!                 ...
//!             </Routes>
//!         </AuthProvider>
//!     </Router>
//! }
//! ```

mod authentication;
mod context;

pub use authentication::Authentication;
pub use context::{provide_auth, use_auth, Auth, AuthProvider, AuthState};
