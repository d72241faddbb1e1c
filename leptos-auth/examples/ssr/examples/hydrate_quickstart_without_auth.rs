//! A size probe: leptos-auth's quickstart_without_auth.rs built for hydration (see hydrate_quickstart.rs).

include!("../../quickstart_without_auth.rs");

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
