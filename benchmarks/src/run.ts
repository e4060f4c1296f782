// Entry point: `npm run bench` (all suites) or `npm run bench -- --suite native --quick`.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSuite } from './harness.js';
import type { BenchCase, SuiteOptions } from './harness.js';
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
  },
});

const options: SuiteOptions = {
  timeMs: Number(values['time-ms'] ?? (values.quick ? 100 : 400)),
  rounds: Number(values.rounds ?? (values.quick ? 1 : 5)),
};
const chosen = values.suite?.flatMap((s) => s.split(',')) ?? Object.keys(suites);
const unknown = chosen.filter((name) => !(name in suites));
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
const resultsDir = join(import.meta.dirname, '..', 'results');
for (const name of chosen) {
  const suite = suites[name];
  if (!suite) continue;
  try {
    await runSuite(name, suite.cases(), options, resultsDir, suite.context());
  } finally {
    suite.cleanup?.();
  }
}
console.log(`\nresults written to ${resultsDir}`);
