//! Leptos bindings for auth-wasm: a context holding the client and the reactive sign-in state.
//!
//! ```ignore
//! let auth = leptos_auth::provide_auth(client); // once, near the root
//! let auth = leptos_auth::use_auth();           // anywhere below
//! ```

mod context;

pub use context::{provide_auth, use_auth, Auth, AuthState};
