#!/usr/bin/env node
// The `mmsb` command line. Each command lives in src/commands/ and returns data; this file only
// parses arguments, prints, and turns errors into exit statuses (src/exit-codes.ts): a PageError
// prints `mmsb: <code>: <message>` without a stack trace.
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { isPageError } from '@mmsb/page';
import { PropagationError } from '@mmsb/propagation';
import { isSemiringError } from '@mmsb/semiring';
import type { Durability } from '@mmsb/page';
import { checkpointDir, formatCheckpoint } from './commands/checkpoint.js';
import { DEMO_DEFAULTS, formatDemo, runDemo } from './commands/demo.js';
import { doctorReport, formatDoctorReport } from './commands/doctor.js';
import { formatGraphReport, GRAPH_ALGORITHMS, runGraphCommand } from './commands/graph.js';
import type { GraphAlgorithm } from './commands/graph.js';
import { formatInspect, inspectDir } from './commands/inspect.js';
import { formatReplay, replayDir } from './commands/replay.js';
import { formatVerify, verifyDir, verifyPassed } from './commands/verify.js';
import { EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_NO_INPUT, PAGE_ERROR_EXIT_CODES, PROPAGATION_ERROR_EXIT_CODES, SEMIRING_ERROR_EXIT_CODES } from './exit-codes.js';
import { progressBar, progressWanted } from './internal/progress.js';
import { MMSB_VERSION } from './version.js';

function integer(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

// JSON has no infinities: write them as the strings JavaScript's Number() reads back.
const jsonNumbers = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) && !Number.isNaN(value) ? String(value) : value);

function print(json: boolean | undefined, report: unknown, text: string): void {
  console.log(json ? JSON.stringify(report, jsonNumbers, 2) : text);
}

/** A Node file-system error (ENOENT, EACCES, EISDIR…) about a path the user named. */
function isFileSystemError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { syscall?: unknown }).syscall === 'string';
}

/** Runs a command's action; expected errors become `mmsb: CODE: message` and an exit status. */
function guarded<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (isPageError(error)) {
        console.error(`mmsb: ${error.code}: ${error.message}`);
        process.exitCode = PAGE_ERROR_EXIT_CODES[error.code];
        return;
      }
      if (isSemiringError(error)) {
        console.error(`mmsb: ${error.code}: ${error.message}`);
        process.exitCode = SEMIRING_ERROR_EXIT_CODES[error.code];
        return;
      }
      if (error instanceof PropagationError) {
        console.error(`mmsb: ${error.code}: ${error.message}`);
        process.exitCode = PROPAGATION_ERROR_EXIT_CODES[error.code];
        return;
      }
      if (isFileSystemError(error)) {
        console.error(`mmsb: ${error.code}: ${error.message}`);
        process.exitCode = EXIT_NO_INPUT;
        return;
      }
      console.error('mmsb: internal error (a bug — please report it):');
      console.error(error);
      process.exitCode = EXIT_INTERNAL;
    }
  };
}

const program = new Command()
  .name('mmsb')
  .description('MMSB — a deterministic, delta-driven state bus')
  .version(MMSB_VERSION)
  .showHelpAfterError();

const dirOption = () => new Option('--dir <dir>', 'the data directory').makeOptionMandatory();

program
  .command('demo')
  .description('run a deterministic workload, checkpoint midway, then replay from disk and prove the digests match')
  .option('--dir <dir>', 'an empty or missing directory to keep the store in (default: a temp dir, removed after)')
  .option('--pages <n>', 'pages to create', integer, DEMO_DEFAULTS.pages)
  .option('--updates <n>', 'page changes in all (1 to 6 per transaction)', integer, DEMO_DEFAULTS.updates)
  .option('--page-size <bytes>', 'bytes per page', integer, DEMO_DEFAULTS.pageSize)
  .option('--seed <n>', 'seed of the workload generator', integer, DEMO_DEFAULTS.seed)
  .addOption(new Option('--durability <mode>', 'commit durability').choices(['sync', 'group', 'none']).default(DEMO_DEFAULTS.durability))
  .option('--keep', 'keep the temp directory')
  .option('--json', 'print the report as JSON')
  .action(
    guarded(async (options: { dir?: string; pages: number; updates: number; pageSize: number; seed: number; durability: Durability; keep?: boolean; json?: boolean }) => {
      const bars = progressWanted(options.json);
      const report = await runDemo(
        {
          ...(options.dir !== undefined ? { dir: options.dir } : {}),
          pages: options.pages,
          updates: options.updates,
          pageSize: options.pageSize,
          seed: options.seed,
          durability: options.durability,
          keep: options.keep ?? false,
        },
        (label) => progressBar(label, bars),
      );
      print(options.json, report, formatDemo(report));
      if (!report.ok) process.exitCode = EXIT_CHECK_FAILED;
    }),
  );

program
  .command('inspect')
  .description('show what a data directory holds: pages, log segments, checkpoints (read-only)')
  .addOption(dirOption())
  .option('--json', 'print the report as JSON')
  .action(
    guarded(async (options: { dir: string; json?: boolean }) => {
      const report = await inspectDir(options.dir);
      print(options.json, report, formatInspect(report));
      if (report.problems.length > 0) process.exitCode = EXIT_CHECK_FAILED;
    }),
  );

program
  .command('checkpoint')
  .description('write a checkpoint of an existing data directory')
  .addOption(dirOption())
  .option('--json', 'print the report as JSON')
  .action(
    guarded(async (options: { dir: string; json?: boolean }) => {
      const bar = progressBar('checkpoint', progressWanted(options.json));
      let report;
      try {
        report = await checkpointDir(options.dir, bar.update);
      } finally {
        bar.done();
      }
      print(options.json, report, formatCheckpoint(report));
    }),
  );

program
  .command('replay')
  .description('rebuild the state at an epoch from checkpoints and the log (read-only) and print its digest')
  .addOption(dirOption())
  .option('--epoch <n>', 'the epoch to rebuild (default: the last)', integer)
  .option('--verify', 'also check the directory’s checksums and that a second replay gives the same bytes')
  .option('--expect <digest>', 'exit 2 unless the digest equals this one (recorded earlier)')
  .option('--json', 'print the report as JSON')
  .action(
    guarded(async (options: { dir: string; epoch?: number; verify?: boolean; expect?: string; json?: boolean }) => {
      const bar = progressBar('replay', progressWanted(options.json));
      let report;
      try {
        report = await replayDir(options.dir, {
          ...(options.epoch !== undefined ? { epoch: options.epoch } : {}),
          ...(options.expect !== undefined ? { expect: options.expect } : {}),
          verify: options.verify ?? false,
          onProgress: bar.update,
        });
      } finally {
        bar.done();
      }
      print(options.json, report, formatReplay(report));
      if (!report.ok) process.exitCode = EXIT_CHECK_FAILED;
    }),
  );

program
  .command('verify')
  .description('check every log record and checkpoint checksum; exit 2 on corruption')
  .addOption(dirOption())
  .option('--repair', 'keep what precedes corruption and move the rest aside, then verify again')
  .option('--json', 'print the report as JSON')
  .action(
    guarded(async (options: { dir: string; repair?: boolean; json?: boolean }) => {
      const report = await verifyDir(options.dir, { repair: options.repair ?? false });
      print(options.json, report, formatVerify(report));
      if (!verifyPassed(report)) {
        process.exitCode = EXIT_CHECK_FAILED;
        if (options.json) console.error(`mmsb: ${options.dir} is corrupt: ${report.problems[0] ?? 'see the report'}`);
      }
    }),
  );

program
  .command('graph')
  .description('run bfs, sssp or widest on a Matrix Market graph (entry i j w is an edge i → j of weight w; 1-based ids)')
  .addArgument(new Argument('<algorithm>', 'bfs (hop levels), sssp (shortest distances) or widest (widest-path capacities)').choices(GRAPH_ALGORITHMS))
  .addOption(new Option('--mtx <file>', 'the Matrix Market (.mtx) file').makeOptionMandatory())
  .addOption(new Option('--source <n>', 'the source vertex (1-based)').argParser(integer).makeOptionMandatory())
  .option('--target <n>', 'also print the path from the source to this vertex (1-based)', integer)
  .addOption(new Option('--method <method>', 'sssp: dijkstra, bellman-ford, or auto (Bellman–Ford only when a weight is negative)').choices(['auto', 'dijkstra', 'bellman-ford']).default('auto'))
  .option('--limit <n>', 'vertices to list in the text output', integer, 20)
  .option('--json', 'print the report as JSON, with every vertex’s value (null: unreachable)')
  .action(
    guarded(async (algorithm: GraphAlgorithm, options: { mtx: string; source: number; target?: number; method: 'auto' | 'dijkstra' | 'bellman-ford'; limit: number; json?: boolean }) => {
      const bar = progressBar('load', progressWanted(options.json));
      let report;
      try {
        report = await runGraphCommand({
          algorithm,
          mtx: options.mtx,
          source: options.source,
          ...(options.target !== undefined ? { target: options.target } : {}),
          method: options.method,
          onProgress: bar.update,
        });
      } finally {
        bar.done();
      }
      print(options.json, report, formatGraphReport(report, options.limit));
    }),
  );

program
  .command('doctor')
  .description('print what this machine gives MMSB: native kernels, SIMD, CRC32C, CUDA, devices')
  .option('--json', 'print the report as JSON')
  .action((options: { json?: boolean }) => {
    const report = doctorReport();
    print(options.json, report, formatDoctorReport(report));
  });

await program.parseAsync(process.argv);
