#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian machine with rustup, Node.js and npm.
# Idempotent: each step is skipped when what it installs is already there at the right version, so a
# re-run takes about a second. A fresh run takes about 16 minutes on 2 cores (trunk is most of it).
#
# Source this file's sibling `env.sh` afterwards for PATH (the npm wasm-opt first).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRUNK_VERSION=0.21.14   # 0.22 needs a newer rustc than stable 1.95
step() { printf '\n== setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian's Chromium and ChromeDriver (browser tests), brotli (size report), xvfb (the benchmark's run with
# tabs in the background, which needs a headed Chromium and so a display).
missing=()
for pkg in chromium chromium-driver brotli xvfb; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The pinned nightly of the npm package's build (see build-npm.sh), with std's source for -Z build-std.
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
if ! rustup component list --toolchain "$NPM_NIGHTLY" --installed 2>/dev/null | grep -q '^rust-src'; then
  step "rustup toolchain $NPM_NIGHTLY with rust-src"
  rustup toolchain install "$NPM_NIGHTLY" --profile minimal --component rust-src
fi

# wasm-bindgen-cli must equal the wasm-bindgen of Cargo.lock exactly.
cd "$ROOT"
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ] \
  || ! command -v wasm-bindgen-test-runner >/dev/null; then
  step "cargo install wasm-bindgen-cli $wb_version (~4 min)"
  # Some releases' own lock files pin a yanked crate; retry unlocked then.
  cargo install --locked wasm-bindgen-cli --version "$wb_version" --force \
    || cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  step "cargo install trunk $TRUNK_VERSION (~9 min)"
  # A tool build need not be size-optimised: skipping LTO saves minutes.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked trunk --version "$TRUNK_VERSION" --force
fi

# The test provider, the browser driver and wasm-opt (npm binaryen 132: Debian's wasm-opt 108 breaks
# current wasm-bindgen output at run time).
cd "$ROOT/tests"
if ! npm ls --depth=0 >/dev/null 2>&1; then
  step "npm ci (tests/)"
  npm ci --no-audit --no-fund
fi

# The React app of one's own (tests/apps/react-app: Vite, React Router) from its lock file; the npm
# package's tarball goes in when the app is built (tests/apps/build-apps.sh).
cd "$ROOT/tests/apps/react-app"
if ! npm ls --depth=0 >/dev/null 2>&1; then
  step "npm ci (tests/apps/react-app/)"
  npm ci --no-audit --no-fund
fi

# Trunk runs cargo with --offline: every crate must be in the local registry before it builds (the
# workspace's, and the Leptos app's of one's own, which has its own lock file).
cd "$ROOT"
cargo fetch --locked >/dev/null
(cd "$ROOT/tests/apps/leptos-app" && cargo fetch --locked >/dev/null)

step "ready"
