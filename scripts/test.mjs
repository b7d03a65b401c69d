#!/usr/bin/env node
// Runs every check the project has: typecheck, lint, the rule ids, then unit, integration and
// end-to-end tests in one Vitest run. Ends with one plain summary line
// ("Tests: N passed, N failed, N skipped") that sums the tests and counts the
// typecheck, lint and the rule-id check as one check each.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function step(name, command, args) {
  console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit' });
  return run.status === 0;
}

for (const [name, command, args] of [
  ['typecheck', 'npx', ['tsc', '-b']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  // Every cited rule id is defined in a SPEC.md, and no id is defined twice.
  ['rule ids', 'node', ['scripts/check-rule-ids.mjs']],
]) {
  if (step(name, command, args)) results.passed += 1;
  else {
    results.failed += 1;
    failures.push(name);
  }
}

const report = 'build/test-results.json';
mkdirSync('build', { recursive: true });
rmSync(report, { force: true });
const vitestArgs = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
];
const vitestOk = step('tests', 'npx', [...vitestArgs, ...process.argv.slice(2)]);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests;
  results.skipped += json.numPendingTests + json.numTodoTests;
  if (json.numFailedTests > 0 || !vitestOk) failures.push('tests');
  if (!vitestOk && json.numFailedTests === 0) {
    // A suite that failed to load counts as a failure even with no failed test.
    results.failed += json.numFailedTestSuites || 1;
  }
} catch {
  results.failed += 1;
  failures.push('tests (no report: the runner crashed)');
}

if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(
  `Tests: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`,
);
process.exit(failures.length ? 1 : 0);
