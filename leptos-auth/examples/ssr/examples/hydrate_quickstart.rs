//! A size probe: leptos-auth's quick start (leptos-auth/examples/quickstart.rs, the app the client-only
//! figure measures) built for hydration, so that the size report prints the hydrate build's marginal cost
//! beside the client-only one (against hydrate_quickstart_without_auth.rs). Built, not run.

// Its `main` (mount_to_body) is not this build's entry: `hydrate` is.
#![allow(dead_code)]

include!("../../quickstart.rs");

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let config = ClientConfig::new("https://login.example.com/tenant", "your-client-id");
    leptos::mount::hydrate_body(move || view! { <App config=config.clone() /> });
}
