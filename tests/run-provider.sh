#!/usr/bin/env bash
# Starts the local OpenID provider and the demo API for apps of your own, on the origins given, and prints
# the authority, client id, scopes, API URL and redirect URIs to configure them with. Stop with Ctrl-C.
#   bash tests/run-provider.sh http://localhost:3000 [http://localhost:5173 ...]
# Ports: PROVIDER_PORT (default 8600) and API_PORT (default 8601). Needs Node.js; installs the stack's npm
# packages on first use.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -eq 0 ]; then
  echo "usage: bash tests/run-provider.sh APP_ORIGIN [APP_ORIGIN ...]   (e.g. http://localhost:3000)" >&2
  exit 2
fi
# shellcheck source=env.sh
source "$ROOT/tests/env.sh"
cd "$ROOT/tests"
[ -d node_modules/oidc-provider ] || npm ci --no-audit --no-fund
args=()
for origin in "$@"; do args+=(--app-origin "$origin"); done
exec node support/stack.mjs "${args[@]}" --op-port "${PROVIDER_PORT:-8600}" --api-port "${API_PORT:-8601}"
