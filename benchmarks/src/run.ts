// Entry point: `npm run bench` (all suites) or `npm run bench -- --suite native --quick`.
// `--forks N` runs each suite in N fresh processes, one after another, and pools their rounds
// (see mergeForks); `--case S` runs only the cases whose names contain S (results go to a temp
// directory then, unless `--results-dir` says where).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { caseLine, mergeForks, runSuite, writeReport } from './harness.js';
import type { BenchCase, SuiteOptions, SuiteReport } from './harness.js';
import { algebraicCases, algebraicContext } from './suites/algebraic.js';
import { cellsCases, cellsContext } from './suites/cells.js';
import { derivedCases, derivedCleanup, derivedContext } from './suites/derived.js';
import { graphCases, graphCleanup, graphContext } from './suites/graph.js';
import { nativeCases, nativeContext } from './suites/native.js';
import { pageCases, pageCleanup, pageContext } from './suites/page.js';
import { physicalCases, physicalContext } from './suites/physical.js';

interface Suite {
  readonly cases: () => BenchCase[];
  readonly context: () => Record<string, unknown>;
  /** Removes what the suite left behind (temp directories), even when a case failed. */
  readonly cleanup?: () => void;
}

const suites: Record<string, Suite> = {
  native: { cases: nativeCases, context: nativeContext },
  physical: { cases: physicalCases, context: physicalContext },
  page: { cases: pageCases, context: pageContext, cleanup: pageCleanup },
  cells: { cases: cellsCases, context: cellsContext },
  graph: { cases: graphCases, context: graphContext, cleanup: graphCleanup },
  algebraic: { cases: algebraicCases, context: algebraicContext },
  derived: { cases: derivedCases, context: derivedContext, cleanup: derivedCleanup },
};

const { values } = parseArgs({
  options: {
    suite: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    'time-ms': { type: 'string' },
    forks: { type: 'string' },
    case: { type: 'string', multiple: true },
    'results-dir': { type: 'string' },
  },
});

const options: SuiteOptions = {
  timeMs: Number(values['time-ms'] ?? (values.quick ? 100 : 400)),
  rounds: Number(values.rounds ?? (values.quick ? 1 : 5)),
};
const forks = Number(values.forks ?? 1);
for (const [flag, value] of [
  ['--rounds', options.rounds],
  ['--time-ms', options.timeMs],
  ['--forks', forks],
] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${flag} must be a positive integer, got ${String(value)}`);
    process.exit(2);
  }
}
const chosen = values.suite?.flatMap((s) => s.split(',')) ?? Object.keys(suites);
const unknown = chosen.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
/** `--case` keeps the cases whose names contain one of the strings. */
const caseFilters = values.case ?? [];
// A partial run must not replace a suite's committed results: it writes elsewhere unless told.
const resultsDir = values['results-dir'] ?? (caseFilters.length > 0 ? join(tmpdir(), 'mmsb-bench-partial') : join(import.meta.dirname, '..', 'results'));
const keep = (c: BenchCase): boolean => caseFilters.length === 0 || caseFilters.some((f) => c.name.includes(f));

/** Runs suite `name` in `forks` child processes, one at a time, and writes their pooled report. */
function runForked(name: string): void {
  const scratch = mkdtempSync(join(tmpdir(), `mmsb-bench-${name}-`));
  try {
    const reports: SuiteReport[] = [];
    for (let k = 0; k < forks; k++) {
      console.log(`\n# ${name}: fork ${k + 1} of ${forks}`);
      const dir = join(scratch, String(k));
      const args = [...process.execArgv, process.argv[1] as string, '--suite', name, '--rounds', String(options.rounds), '--time-ms', String(options.timeMs), '--results-dir', dir];
      for (const filter of caseFilters) args.push('--case', filter);
      const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
      if (child.status !== 0) throw new Error(`fork ${k + 1} of suite ${name} failed (exit ${String(child.status ?? child.signal)})`);
      reports.push(JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as SuiteReport);
    }
    const merged = mergeForks(reports);
    console.log(`\n# ${name}: ${forks} forks pooled (${forks * options.rounds} rounds a side)`);
    for (const [index, result] of merged.cases.entries()) console.log(caseLine(index, merged.cases.length, result));
    writeReport(resultsDir, merged);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

for (const name of chosen) {
  const suite = suites[name];
  if (!suite) continue;
  if (forks > 1) {
    runForked(name);
    continue;
  }
  try {
    const cases = suite.cases().filter(keep);
    if (cases.length === 0) {
      console.error(`suite ${name}: no case matches ${caseFilters.join(', ')}`);
      process.exitCode = 2;
      continue;
    }
    await runSuite(name, cases, options, resultsDir, suite.context());
  } finally {
    suite.cleanup?.();
  }
}
console.log(`\nresults written to ${resultsDir}`);
