// A size probe, not an example to copy: `quickstart.rs` with the sign-in taken out (no auth-wasm, no
// leptos-auth), so that `tests/leptos-size.sh` can measure what the quick start's auth costs an app.
// The same mount, context, router, two routes, reactive views and buttons; the signed-in user is a
// signal in context instead of `use_auth()`, and the authentication route is gone.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

type SignedIn = RwSignal<Option<String>>;

/// Public so that `core_probe.rs`, which includes this file as a module, starts the same app.
pub fn main() {
    leptos::mount::mount_to_body(|| view! { <App /> });
}

#[component]
fn App() -> impl IntoView {
    provide_context::<SignedIn>(RwSignal::new(None));
    view! {
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=Home />
                <Route path=path!("/orders") view=Orders />
            </Routes>
        </Router>
    }
}

#[component]
fn Home() -> impl IntoView {
    let user = expect_context::<SignedIn>();
    move || match user.get() {
        Some(name) => view! {
            <p>"Hello, " {name}</p>
            <button on:click=move |_| user.set(None)>"Sign out"</button>
        }
        .into_any(),
        None => view! { <button on:click=move |_| user.set(Some("alice".into()))>"Sign in"</button> }.into_any(),
    }
}

#[component]
fn Orders() -> impl IntoView {
    let user = expect_context::<SignedIn>();
    move || match user.get() {
        Some(name) => view! { <p>"Orders of " {name}</p> }.into_any(),
        None => "Not signed in".into_any(),
    }
}
