#!/usr/bin/env bash
# One chaos run as a CI suite: `npm run chaos` with the given arguments, bounded to 5 minutes. Each invariant
# counts as one test: writes {"passed":N,"failed":M} to $RESULTS_DIR/$SUITE_NAME.json.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
summary="$RESULTS_DIR/$SUITE_NAME.json"
rm -f "$summary"
npm run -s chaos -- --summary "$summary" "$@"
status=$?
# A run that died before writing its verdict still counts as a failure.
if [ ! -s "$summary" ]; then echo '{"passed":0,"failed":1}' > "$summary"; [ "$status" -eq 0 ] && status=1; fi
exit $status
