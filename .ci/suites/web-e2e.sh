#!/usr/bin/env bash
# Browser end-to-end suite: the storefront and operations console in Debian's Chromium, driven by
# playwright-core (which never downloads a browser here). Builds apps/web first; each test file starts
# its own Meridian on free ports with a temporary data directory.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
report="$RESULTS_DIR/$SUITE_NAME.json"
fail() {
  echo "web-e2e: $1"
  echo '{"passed":0,"failed":1}' >"$report"
  exit 1
}

if [ ! -x /usr/bin/chromium ]; then
  as_root=""
  [ "$(id -u)" -ne 0 ] && as_root="sudo"
  { $as_root apt-get update && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y chromium; } ||
    fail "could not install chromium"
fi
/usr/bin/chromium --version || fail "chromium does not start"

npm run -w @meridian/web build || fail "the web app does not build"

# Includes region-failover.e2e.test.ts: an admin kills a region from the console, a new order succeeds.
npx vitest run --config apps/web/vitest.e2e.config.ts \
  --reporter=default --reporter=json --outputFile="$report"
