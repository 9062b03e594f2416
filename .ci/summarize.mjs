// Adds up the JSON reports in a folder and prints, as its very last line, the line CI reads:
// "N passed, N failed". Exits 0 when nothing failed, 1 otherwise.
//
//   node .ci/summarize.mjs <results-dir> <step-failures> <suites>
//
// <suites> is a comma-separated list of `name` or `name:exit-status`, one entry per suite that should have
// written <results-dir>/<name>.json. Every *.json file in the folder is counted, whether listed or not.
// A report is vitest's JSON report or {"passed":N,"failed":N}. The rules:
// - vitest report: every failed test counts, and so does every failed suite with no failed test inside it:
//   a test file that failed without a failed test (crashed while loading, or a hook threw) counts once, with
//   the describe blocks inside it; a describe block whose beforeAll hook threw counts once in a file that
//   also has failed tests. Without per-file results (testResults), failed tests + failed suites;
// - vitest report with success:false but no failure found by the rules above: one failure;
// - a report that cannot be read, is not JSON (e.g. truncated) or has neither shape: one failure;
// - a listed suite without a report: one failure;
// - a listed suite that exited non-zero while its report shows no failure: one failure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const isCount = (value) => Number.isInteger(value) && value >= 0;

/** The suites a test of the file at `index` is in: the file itself, then each enclosing describe block. */
function suitePaths(index, test) {
  const titles = Array.isArray(test?.ancestorTitles) ? test.ancestorTitles : [];
  return titles
    .map((_, depth) => JSON.stringify([index, ...titles.slice(0, depth + 1)]))
    .concat(`[${index}]`);
}

/** Counts one parsed vitest JSON report; returns { passed, failed, notes } or a string saying what is wrong. */
function countVitest(report) {
  const { numPassedTests, numFailedTests, numFailedTestSuites = 0, testResults } = report;
  if (!isCount(numPassedTests) || !isCount(numFailedTests) || !isCount(numFailedTestSuites)) {
    return 'numPassedTests, numFailedTests or numFailedTestSuites is not a count';
  }
  if (testResults !== undefined && !Array.isArray(testResults)) return 'testResults is not an array';
  const notes = [];
  let failedTestsInFiles = 0;
  // Suites (test files and describe blocks) holding a failed test: that test already counts for them.
  const suitesWithFailedTests = new Set();
  // Test files that failed without a failed test (crashed while loading, or a hook threw) count once each,
  // together with the failed describe blocks inside them (at most those holding a test that did not pass).
  let filesFailedWithoutTest = 0;
  let suitesInThoseFiles = 0;
  for (const [index, file] of (testResults ?? []).entries()) {
    const assertions = Array.isArray(file?.assertionResults) ? file.assertionResults : [];
    const failedHere = assertions.filter((test) => test?.status === 'failed');
    failedTestsInFiles += failedHere.length;
    for (const test of failedHere) {
      for (const suite of suitePaths(index, test)) suitesWithFailedTests.add(suite);
    }
    if (file?.status === 'failed' && failedHere.length === 0) {
      filesFailedWithoutTest += 1;
      // A describe block whose hook threw has its tests skipped; one whose tests all passed did not fail.
      const notPassed = assertions.filter((test) => test?.status !== 'passed');
      suitesInThoseFiles += new Set([`[${index}]`, ...notPassed.flatMap((test) => suitePaths(index, test))])
        .size;
      notes.push(
        `failed without a failed test: ${file.name ?? `file #${index}`}: ${file.message || '(no message)'}`,
      );
    }
  }
  const failedTests = Math.max(numFailedTests, failedTestsInFiles);
  // numFailedTestSuites counts test files and describe blocks. What it holds beyond the suites with a failed
  // test and the files above are describe blocks that failed without a failed test in otherwise counted files.
  const otherFailedSuites = Math.max(
    0,
    numFailedTestSuites - suitesWithFailedTests.size - suitesInThoseFiles,
  );
  const suitesWithoutFailedTest = filesFailedWithoutTest + otherFailedSuites;
  let failed = failedTests + suitesWithoutFailedTest;
  if (suitesWithoutFailedTest > 0) {
    notes.push(`${failedTests} failed tests, ${suitesWithoutFailedTest} failed suites without a failed test`);
  }
  if (report.success === false && failed === 0) {
    notes.push('success is false but no failed test or suite: counted as a failure');
    failed = 1;
  }
  return { passed: numPassedTests, failed, notes };
}

/** Counts one report file; never throws. */
function countReport(path) {
  let report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return {
      passed: 0,
      failed: 1,
      notes: [`unreadable or not JSON (${error.message}): counted as a failure`],
    };
  }
  let counted;
  if (report === null || typeof report !== 'object' || Array.isArray(report)) {
    counted = 'not a JSON object';
  } else if ('numPassedTests' in report || 'numFailedTests' in report || 'testResults' in report) {
    counted = countVitest(report);
  } else if (isCount(report.passed) && isCount(report.failed)) {
    counted = { passed: report.passed, failed: report.failed, notes: [] };
  } else {
    counted = 'neither a vitest report nor {"passed":N,"failed":N}';
  }
  if (typeof counted === 'string')
    return { passed: 0, failed: 1, notes: [`${counted}: counted as a failure`] };
  return counted;
}

function summarize(dir, stepFailuresArg, suitesArg) {
  const lines = [];
  let passed = 0;
  const stepFailures = Number(stepFailuresArg ?? 0);
  let failed = isCount(stepFailures) ? stepFailures : 1;
  if (!isCount(stepFailures)) lines.push(`step failures "${stepFailuresArg}" is not a count: counted as 1`);
  if (failed > 0) lines.push(`steps: ${failed} failed`);

  const reports = new Map();
  let files = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch (error) {
    lines.push(`cannot read the results folder ${dir}: ${error.message}: counted as a failure`);
    failed += 1;
  }
  for (const file of files.sort()) {
    const counted = countReport(join(dir, file));
    reports.set(file.slice(0, -'.json'.length), counted);
    passed += counted.passed;
    failed += counted.failed;
    lines.push(`${file}: ${counted.passed} passed, ${counted.failed} failed`);
    for (const note of counted.notes) lines.push(`  ${note}`);
  }

  for (const entry of (suitesArg ?? '').split(',').filter(Boolean)) {
    const colon = entry.lastIndexOf(':');
    const name = colon < 0 ? entry : entry.slice(0, colon);
    const status = colon < 0 ? '' : entry.slice(colon + 1);
    const report = reports.get(name);
    if (!report) {
      lines.push(`no report from ${name}${status ? ` (exit status ${status})` : ''}: counted as a failure`);
      failed += 1;
    } else if (status !== '' && status !== '0' && report.failed === 0) {
      lines.push(
        `${name} exited with status ${status} but its report shows no failure: counted as a failure`,
      );
      failed += 1;
    }
  }
  lines.push('', `${passed} passed, ${failed} failed`);
  return { passed, failed, lines };
}

function main() {
  const [dir, stepFailuresArg, suitesArg] = process.argv.slice(2);
  try {
    const result = summarize(dir ?? '', stepFailuresArg, suitesArg);
    process.stdout.write(`${result.lines.join('\n')}\n`);
    return result.failed > 0 ? 1 : 0;
  } catch (error) {
    // Whatever happens, the last line is the summary.
    process.stdout.write(`summarizer error: ${error?.stack ?? error}\n\n0 passed, 1 failed\n`);
    return 1;
  }
}

process.exitCode = main();
