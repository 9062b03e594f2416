#!/usr/bin/env bash
# Security suite: thousands of hostile requests generated from the OpenAPI document (fast-check), the
# authorization matrix of every route, the front door's edge cases (traversal, cross-site, headers,
# timeouts, health under slow requests), a flooding client, and every hole the security review of local
# mode reported, each file against its own platform on free ports (about 2 minutes).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
npx vitest run --config vitest.security.config.ts \
  --reporter=default --reporter=json --outputFile="$RESULTS_DIR/$SUITE_NAME.json"
