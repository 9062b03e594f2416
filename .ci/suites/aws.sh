#!/usr/bin/env bash
# AWS emulator suite: the synthesized region deployed into moto_server (installed with pip when missing),
# its bundled functions run as Lambda runs them: the item-store contract on DynamoDB, the bus rules, and
# orders end to end (API, saga, table stream, notifications), and settlement, reconciliation and duplicate
# keys through the integrity sweep. About 100 s of CPU.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
npm run -s test:aws -- --reporter=default --reporter=json --outputFile="$RESULTS_DIR/$SUITE_NAME.json"
