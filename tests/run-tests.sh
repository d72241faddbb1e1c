#!/usr/bin/env bash
# Runs every test on a fresh machine: set-up, native unit tests of the protocol core, browser-layer tests
# in headless Chromium (wasm-bindgen-test), the release build of the demo with its size report, and the
# end-to-end tests (demo app + local OpenID provider + headless Chromium).
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

step "lints (and builds of the tests and the quick-start example)"
cargo clippy --workspace --all-targets --target wasm32-unknown-unknown --locked --quiet -- -D warnings
cargo clippy -p auth-wasm --features js --target wasm32-unknown-unknown --locked --quiet -- -D warnings

step "browser-layer tests in headless Chromium"
cargo test -p auth-wasm --target wasm32-unknown-unknown --test browser --locked

step "component tests in headless Chromium"
cargo test -p leptos-auth --target wasm32-unknown-unknown --test components --locked

step "release build of the demo (trunk)"
trunk build --release

step "size report of the demo"
bash "$ROOT/tests/size-report.sh" "$ROOT/dist"

step "npm package: build, TypeScript check, size report"
bash "$ROOT/tests/build-npm.sh"
(cd "$ROOT/tests" && ./node_modules/.bin/tsc -p npm/tsconfig.json && echo "tsc --noEmit: the usage file type-checks")
(cd "$ROOT/tests" && node support/npm-size.mjs)

step "end-to-end tests in headless Chromium (and the README check)"
cd "$ROOT/tests"
node --test --test-concurrency=1 --test-timeout=300000 unit/ e2e/

step "benchmark: cached-token calls, renewals across tabs, sign-in requests (numbers, not a timed test)"
node bench/session-bench.mjs

step "all tests passed in $((SECONDS - started))s"
