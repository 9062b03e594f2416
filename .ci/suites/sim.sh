#!/usr/bin/env bash
# Simulation suite: the whole platform in one process under a seeded scheduler (docs/simulation.md).
# A fixed set of 300 seeds (200 with two regions, 100 with three), 150 seeds that change with each commit
# (100 with two regions, 50 with three),
# every regression seed kept in sim/regression-seeds.json, and the known bugs switched back on one at a
# time, each of which must be caught within 1,000 seeds. Each seed counts as one test; writes
# {"passed":N,"failed":M} to $RESULTS_DIR/$SUITE_NAME.json. A failing seed prints its replay command: add
# it to sim/regression-seeds.json once the bug it found is fixed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
work="$(mktemp -d)"
status=0
run() {
  local name="$1"
  shift
  echo "== sim: $name"
  npm run -s sim -- "$@" --report "$work/$name.json" || status=1
  # A run that died before writing its report still counts as a failure.
  [ -s "$work/$name.json" ] || echo '{"passed":0,"failed":1}' > "$work/$name.json"
}
# The commit's own seeds: a different stretch of seeds for every commit, found again from its hash.
commit="$(git rev-parse --short=7 HEAD 2>/dev/null || date +%Y%m%d)"
from=$(( (16#${commit:0:7} % 1000000) * 100 + 100000 ))
echo "commit $commit: its own seeds start at $from"
run fixed-two-regions --seeds 200 --from 1
run fixed-three-regions --seeds 100 --from 1 --regions 3
run commit-two-regions --seeds 100 --from "$from"
run commit-three-regions --seeds 50 --from "$from" --regions 3
run regression --seed-file sim/regression-seeds.json
run teeth --teeth
node -e '
  const { readdirSync, readFileSync, writeFileSync } = require("node:fs");
  const [dir, out] = process.argv.slice(1);
  let passed = 0, failed = 0;
  for (const file of readdirSync(dir)) {
    const report = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
    passed += report.passed; failed += report.failed;
  }
  writeFileSync(out, JSON.stringify({ passed, failed }) + "\n");
  console.log(`sim suite: ${passed} passed, ${failed} failed`);
' "$work" "$RESULTS_DIR/$SUITE_NAME.json"
rm -rf "$work"
exit $status
