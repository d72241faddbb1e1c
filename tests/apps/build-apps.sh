#!/usr/bin/env bash
# Builds the two apps of one's own that tests/e2e/leptos-app.test.mjs and react.test.mjs drive, each as a
# newcomer would, outside the Cargo workspace and the tests' npm package:
# - tests/apps/leptos-app/: its own Cargo.toml and Cargo.lock (wasm-bindgen locked to the workspace's, so
#   the installed CLI matches), the README's dependency lines, release profile, Trunk.toml and index.html;
#   `trunk build --release` into target/apps/leptos-app/ (the build cache: the workspace's target/).
# - tests/apps/react-app/: Vite + React + React Router from its own package-lock.json, with the packed npm
#   tarball (tests/build-npm.sh) installed into it; `vite build` into target/apps/react-app/.
#   bash tests/apps/build-apps.sh [leptos|react]   (both without an argument)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../env.sh
source "$ROOT/tests/env.sh"
OUT="$ROOT/target/apps"
which=${1:-all}
timed() { local start=$SECONDS; "$@"; echo "built in $((SECONDS - start))s"; }

leptos_app() {
  cd "$ROOT/tests/apps/leptos-app"
  CARGO_TARGET_DIR="$ROOT/target" trunk build --release --dist "$OUT/leptos-app"
  echo "Leptos app: $OUT/leptos-app ($(gzip -9c "$OUT"/leptos-app/*.wasm | wc -c) B gzip of the .wasm)"
}

react_app() {
  cd "$ROOT/tests/apps/react-app"
  # The lock file's packages (tests/setup.sh installs them), then the package as an app gets it: the
  # tarball, which npm unpacks into node_modules/auth-wasm without writing it into the lock file.
  [ -d node_modules/vite ] || npm ci --no-audit --no-fund
  local version
  version=$(node -p 'require(process.argv[1]).version' "$ROOT/target/npm/auth-wasm/package.json")
  npm install --no-save --no-audit --no-fund "$ROOT/target/npm/auth-wasm-$version.tgz"
  # React's development build: <StrictMode> runs every effect twice only there (the test's point).
  NODE_ENV=development ./node_modules/.bin/vite build --outDir "$OUT/react-app" --emptyOutDir --logLevel warn
  echo "React app: $OUT/react-app"
}

case $which in
  leptos) timed leptos_app ;;
  react) timed react_app ;;
  all) timed leptos_app; timed react_app ;;
  *) echo "usage: bash tests/apps/build-apps.sh [leptos|react]" >&2; exit 2 ;;
esac
