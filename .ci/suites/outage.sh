#!/usr/bin/env bash
# Provider outage suite: `npm run chaos:outage` places 200 orders in two regions with the payment provider
# slowed, kills the provider for 120 s while they are in flight, and checks that every order settles once it
# is back (about 2.5 minutes). Each invariant counts as one test: writes {"passed":N,"failed":M} to
# $RESULTS_DIR/$SUITE_NAME.json; a run that dies before writing it counts as failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
summary="$RESULTS_DIR/$SUITE_NAME.json"
rm -f "$summary"
npm run -s chaos:outage -- --summary "$summary"
status=$?
if [ ! -s "$summary" ]; then echo '{"passed":0,"failed":1}' > "$summary"; [ "$status" -eq 0 ] && status=1; fi
exit $status
