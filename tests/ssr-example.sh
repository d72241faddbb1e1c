#!/usr/bin/env bash
# Builds the server-rendered example (leptos-auth/examples/ssr), its two builds of one crate:
#   the server binary for the host (feature ssr)      → target/debug/ssr-example
#   the browser's wasm (feature hydrate, release for wasm32, wasm-bindgen --target web, npm binaryen's
#   wasm-opt -Oz as the size probes are)              → target/ssr-example/site/pkg/ssr_example{.js,_bg.wasm}
#   size probes: the quick start with and without auth, built for hydration alike
#                                                     → target/ssr-example/size/hydrate_quickstart{,_without_auth}/
# tests/e2e/ssr.test.mjs runs the binary with LEPTOS_SITE_ROOT=target/ssr-example/site; the size report
# (tests/support/leptos-size.mjs) prints the hydrate marginal cost from the two probes.
#   bash tests/ssr-example.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PKG="$ROOT/target/ssr-example/site/pkg"
PROBES_DIR="$ROOT/target/ssr-example/size"

# The server: a debug build (it is run, not measured; a release build of axum takes minutes more).
cargo build -p ssr-example --features ssr --locked
# The browser's build, and leptos-auth's quick start with and without auth built for hydration, for the
# size report's hydrate marginal cost.
PROBES=(hydrate_quickstart hydrate_quickstart_without_auth)
cargo build -p ssr-example --lib "${PROBES[@]/#/--example=}" --release --target wasm32-unknown-unknown \
  --features hydrate --locked
rm -rf "$PKG" "$PROBES_DIR"
mkdir -p "$PKG"
# The blank page silent renewal returns to (a registered redirect URI that must not run the app).
cp leptos-auth/examples/ssr/public/silent-callback.html "$PKG/.."
wasm-bindgen --target web --out-dir "$PKG" --out-name ssr_example \
  "$TARGET/wasm32-unknown-unknown/release/ssr_example.wasm"
wasm-opt "${WASM_OPT_SIZE[@]}" "${WASM_OPT_FEATURES[@]}" "$PKG/ssr_example_bg.wasm" -o "$PKG/ssr_example_bg.wasm"
for probe in "${PROBES[@]}"; do
  wasm-bindgen --target web --out-dir "$PROBES_DIR/$probe" --out-name "$probe" \
    "$TARGET/wasm32-unknown-unknown/release/examples/$probe.wasm"
  wasm="$PROBES_DIR/$probe/${probe}_bg.wasm"
  wasm-opt "${WASM_OPT_SIZE[@]}" "${WASM_OPT_FEATURES[@]}" "$wasm" -o "$wasm"
done
echo "server-rendered example: $TARGET/debug/ssr-example, browser build in $PKG"
