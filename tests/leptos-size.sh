#!/usr/bin/env bash
# Builds the Leptos quick start (leptos-auth/examples/quickstart.rs) and the same app without auth
# (quickstart_without_auth.rs) as a browser would get them, for the size report's "Leptos marginal cost":
# release for wasm32 (the workspace profile: opt-level z, LTO, panic abort), wasm-bindgen --target web
# (the Cargo.lock version), then npm binaryen's wasm-opt -Oz with the package's features (env.sh).
# Also keeps a copy of each with function names (wasm-opt -Oz -g) for the per-crate breakdown.
#   bash tests/leptos-size.sh    →  target/leptos-size/{quickstart,quickstart_without_auth,core_probe}/
# `node tests/support/size-report.mjs` measures and checks what this builds.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT="$ROOT/target/leptos-size"   # beside target/npm, where the size report reads
APPS=(quickstart quickstart_without_auth core_probe)

cargo build -p leptos-auth --release --target wasm32-unknown-unknown --locked \
  "${APPS[@]/#/--example=}"
rm -rf "$OUT"
for app in "${APPS[@]}"; do
  dir="$OUT/$app"
  mkdir -p "$dir"
  wasm-bindgen --target web --out-dir "$dir" --out-name "$app" \
    "$TARGET/wasm32-unknown-unknown/release/examples/$app.wasm"
  wasm-opt "${WASM_OPT_SIZE[@]}" -g "${WASM_OPT_FEATURES[@]}" "$dir/${app}_bg.wasm" -o "$dir/$app.names.wasm"
  wasm-opt "${WASM_OPT_SIZE[@]}" "${WASM_OPT_FEATURES[@]}" "$dir/${app}_bg.wasm" -o "$dir/${app}_bg.wasm"
done
echo "Leptos size probes: $OUT/{$(IFS=,; echo "${APPS[*]}")}"
