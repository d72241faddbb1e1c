//! The JavaScript API of the npm package: `AuthClient` for plain JS/TS apps, with typed options,
//! promises, and errors that are JS `Error`s with a stable `code`.
//!
//! The API is declared once, in [`declaration`]: its options and requests field by field, its error
//! codes, and the types it hands back. `build.rs` writes the package's TypeScript from it, and the readers
//! here accept what it declares. The declaration and the readers are plain Rust, tested natively.

/// The declaration the TypeScript is generated from (`build.rs` `include!`s the same file).
// The crate reads the names and kinds; the docs, defaults, error codes and output types are build.rs's
// (and the tests').
#[allow(dead_code)]
pub(crate) mod declaration;
mod options;

#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod client;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod errors;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
mod types;

#[cfg(test)]
mod tests;

/// The npm package's allocator: talc, a small allocator for wasm, instead of Rust's default dlmalloc,
/// whose code is several times larger. Only the npm build (feature `js`) sets it: a Rust app keeps the
/// allocator it chose.
#[cfg(all(target_arch = "wasm32", feature = "js"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
