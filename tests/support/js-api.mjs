// The JS API's declaration as data, for the tests that hold the package to it: auth-wasm's build.rs
// writes it from src/js/declaration.rs (from which it generates the package's TypeScript too), and
// tests/build-npm.sh copies it beside the package, to target/npm/js-api.json (the package does not ship
// it). Needs the package built.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'npm', 'js-api.json');

let declaration;
function read() {
  declaration ??= JSON.parse(readFileSync(FILE, 'utf8'));
  return declaration;
}

/**
 * `{ AuthClientOptions: [{ name, kind, required, choices? }], LoginRequest: …, … }`, in declaration order;
 * `choices` for the enumerated kinds (CacheLocation, Prompt).
 */
export function declarations() {
  return read().interfaces;
}

/** The declared error codes: `wasm`, those of the Rust errors (as the crate's tests check); `loading`, index.js's. */
export function errorCodes() {
  return read().errorCodes;
}
