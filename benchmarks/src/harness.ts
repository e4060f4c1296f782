// Runs each case as a pair — MMSB beside its named peer, in the same process and the same run —
// and reports the ratio. Timing is batched: one sample runs many operations, because single
// sub-microsecond calls are below what the timer can resolve. A contender may be async (durable
// commits are); a case may have more than one peer, and then reports all of them beside MMSB.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';

/** One side of a case: a name and a function that performs `work` units per call. */
export interface Contender {
  readonly name: string;
  readonly run: () => void | Promise<void>;
  /** Untimed preparation before each call of `run` (e.g. dirtying pages a checkpoint writes). */
  readonly beforeEach?: () => void | Promise<void>;
}

/** What a case's goal compares. */
export type Goal =
  | { readonly kind: 'ratio-at-least'; readonly value: number }
  | { readonly kind: 'ns-per-op-at-most'; readonly value: number }
  /** MMSB's own rate, in units (bytes or operations) per second. */
  | { readonly kind: 'rate-at-least'; readonly value: number };

/** A benchmark case: MMSB and its peer doing the same work. */
export interface BenchCase {
  readonly name: string;
  /** 'bytes' reports bandwidth, 'ops' reports operations per second. */
  readonly unit: 'bytes' | 'ops';
  /** Units of work one call of `run` performs (bytes or operations). */
  readonly workPerCall: number;
  readonly mmsb: Contender;
  readonly peer: Contender;
  /** More peers doing the same work, measured in the same rounds and reported beside it. */
  readonly otherPeers?: readonly Contender[];
  /** The peer the ratio is taken against: `peer` (default) or the fastest of all peers. */
  readonly ratioAgainst?: 'peer' | 'best';
  readonly goal?: Goal;
  /** Why the case is shaped the way it is, printed in the JSON. */
  readonly note?: string;
  /** Minimum calls per round (default 16); fewer for slow calls. */
  readonly iterations?: number;
  /** Run before the case is measured (open stores, write files) and after it (close, remove). */
  readonly setup?: () => void | Promise<void>;
  readonly teardown?: () => void | Promise<void>;
}

/** One contender's measured rate. */
export interface Measurement {
  readonly name: string;
  /** Units (bytes or operations) per second: the median over rounds. */
  readonly perSecond: number;
  readonly nsPerUnit: number;
  readonly rounds: readonly number[];
}

/** A finished case as written to the results file. */
export interface CaseResult {
  readonly name: string;
  readonly unit: 'bytes' | 'ops';
  readonly mmsb: Measurement;
  /** The peer the ratio is taken against. */
  readonly peer: Measurement;
  /** Every peer measured, the ratio's peer included. */
  readonly peers: readonly Measurement[];
  /** mmsb rate / peer rate: above 1 means MMSB is faster. */
  readonly ratio: number;
  /** How the ratio's peer was chosen (see {@link BenchCase.ratioAgainst}). */
  readonly ratioAgainst: 'peer' | 'best';
  readonly goal: Goal | null;
  readonly goalMet: boolean | null;
  readonly note: string | null;
}

/** How long each contender is sampled per round, and how many rounds give the median. */
export interface SuiteOptions {
  readonly timeMs: number;
  readonly rounds: number;
  /** Fresh processes the suite ran in, their rounds pooled (see {@link mergeForks}); 1 when absent. */
  readonly forks?: number;
}

/** A suite's results file. */
export interface SuiteReport {
  readonly suite: string;
  readonly machine: Record<string, unknown>;
  readonly node: string;
  readonly commit: string | null;
  readonly date: string;
  readonly options: SuiteOptions;
  readonly context: Record<string, unknown>;
  readonly cases: readonly CaseResult[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function measureRound(contender: Contender, workPerCall: number, timeMs: number, iterations: number): Promise<number> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 2), iterations });
  bench.add(contender.name, contender.run, contender.beforeEach ? { beforeEach: contender.beforeEach } : {});
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || !('throughput' in result)) {
    const error = result && 'error' in result ? String(result.error) : 'no result';
    throw new Error(`benchmark '${contender.name}' failed: ${error}`);
  }
  return result.throughput.mean * workPerCall;
}

function formatRate(unit: 'bytes' | 'ops', perSecond: number): string {
  if (unit === 'bytes') {
    if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} GB/s`;
    return `${(perSecond / 1e6).toFixed(1)} MB/s`;
  }
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(2)}k/s`;
  return `${perSecond.toFixed(1)}/s`;
}

function goalMet(goal: Goal | undefined, ratio: number, mmsb: Measurement): boolean | null {
  if (!goal) return null;
  if (goal.kind === 'ratio-at-least') return ratio >= goal.value;
  if (goal.kind === 'rate-at-least') return mmsb.perSecond >= goal.value;
  return mmsb.nsPerUnit <= goal.value;
}

function describeGoal(goal: Goal, unit: 'bytes' | 'ops'): string {
  if (goal.kind === 'ratio-at-least') return `goal ≥ ${goal.value}×`;
  if (goal.kind === 'rate-at-least') return `goal ≥ ${formatRate(unit, goal.value)}`;
  return `goal ≤ ${goal.value} ns/op`;
}

/** The line printed for a finished case: both rates, the ratio, the goal. */
export function formatCase(result: CaseResult): string {
  const left = `${result.name.padEnd(30)} mmsb ${formatRate(result.unit, result.mmsb.perSecond).padStart(11)}`;
  const others = result.peers.filter((p) => p.name !== result.peer.name);
  const peer = [result.peer, ...others].map((p) => `${p.name} ${formatRate(result.unit, p.perSecond)}`).join('  ');
  const against = others.length > 0 ? ` vs ${result.peer.name}` : '';
  const perOp = result.unit === 'ops' ? `  (${result.mmsb.nsPerUnit.toFixed(1)} ns/op)` : '';
  const goal = result.goal ? `  ${describeGoal(result.goal, result.unit)} ${result.goalMet ? 'met' : 'MISSED'}` : '';
  return `${left}  ${peer.padEnd(30)} ratio ${result.ratio.toFixed(2)}×${against}${perOp}${goal}`;
}

async function measure(contender: Contender, c: BenchCase, options: SuiteOptions, rounds: number[]): Promise<void> {
  rounds.push(await measureRound(contender, c.workPerCall, options.timeMs, c.iterations ?? 16));
}

function toMeasurement(name: string, rounds: readonly number[]): Measurement {
  const perSecond = median(rounds);
  return { name, perSecond, nsPerUnit: 1e9 / perSecond, rounds };
}

function caseResult(name: string, unit: 'bytes' | 'ops', mmsb: Measurement, peers: readonly Measurement[], ratioAgainst: 'peer' | 'best', goal: Goal | null, note: string | null): CaseResult {
  const peer = ratioAgainst === 'best' ? peers.reduce((best, m) => (m.perSecond > best.perSecond ? m : best)) : (peers[0] as Measurement);
  const ratio = mmsb.perSecond / peer.perSecond;
  return { name, unit, mmsb, peer, peers, ratio, ratioAgainst, goal, goalMet: goal === null ? null : goalMet(goal, ratio, mmsb), note };
}

/**
 * One report from the reports of the same suite run in several fresh processes ("forks", as JMH
 * calls them): every contender's rounds pooled, medians and ratios taken again. A process's JIT
 * settles on its own inlining and feedback, which moves a fast case by ±20% from one process to
 * the next; rounds within one process cannot average that out, rounds from several can.
 */
export function mergeForks(reports: readonly SuiteReport[]): SuiteReport {
  const first = reports[0];
  if (first === undefined) throw new Error('mergeForks: no reports');
  const cases = first.cases.map((c, index) => {
    const same = reports.map((r) => r.cases[index]);
    if (same.some((other) => other?.name !== c.name)) throw new Error(`mergeForks: the forks ran different cases at ${index}`);
    const pooled = (pick: (r: CaseResult) => Measurement): Measurement =>
      toMeasurement(
        pick(c).name,
        same.flatMap((r) => pick(r as CaseResult).rounds),
      );
    const mmsb = pooled((r) => r.mmsb);
    const peers = c.peers.map((_, k) => pooled((r) => r.peers[k] as Measurement));
    return caseResult(c.name, c.unit, mmsb, peers, c.ratioAgainst, c.goal, c.note);
  });
  return { ...first, date: new Date().toISOString(), options: { ...first.options, forks: reports.length }, cases };
}

/** Writes a suite's report to results/<suite>.json. */
export function writeReport(resultsDir: string, report: SuiteReport): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${report.suite}.json`), JSON.stringify(report, null, 2) + '\n');
}

/** The line printed for a finished case. */
export function caseLine(index: number, count: number, result: CaseResult): string {
  return `[${index + 1}/${count}] ${formatCase(result)}`;
}

/**
 * Runs one case: the contenders alternate round by round so drift hits them alike, and every other
 * round runs them in reverse order, so none always runs first (after a peer's code has shaped the
 * JIT's feedback for the shared shape code) or always last.
 */
export async function runCase(c: BenchCase, options: SuiteOptions): Promise<CaseResult> {
  await c.setup?.();
  try {
    const peers = [c.peer, ...(c.otherPeers ?? [])];
    const mmsbRounds: number[] = [];
    const peerRounds: number[][] = peers.map(() => []);
    const contenders: { contender: Contender; rounds: number[] }[] = [
      { contender: c.mmsb, rounds: mmsbRounds },
      ...peers.map((peer, i) => ({ contender: peer, rounds: peerRounds[i] as number[] })),
    ];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const { contender, rounds } of order) await measure(contender, c, options, rounds);
    }
    const mmsb = toMeasurement(c.mmsb.name, mmsbRounds);
    const measured = peers.map((p, i) => toMeasurement(p.name, peerRounds[i] as number[]));
    return caseResult(c.name, c.unit, mmsb, measured, c.ratioAgainst ?? 'peer', c.goal ?? null, c.note ?? null);
  } finally {
    await c.teardown?.();
  }
}

function currentCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Runs every case of a suite, prints each line as it finishes, writes results/<suite>.json. */
export async function runSuite(
  suite: string,
  cases: readonly BenchCase[],
  options: SuiteOptions,
  resultsDir: string,
  context: Record<string, unknown> = {},
): Promise<CaseResult[]> {
  console.log(`\n# ${suite} (${cases.length} cases, ${options.rounds} rounds of ${options.timeMs} ms each side)`);
  const results: CaseResult[] = [];
  for (const [index, c] of cases.entries()) {
    const result = await runCase(c, options);
    results.push(result);
    console.log(caseLine(index, cases.length, result));
  }
  const cpu = cpus()[0];
  const report: SuiteReport = {
    suite,
    machine: { cpu: cpu?.model ?? 'unknown', cores: cpus().length, memoryBytes: totalmem(), platform: process.platform, arch: process.arch },
    node: process.version,
    commit: currentCommit(),
    date: new Date().toISOString(),
    options,
    context,
    cases: results,
  };
  writeReport(resultsDir, report);
  return results;
}
