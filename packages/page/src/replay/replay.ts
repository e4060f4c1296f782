// Read-only tools over a data directory: replay to an epoch, verify every checksum, inspect. None
// takes the lock or changes a byte (except `verifyStore` with `repair`, which takes the lock and
// moves damaged files aside, never deleting them).
import { join } from 'node:path';
import { listCheckpoints, readImages, readManifest } from '../checkpoint/checkpoint.js';
import { manifestName } from '../checkpoint/format.js';
import { PageError, isPageError } from '../errors.js';
import { nodeLogFileSystem } from '../internal/fs.js';
import type { LogFileSystem } from '../internal/fs.js';
import type { InspectReport, ProgressCallback, ReplayResult, VerifyReport } from '../store/api.js';
import { ioError } from '../store/files.js';
import { classifyStoreDir } from '../store/layout.js';
import { acquireStoreLock, lockHolder } from '../store/lock.js';
import { decodeStoreRecord } from '../store/record.js';
import { TLog } from '../tlog/tlog.js';
import { newScanReport, scanLogReadOnly } from './segments.js';
import type { LogScanReport } from './segments.js';
import { digestOf, rebuildState, storePaths, tableOf } from './state.js';
import type { StateSource } from './state.js';

/** Options of {@link replayStore}. */
export interface ReplayOptions {
  /** The epoch to rebuild (default: the last one the directory holds). */
  readonly epoch?: number;
  readonly onProgress?: ProgressCallback;
  /** The file layer (default node:fs). */
  readonly fs?: LogFileSystem;
}

/** Options of {@link verifyStore}. */
export interface VerifyOptions {
  /** Move what is damaged aside (log tail into tlog/quarantine/, checkpoints into checkpoints/quarantine/); takes the lock. */
  readonly repair?: boolean;
  readonly onProgress?: ProgressCallback;
  readonly fs?: LogFileSystem;
}

/** Options of {@link inspectStore}. */
export interface InspectOptions {
  readonly fs?: LogFileSystem;
}

function fsOf(options: { readonly fs?: LogFileSystem } | undefined): LogFileSystem {
  return options?.fs ?? nodeLogFileSystem;
}

function checkDir(dir: unknown, fn: string): asserts dir is string {
  if (typeof dir !== 'string' || dir.length === 0) throw new PageError('INVALID_ARGUMENT', `${fn}: dir must be a non-empty path, got ${JSON.stringify(dir)}`);
}

async function requireStore(fs: LogFileSystem, dir: string, fn: string): Promise<void> {
  if ((await classifyStoreDir(fs, dir)) !== 'store') throw new PageError('NOT_A_STORE', `${fn}: ${dir} is not an MMSB data directory (no marker)`);
}

function readOnlySource(fs: LogFileSystem, dir: string, report: LogScanReport): StateSource {
  const paths = storePaths(dir);
  return { fs, checkpointsDir: paths.checkpoints, records: (from, to) => scanLogReadOnly(fs, paths.tlog, from, to, report) };
}

function logCorrupt(dir: string, problems: readonly string[], cause: unknown): PageError {
  return new PageError('LOG_CORRUPT', `replayStore: the log of ${dir} is corrupt before the epoch asked for: ${problems.join('; ')}`, { cause });
}

/**
 * The state of data directory `dir` at `options.epoch` (default the last), rebuilt read-only: the
 * newest valid checkpoint at or below it plus the log's records after it. Takes no lock and
 * changes nothing, so it may run beside the writer. EPOCH_FUTURE past the last epoch, EPOCH_STALE
 * before what the checkpoints and log cover, CHECKPOINT_CORRUPT or LOG_CORRUPT when corruption is
 * in the way (an epoch before the damage still replays).
 */
export async function replayStore(dir: string, options?: ReplayOptions): Promise<ReplayResult> {
  checkDir(dir, 'replayStore');
  const fs = fsOf(options);
  const epoch = options?.epoch;
  if (epoch !== undefined && (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0)) {
    throw new PageError('INVALID_ARGUMENT', `replayStore: epoch must be a non-negative integer, got ${String(epoch)}`);
  }
  await requireStore(fs, dir, 'replayStore');
  const report = newScanReport();
  const target = epoch ?? Number.POSITIVE_INFINITY;
  let rebuilt;
  try {
    rebuilt = await rebuildState(readOnlySource(fs, dir, report), target, { onProgress: options?.onProgress });
  } catch (error) {
    // The log stopped at damage before the epoch asked for: that is corruption, not a future epoch.
    if (report.problems.length > 0) throw logCorrupt(dir, report.problems, error);
    if (epoch !== undefined && isPageError(error, 'EPOCH_STALE')) {
      const newest = (await listCheckpoints(fs, storePaths(dir).checkpoints))[0] ?? 0;
      if (epoch > Math.max(report.lastEpoch, newest)) {
        throw new PageError('EPOCH_FUTURE', `replayStore: epoch ${epoch} is after the last epoch ${Math.max(report.lastEpoch, newest)} of ${dir}`);
      }
    }
    throw error;
  }
  // Replaying to the end stops at the first bad record; the state before it is not "the last epoch".
  if (report.problems.length > 0) throw logCorrupt(dir, report.problems, null);
  const { state, report: r } = rebuilt;
  const bytes = new Map<number, Uint8Array>();
  for (const p of state.pages.values()) bytes.set(p.id, p.bytes);
  // The digest hashes every page (SHA-256): computed on first read, not by every replay.
  let digest: string | null = null;
  const result: ReplayResult = {
    epoch: state.epoch,
    get digest(): string {
      return (digest ??= digestOf(state.pages.values(), (id) => bytes.get(id) ?? new Uint8Array(0)));
    },
    pages: tableOf(state),
    bytes,
    fromCheckpoint: r.fromCheckpoint,
    recordsApplied: r.recordsApplied,
    bytesRead: r.bytesRead,
    logicalBytes: r.logicalBytes,
  };
  return result;
}

/**
 * Checks every checksum of data directory `dir`: every log record (and that it decodes as a store
 * record), every checkpoint manifest and image. Each problem names the file and offset or page.
 * With `repair` it takes the lock (STORE_LOCKED while a writer holds it), lets the TLog move a
 * corrupt tail into `tlog/quarantine/` and moves corrupt checkpoints into
 * `checkpoints/quarantine/`; nothing is deleted.
 */
export async function verifyStore(dir: string, options?: VerifyOptions): Promise<VerifyReport> {
  checkDir(dir, 'verifyStore');
  const fs = fsOf(options);
  await requireStore(fs, dir, 'verifyStore');
  const paths = storePaths(dir);
  const problems: string[] = [];
  const repaired: string[] = [];
  const scan = newScanReport();
  let decodeFailed = false;
  for await (const r of scanLogReadOnly(fs, paths.tlog, 1, Number.POSITIVE_INFINITY, scan)) {
    try {
      decodeStoreRecord(r.payload, r.epoch);
    } catch (error) {
      decodeFailed = true;
      problems.push(`${paths.tlog}: ${(error as Error).message}`);
    }
    options?.onProgress?.(scan.records, scan.records, 'verify log');
  }
  problems.push(...scan.problems);
  const checkpoints: { epoch: number; ok: boolean; problem: string | null }[] = [];
  const epochs = await listCheckpoints(fs, paths.checkpoints);
  let done = 0;
  for (const epoch of epochs) {
    let problem: string | null = null;
    try {
      const { manifest } = await readManifest(fs, paths.checkpoints, epoch);
      await readImages(fs, paths.checkpoints, manifest.entries, () => undefined);
    } catch (error) {
      problem = (error as Error).message;
      problems.push(problem);
    }
    checkpoints.push({ epoch, ok: problem === null, problem });
    options?.onProgress?.(++done, epochs.length, 'verify checkpoints');
  }
  if (options?.repair === true && problems.length > 0) {
    const lock = acquireStoreLock(fs, dir, fs === nodeLogFileSystem);
    try {
      if (scan.problems.length > 0 || decodeFailed) {
        const { log, recovery } = await TLog.open({ dir: paths.tlog, durability: 'sync', repair: true, fs });
        await log.close();
        repaired.push(...recovery.quarantined.map((q) => `moved aside ${q}`));
      }
      const bad = checkpoints.filter((c) => !c.ok);
      if (bad.length > 0) {
        const qdir = join(paths.checkpoints, 'quarantine');
        try {
          await fs.mkdir(qdir);
          for (const c of bad) {
            const name = manifestName(c.epoch);
            await fs.rename(join(paths.checkpoints, name), join(qdir, name));
            repaired.push(`moved aside ${join(paths.checkpoints, name)} to ${join(qdir, name)}`);
          }
          await fs.syncDir(qdir);
          await fs.syncDir(paths.checkpoints);
        } catch (cause) {
          throw ioError(`verifyStore: moving corrupt checkpoints into ${qdir} failed`, cause);
        }
      }
    } finally {
      lock.release();
    }
  }
  const newest = epochs[0] ?? 0;
  return { ok: problems.length === 0, lastEpoch: Math.max(scan.lastEpoch, newest), records: scan.records, checkpoints, problems, repaired };
}

/** What data directory `dir` holds, read-only: segments, checkpoints, the page table, the lock. */
export async function inspectStore(dir: string, options?: InspectOptions): Promise<InspectReport> {
  checkDir(dir, 'inspectStore');
  const fs = fsOf(options);
  await requireStore(fs, dir, 'inspectStore');
  const paths = storePaths(dir);
  let pages: InspectReport['pages'] = [];
  let stateEpoch = 0;
  try {
    const { state } = await rebuildState(readOnlySource(fs, dir, newScanReport()), Number.POSITIVE_INFINITY, { tableOnly: true });
    pages = tableOf(state);
    stateEpoch = state.epoch;
  } catch (error) {
    if (!(error instanceof PageError)) throw error;
    // A directory that does not replay still has files worth listing; `verifyStore` says why.
  }
  // A second pass over the whole log for the segment list: the rebuild may have started from a
  // checkpoint and read only the log's end.
  const scan = newScanReport();
  for await (const r of scanLogReadOnly(fs, paths.tlog, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY, scan)) void r;
  const checkpoints: { epoch: number; pages: number; bytes: number }[] = [];
  for (const epoch of await listCheckpoints(fs, paths.checkpoints)) {
    const m = await readManifest(fs, paths.checkpoints, epoch).catch(() => null);
    if (m === null) continue;
    checkpoints.push({ epoch, pages: m.manifest.entries.length, bytes: m.bytes + m.manifest.entries.reduce((n, e) => n + e.storedBytes, 0) });
  }
  return {
    dir,
    lastEpoch: Math.max(scan.lastEpoch, stateEpoch, checkpoints[0]?.epoch ?? 0),
    firstLogEpoch: scan.firstEpoch,
    pages,
    segments: scan.segments.map((s) => ({ name: s.name, bytes: s.bytes, firstEpoch: s.firstEpoch, lastEpoch: s.lastEpoch })),
    checkpoints,
    problems: scan.problems,
    locked: lockHolder(fs, dir, fs === nodeLogFileSystem) !== null,
  };
}
