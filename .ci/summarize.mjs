// Adds up the JSON reports in a folder (vitest's, or {"passed":N,"failed":N} from other suites) and
// prints the line CI reads: "N passed, N failed". Failed steps without a report count as one failure each.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, stepFailuresArg, expectedArg] = process.argv.slice(2);
let passed = 0;
let failed = Number(stepFailuresArg ?? 0);
const seen = new Set();
for (const file of readdirSync(dir)) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  seen.add(file.replace(/\.json$/, ''));
  if ('numPassedTests' in report) {
    passed += report.numPassedTests;
    const failedTests = report.numFailedTests;
    // A test file that failed to load has no failed tests but a failed suite.
    failed += failedTests > 0 ? failedTests : report.numFailedTestSuites;
  } else {
    passed += report.passed ?? 0;
    failed += report.failed ?? 0;
  }
}
for (const name of (expectedArg ?? '').split(',').filter(Boolean)) {
  if (!seen.has(name)) {
    console.log(`no report from ${name}: counted as a failure`);
    failed += 1;
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
