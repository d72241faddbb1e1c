#!/usr/bin/env bash
# Sets up a fresh machine, builds the demo, and serves it against a local OpenID provider it starts
# itself. Stop with Ctrl-C. Ports: DEMO_PORT (default 8080) and PROVIDER_PORT (default 8600).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/tests/setup.sh"
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
cd "$ROOT"
trunk build --release
bash "$ROOT/tests/build-npm.sh"
cd "$ROOT/tests"
exec node support/stack.mjs --spa-port "${DEMO_PORT:-8080}" --op-port "${PROVIDER_PORT:-8600}" \
  --api-port "${API_PORT:-8601}" --banner
