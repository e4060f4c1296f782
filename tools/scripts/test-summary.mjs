// Prints one closing line for the whole test run — "N passed, N failed, N skipped" — summed over
// the JSON reports each package's vitest writes to test-results/vitest.json.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const projectDirs = ['native', 'tools', 'benchmarks', ...readdirSync(join(root, 'packages')).map((p) => join('packages', p))];

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const dir of projectDirs) {
  const file = join(root, dir, 'test-results', 'vitest.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  rows.push(`  ${dir.padEnd(28)} ${String(report.numPassedTests).padStart(5)} passed  ${report.numFailedTests} failed`);
}
console.log(['', 'tests by package:', ...rows, ''].join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
