#!/usr/bin/env bash
# Chaos suite: `npm run chaos` starts two regions on free ports, kills and restarts the serving region and
# partitions the regions under steady order load, then checks the invariants (bounded to 5 minutes).
exec bash "$(dirname "${BASH_SOURCE[0]}")/../chaos-suite.sh"
