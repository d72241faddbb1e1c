//! The JavaScript API of the npm package: `AuthClient` for plain JS/TS apps, with typed options,
//! promises, and errors that are JS `Error`s with a stable `code`.

mod client;
mod errors;
mod types;

/// The npm package's allocator: talc, a small allocator for wasm, instead of Rust's default dlmalloc,
/// whose code is several times larger. Only the npm build (feature `js`) sets it: a Rust app keeps the
/// allocator it chose.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
