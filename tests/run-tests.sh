#!/usr/bin/env bash
# Runs every test on a fresh machine: set-up, native unit tests of the protocol core, browser-layer tests
# in headless Chromium (wasm-bindgen-test), the release build of the demo with its size report, the npm
# package and the Leptos quick start with their sizes checked against tests/support/size-budgets.json,
# a Leptos app and a React app of one's own built outside the workspace (tests/apps/), and the end-to-end
# tests (demo app and those apps + local OpenID provider + headless Chromium).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
started=$SECONDS
step() { printf '\n== %s (at %ss)\n' "$*" "$((SECONDS - started))"; }

step "set-up"
bash "$ROOT/tests/setup.sh"
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
cd "$ROOT"

step "native unit tests of the protocol core"
cargo test -p auth-wasm --locked
cargo test -p auth-wasm --locked --features dpop --lib

step "lints, rustdoc (and builds of the tests and the quick-start example)"
cargo clippy --workspace --all-targets --target wasm32-unknown-unknown --locked --quiet -- -D warnings
cargo clippy -p auth-wasm --features js,dpop --target wasm32-unknown-unknown --locked --quiet -- -D warnings
# The public items' rustdoc: no broken or private links.
RUSTDOCFLAGS="-D warnings" cargo doc -p auth-wasm -p leptos-auth --features auth-wasm/js --no-deps \
  --target wasm32-unknown-unknown --locked --quiet

step "browser-layer tests in headless Chromium"
cargo test -p auth-wasm --target wasm32-unknown-unknown --test browser --locked
# The parsers' properties over the browser's own conversions (JSON.parse, URLSearchParams, atob).
cargo test -p auth-wasm --target wasm32-unknown-unknown --test browser_properties --locked

step "component tests in headless Chromium"
cargo test -p leptos-auth --target wasm32-unknown-unknown --test components --locked

step "release build of the demo (trunk)"
trunk build --release

step "size report of the demo"
bash "$ROOT/tests/size-report.sh" "$ROOT/dist"

step "npm package: build, TypeScript check"
bash "$ROOT/tests/build-npm.sh"
(cd "$ROOT/tests" && ./node_modules/.bin/tsc -p npm/tsconfig.json && echo "tsc --noEmit: the usage file type-checks")

step "apps of one's own, built as a newcomer would: the Leptos app (trunk, its own Cargo.lock) and the React app (Vite, the packed npm tarball)"
bash "$ROOT/tests/apps/build-apps.sh"

step "Leptos quick start with and without auth: release builds for the marginal cost"
bash "$ROOT/tests/leptos-size.sh"

step "server-rendered Leptos example: lints of the server and hydrate builds, the components as the server renders them, the server binary and the hydrate wasm"
# The workspace lints above build neither feature; these do (--no-deps: auth-wasm is linted for wasm32 above).
cargo clippy -p ssr-example -p leptos-auth --features ssr-example/ssr,leptos-auth/ssr --lib --bins --tests \
  --locked --quiet --no-deps -- -D warnings
cargo clippy -p ssr-example --features hydrate --lib --examples --target wasm32-unknown-unknown --locked --quiet \
  --no-deps -- -D warnings
cargo test -p leptos-auth --features ssr --test server_render --locked
bash "$ROOT/tests/ssr-example.sh"

step "size report: the npm package and the Leptos marginal cost against their budgets (and the hydrate build's beside it)"
# A size over its limit fails the test command, at the end, so that the other tests still run and report.
sizes_within_limits=true
(cd "$ROOT/tests" && node support/size-report.mjs) || sizes_within_limits=false

step "end-to-end tests in headless Chromium (and the README check)"
cd "$ROOT/tests"
node --test --test-concurrency=1 --test-timeout=300000 unit/ e2e/

step "benchmark: cached-token calls, renewals across tabs, sign-in requests (numbers, not a timed test)"
node bench/session-bench.mjs

if [ "$sizes_within_limits" != true ]; then
  step "FAILED: a size is over its limit in tests/support/size-budgets.json (see the size report above)"
  exit 1
fi
step "all tests passed in $((SECONDS - started))s"
