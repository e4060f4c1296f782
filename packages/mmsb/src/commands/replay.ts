// `mmsb replay`: rebuild the state at an epoch from the directory's checkpoints and log,
// read-only, and report its digest.
//
// `--verify` asks whether that digest can be trusted, three ways:
//   1. integrity — every log record and checkpoint checksum in the directory holds (the same
//      check as `mmsb verify`, without repair), so the replay read no damaged bytes;
//   2. determinism — a second, independent replay to the same epoch gives the same digest and
//      the same bytes for every page (DESIGN.md §2: the same log gives bit-identical pages);
//   3. with `--expect <digest>` — the digest equals one recorded earlier, e.g. by the live
//      store's `digest()` when it reached that epoch, or by `mmsb demo --json`.
// `--expect` works without `--verify` too.
import { replayStore, verifyStore } from '@mmsb/page';
import type { ReplayResult } from '@mmsb/page';
import { formatBandwidth, formatBytes, formatMs, perSecond } from '../internal/format.js';
import type { ProgressCallback } from '@mmsb/page';

/** Options of {@link replayDir}. */
export interface ReplayOptions {
  /** Default: the last epoch. */
  readonly epoch?: number;
  readonly verify?: boolean;
  /** A digest recorded earlier that the replay must reproduce. */
  readonly expect?: string;
  readonly onProgress?: ProgressCallback;
}

/** What `--verify` found. */
export interface ReplayVerification {
  readonly integrityOk: boolean;
  readonly problems: readonly string[];
  readonly secondDigest: string;
  /** Same digest and the same bytes for every page in both replays. */
  readonly deterministic: boolean;
}

/** What `mmsb replay` reports. */
export interface ReplayReport {
  readonly dir: string;
  readonly epoch: number;
  readonly digest: string;
  readonly pages: number;
  readonly pageBytes: number;
  readonly fromCheckpoint: number | null;
  readonly recordsApplied: number;
  readonly bytesRead: number;
  readonly ms: number;
  readonly verification: ReplayVerification | null;
  readonly expected: string | null;
  /** null without `--expect`. */
  readonly expectedMatch: boolean | null;
  /** Every check asked for passed. */
  readonly ok: boolean;
}

function sameState(a: ReplayResult, b: ReplayResult): boolean {
  if (a.digest !== b.digest || a.bytes.size !== b.bytes.size) return false;
  for (const [id, bytes] of a.bytes) {
    const other = b.bytes.get(id);
    if (!other || Buffer.compare(bytes, other) !== 0) return false;
  }
  return true;
}

/** Replays `dir` to `options.epoch` (`EPOCH_FUTURE` past the last commit, `EPOCH_STALE` before what is kept). */
export async function replayDir(dir: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const replayOptions = {
    ...(options.epoch !== undefined ? { epoch: options.epoch } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
  const t0 = performance.now();
  const result = await replayStore(dir, replayOptions);
  const ms = performance.now() - t0;
  let verification: ReplayVerification | null = null;
  if (options.verify) {
    const integrity = await verifyStore(dir, { repair: false });
    const second = await replayStore(dir, { epoch: result.epoch });
    verification = {
      integrityOk: integrity.ok,
      problems: integrity.problems,
      secondDigest: second.digest,
      deterministic: sameState(result, second),
    };
  }
  const expected = options.expect?.toLowerCase() ?? null;
  const expectedMatch = expected === null ? null : expected === result.digest;
  return {
    dir,
    epoch: result.epoch,
    digest: result.digest,
    pages: result.pages.length,
    pageBytes: result.pages.reduce((sum, p) => sum + p.size, 0),
    fromCheckpoint: result.fromCheckpoint,
    recordsApplied: result.recordsApplied,
    bytesRead: result.bytesRead,
    ms,
    verification,
    expected,
    expectedMatch,
    ok: expectedMatch !== false && (verification === null || (verification.integrityOk && verification.deterministic)),
  };
}

/** The replay report as lines a person reads. */
export function formatReplay(report: ReplayReport): string {
  const r = report;
  const lines = [
    `mmsb replay ${r.dir}`,
    `  epoch        ${r.epoch}`,
    `  digest       ${r.digest}`,
    `  pages        ${r.pages} (${formatBytes(r.pageBytes)})`,
    `  from         ${r.fromCheckpoint === null ? 'an empty state' : `the checkpoint of epoch ${r.fromCheckpoint}`} + ${r.recordsApplied} log records`,
    `  read         ${formatBytes(r.bytesRead)} in ${formatMs(r.ms)} (${formatBandwidth(perSecond(r.bytesRead, r.ms))})`,
  ];
  if (r.verification) {
    const v = r.verification;
    lines.push(v.integrityOk ? '  ✓ integrity: every record and checkpoint checksum holds' : '  ✗ integrity: the directory is corrupt');
    for (const p of v.problems) lines.push(`    ✗ ${p}`);
    lines.push(
      v.deterministic
        ? '  ✓ determinism: a second replay gives the same digest and the same bytes'
        : `  ✗ determinism: a second replay differs (digest ${v.secondDigest})`,
    );
  }
  if (r.expectedMatch !== null) {
    lines.push(r.expectedMatch ? '  ✓ the digest equals the expected one' : `  ✗ expected digest ${r.expected ?? ''}`);
  }
  return lines.join('\n');
}
