#!/usr/bin/env bash
# AWS CDK suite (offline): template assertions, cdk-nag and bundle tests with vitest, then a full
# `cdk synth` with cfn-lint over every template. Counted as one extra test: "cfn-lint".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
npx vitest run --config vitest.infra.config.ts --reporter=default --reporter=json --outputFile="$RESULTS_DIR/$SUITE_NAME.json"
vitest_status=$?
if bash .ci/cfn-lint.sh; then lint='{"passed":1,"failed":0}'; else lint='{"passed":0,"failed":1}'; fi
echo "$lint" > "$RESULTS_DIR/$SUITE_NAME-cfn-lint.json"
exit $vitest_status
