// Tests for .ci/summarize.mjs on synthetic reports (hermetic, no network, about a second):
//   node --test .ci/summarize.test.mjs
// .ci/run runs it before the suites. The root vitest config does not include .ci/, so `npm test` does not.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./summarize.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'summarize-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** Writes the reports (name -> object, or string written as is) to a new folder; runs the summarizer. */
function summarize(reports, stepFailures = '0', suites = '') {
  folders += 1;
  const dir = join(root, String(folders));
  mkdirSync(dir);
  for (const [name, body] of Object.entries(reports)) {
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return run(dir, stepFailures, suites);
}

function run(dir, stepFailures, suites) {
  const result = spawnSync(process.execPath, [script, dir, stepFailures, suites], { encoding: 'utf8' });
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  const last = lines.at(-1);
  assert.match(last, /^\d+ passed, \d+ failed$/, `the last line is the summary:\n${result.stdout}`);
  assert.equal(result.stdout.endsWith(`${last}\n`), true);
  return { last, status: result.status, stdout: result.stdout };
}

function expectSummary(outcome, line) {
  assert.equal(outcome.last, line, outcome.stdout);
  assert.equal(outcome.status, line.endsWith(' 0 failed') ? 0 : 1, `exit status for "${line}"`);
}

// Vitest JSON reports, shaped like vitest 4's (only the fields the summarizer reads, plus success).
const passedTest = (title, ancestorTitles = []) => ({ title, ancestorTitles, status: 'passed' });
const failedTest = (title, ancestorTitles = []) => ({ title, ancestorTitles, status: 'failed' });
const skippedTest = (title, ancestorTitles = []) => ({ title, ancestorTitles, status: 'skipped' });
const file = (name, assertionResults, status, message = '') => ({
  name,
  assertionResults,
  status: status ?? (assertionResults.some((t) => t.status === 'failed') ? 'failed' : 'passed'),
  message,
});
const crashedFile = (name) => file(name, [], 'failed', `crash in ${name}`);
function vitest(testResults, numFailedTestSuites, extra = {}) {
  const tests = testResults.flatMap((f) => f.assertionResults);
  const numFailedTests = tests.filter((t) => t.status === 'failed').length;
  return {
    numPassedTests: tests.filter((t) => t.status === 'passed').length,
    numFailedTests,
    numFailedTestSuites,
    success: numFailedTests === 0 && numFailedTestSuites === 0,
    testResults,
    ...extra,
  };
}

const good = vitest([file('a.test.ts', [passedTest('one'), passedTest('two', ['A'])])], 0);

test('passing vitest and {"passed","failed"} reports', () => {
  expectSummary(
    summarize({ 'npm-test.json': good, 'chaos.json': { passed: 6, failed: 0 } }, '0', 'npm-test:0,chaos:0'),
    '8 passed, 0 failed',
  );
});

test('failed tests count one each', () => {
  const report = vitest(
    [
      file('a.test.ts', [passedTest('ok'), failedTest('top'), failedTest('in A', ['A'])]),
      file('b.test.ts', []),
    ],
    2, // a.test.ts and describe A hold the failed tests (b passes)
  );
  expectSummary(summarize({ 'npm-test.json': report }, '0', 'npm-test:1'), '1 passed, 2 failed');
});

test('2 failed tests and 3 test files that crashed while loading: 5 failed', () => {
  const report = vitest(
    [
      file('f.test.ts', [failedTest('x'), failedTest('y', ['Y']), passedTest('z')]),
      crashedFile('k1.test.ts'),
      crashedFile('k2.test.ts'),
      crashedFile('k3.test.ts'),
    ],
    5, // f.test.ts, describe Y, k1, k2, k3
  );
  const outcome = summarize({ 'npm-test.json': report }, '0', 'npm-test:1');
  expectSummary(outcome, '1 passed, 5 failed');
  assert.match(outcome.stdout, /crash in k2\.test\.ts/);
});

test('the same counts without per-file results: failed tests + failed suites', () => {
  const report = { numPassedTests: 1, numFailedTests: 2, numFailedTestSuites: 3, success: false };
  expectSummary(summarize({ 'npm-test.json': report }, '0', 'npm-test:1'), '1 passed, 5 failed');
  expectSummary(
    summarize({ 'npm-test.json': { ...report, testResults: [] } }, '0', 'npm-test:1'),
    '1 passed, 5 failed',
  );
});

test('a beforeAll hook that throws: the file counts once, or the describe block once more', () => {
  // No failed test in the file: the file and describes P and P > Q failed; counted once.
  const nested = file('d.test.ts', [skippedTest('q', ['P', 'Q']), passedTest('p', ['P2'])], 'failed');
  expectSummary(summarize({ 'r.json': vitest([nested], 3) }), '1 passed, 1 failed');
  // A failed test in describe A, and describe B whose hook threw: the file, A and B failed; 2 failures.
  const mixed = file('z.test.ts', [failedTest('a', ['A']), skippedTest('b', ['B'])]);
  expectSummary(summarize({ 'r.json': vitest([mixed], 3) }), '0 passed, 2 failed');
  expectSummary(summarize({ 'r.json': vitest([mixed, nested], 6) }), '1 passed, 3 failed');
});

test('a truncated or empty report counts as one failure and the summary is still printed', () => {
  const truncated = JSON.stringify(good).slice(0, 40);
  expectSummary(summarize({ 'npm-test.json': truncated }, '0', 'npm-test:1'), '0 passed, 1 failed');
  expectSummary(summarize({ 'npm-test.json': '' }, '0', 'npm-test:0'), '0 passed, 1 failed');
  expectSummary(
    summarize({ 'npm-test.json': good, 'chaos.json': '{"passed":3,' }, '0', 'npm-test:0,chaos:0'),
    '2 passed, 1 failed',
  );
});

test('success:false with no failure counts as one failure', () => {
  expectSummary(summarize({ 'npm-test.json': { ...good, success: false } }), '2 passed, 1 failed');
  // What vitest writes when no test file matches.
  const noFiles = {
    numPassedTests: 0,
    numFailedTests: 0,
    numFailedTestSuites: 0,
    success: false,
    testResults: [],
  };
  expectSummary(summarize({ 'npm-test.json': noFiles }), '0 passed, 1 failed');
});

test('reports of the wrong shape count as one failure each', () => {
  const bad = {
    'a.json': 'null',
    'b.json': '[]',
    'c.json': '{}',
    'd.json': { passed: '3', failed: 0 },
    'e.json': { passed: 3 },
    'f.json': { numPassedTests: 2, numFailedTests: -1 },
    'g.json': { numPassedTests: 2, numFailedTests: 0, testResults: 'x' },
  };
  expectSummary(summarize(bad), '0 passed, 7 failed');
});

test('a listed suite without a report (crashed before writing it) counts as one failure', () => {
  expectSummary(summarize({ 'npm-test.json': good }, '0', 'npm-test:0,web-e2e'), '2 passed, 1 failed');
  expectSummary(summarize({ 'npm-test.json': good }, '0', 'npm-test:0,web-e2e:137'), '2 passed, 1 failed');
  expectSummary(summarize({}, '0', 'npm-test:1,infra:1,chaos:1'), '0 passed, 3 failed');
});

test('a suite that exits non-zero with a clean report counts as one failure, once', () => {
  expectSummary(summarize({ 'npm-test.json': good }, '0', 'npm-test:1'), '2 passed, 1 failed');
  expectSummary(summarize({ 'chaos.json': { passed: 5, failed: 0 } }, '0', 'chaos:2'), '5 passed, 1 failed');
  // The report already shows the failures: the exit status adds nothing.
  expectSummary(summarize({ 'chaos.json': { passed: 5, failed: 2 } }, '0', 'chaos:1'), '5 passed, 2 failed');
  // A report with failures fails the run even if the command exited 0.
  expectSummary(summarize({ 'chaos.json': { passed: 5, failed: 2 } }, '0', 'chaos:0'), '5 passed, 2 failed');
});

test('suite names that prefix each other and extra reports', () => {
  const reports = {
    'chaos.json': { passed: 6, failed: 0 },
    'chaos-three-regions.json': { passed: 6, failed: 0 },
    'infra.json': good,
    'infra-cfn-lint.json': { passed: 0, failed: 1 },
    'notes.txt': 'not a report',
  };
  expectSummary(
    summarize(reports, '0', 'chaos:0,chaos-three-regions:3,infra:0'),
    '14 passed, 2 failed', // chaos-three-regions exited 3; cfn-lint failed
  );
});

test('failed steps (typecheck, lint) are added', () => {
  expectSummary(summarize({ 'npm-test.json': good }, '2', 'npm-test:0'), '2 passed, 2 failed');
  expectSummary(summarize({ 'npm-test.json': good }, 'x', 'npm-test:0'), '2 passed, 1 failed');
});

test('a missing results folder still prints the summary', () => {
  expectSummary(run(join(root, 'does-not-exist'), '0', 'npm-test:0'), '0 passed, 2 failed');
});
