# Sourced by the scripts here: puts the npm wasm-opt (binaryen 132) first on PATH for trunk.
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH="$TESTS_DIR/node_modules/.bin:$HOME/.cargo/bin:$PATH"
