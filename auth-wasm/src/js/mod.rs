//! The JavaScript API of the npm package: `AuthClient` for plain JS/TS apps, with typed options,
//! promises, and errors that are JS `Error`s with a stable `code`.

mod client;
mod errors;
mod types;
