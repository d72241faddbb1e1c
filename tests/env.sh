# Sourced by the scripts here: puts the npm wasm-opt (binaryen 132) first on PATH for trunk.
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH="$TESTS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# The wasm features wasm-opt may use (what wasm-bindgen's output needs; never -all with wasm-opt 132):
# the npm package (build-npm.sh) and the Leptos size probes (leptos-size.sh) are optimised alike.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --enable-reference-types --enable-multivalue)
# How wasm-opt optimises them: for size, without the producers section. (--converge and --gufa win or lose
# a little from one build to the next: not used.)
WASM_OPT_SIZE=(-Oz --strip-producers)
# The nightly the npm package is built with (build-npm.sh: std rebuilt with panics that abort at once);
# tests/setup.sh installs it with rust-src. Everything else builds with stable.
NPM_NIGHTLY=nightly-2026-05-20
