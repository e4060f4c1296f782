// The state a replay builds: a page table and page bytes in plain memory, rebuilt from a
// checkpoint and the store records after it. The live store opens through the same code, so
// recovery and replay cannot disagree about what a record means.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeDelta } from '../delta/apply.js';
import { toPlainDelta } from '../delta/plain.js';
import { PageError, isPageError } from '../errors.js';
import type { LogFileSystem } from '../internal/fs.js';
import { listCheckpoints, loadCheckpoint } from '../checkpoint/checkpoint.js';
import { locationCode } from '../checkpoint/format.js';
import type { Manifest } from '../checkpoint/format.js';
import type { PageInfo, PageLocation, ProgressCallback } from '../store/api.js';
import { Slab } from '../internal/slab.js';
import { decodeStoreRecord, storeRecordLogicalBytes } from '../store/record.js';
import type { TLogRecord } from '../tlog/tlog.js';

/** One page of a replayed state. */
export interface StatePage {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
  readonly createdEpoch: number;
  epoch: number;
  /** Empty when only the table was replayed. */
  readonly bytes: Uint8Array;
}

/** A replayed state: the epoch it is at and its pages by id. */
export interface ReplayState {
  epoch: number;
  readonly pages: Map<number, StatePage>;
}

/**
 * The bytes of replayed pages up to 64 KiB come from 1 MiB slabs: a replay creating thousands of
 * pages makes a few allocations, not one (zero-filled, GC-tracked) ArrayBuffer per page. The pages
 * of a state live and die together, so sharing slabs keeps nothing alive for long.
 */
const pageSlab = new Slab(1 << 20, 64 * 1024);

/**
 * Applies the store record of `epoch` to `state` (bytes too unless `tableOnly`; with `only`, the
 * bytes of that page alone). `payload` comes from a TLog frame whose CRC32C was verified.
 */
export function applyRecord(state: ReplayState, epoch: number, payload: Uint8Array, tableOnly: boolean, only?: number): void {
  // Views, not copies: each delta is written into its page right away and none is kept.
  const record = decodeStoreRecord(payload, epoch, true);
  for (const c of record.creations) {
    if (state.pages.has(c.id)) throw new PageError('LOG_CORRUPT', `store record of epoch ${epoch} creates page ${c.id}, which exists`);
    state.pages.set(c.id, { ...c, createdEpoch: epoch, epoch, bytes: tableOnly || (only !== undefined && c.id !== only) ? new Uint8Array(0) : pageSlab.take(c.size) });
  }
  for (const d of record.deltas) {
    const page = state.pages.get(d.pageId);
    if (page === undefined || page.size !== d.size) {
      throw new PageError('LOG_CORRUPT', `store record of epoch ${epoch} changes page ${d.pageId} of ${d.size} bytes, which ${page === undefined ? 'does not exist' : `has ${page.size}`}`);
    }
    // Replay never undoes, so only the after-bytes are written; no before-image is captured.
    if (!tableOnly && (only === undefined || d.pageId === only)) writeDelta(page.bytes, d.kind === 'compressed' ? toPlainDelta(d, 'replay') : d);
    page.epoch = epoch;
  }
  state.epoch = epoch;
}

/** Where {@link rebuildState} reads from: checkpoints through `fs`, records through `records`. */
export interface StateSource {
  readonly fs: LogFileSystem;
  /** `<store>/checkpoints`. */
  readonly checkpointsDir: string;
  /** The log's records with `from ≤ epoch ≤ to`, in order. */
  records(from: number, to: number): AsyncIterable<TLogRecord>;
}

/** What {@link rebuildState} used and skipped. */
export interface RebuildReport {
  /** Checkpoint it started from; null for the empty state. */
  readonly fromCheckpoint: number | null;
  /** Its manifest (null for the empty state). */
  readonly manifest: Manifest | null;
  /** Newer checkpoints it could not use, and why. */
  readonly skipped: readonly { readonly epoch: number; readonly problem: string }[];
  readonly recordsApplied: number;
  readonly bytesRead: number;
  /** The applied records' payloads once decompressed (see `storeRecordLogicalBytes`). */
  readonly logicalBytes: number;
}

/**
 * The state at `toEpoch` (Infinity: the end of the log): the newest checkpoint at or below it that
 * loads and checksums, then the log's records after it, which must follow it without a gap. A
 * checkpoint that fails is skipped for an older one (the report says which); when none works the
 * answer is CHECKPOINT_CORRUPT if one was corrupt, else EPOCH_STALE (the log no longer reaches).
 */
export async function rebuildState(
  source: StateSource,
  toEpoch: number,
  options: {
    readonly tableOnly?: boolean;
    /** Rebuild the bytes of this page alone (the others get empty bytes): only its image is read. */
    readonly page?: number | undefined;
    readonly onProgress?: ProgressCallback | undefined;
  } = {},
): Promise<{ state: ReplayState; report: RebuildReport }> {
  const tableOnly = options.tableOnly === true;
  const epochs = (await listCheckpoints(source.fs, source.checkpointsDir)).filter((e) => e <= toEpoch);
  const skipped: { epoch: number; problem: string }[] = [];
  const gaps: string[] = [];
  for (const c of [...epochs, null]) {
    const state: ReplayState = { epoch: c ?? 0, pages: new Map() };
    let manifest: Manifest | null = null;
    let bytesRead = 0;
    if (c !== null) {
      try {
        const loaded = await loadCheckpoint(source.fs, source.checkpointsDir, c, { images: !tableOnly, only: options.page, onProgress: options.onProgress });
        manifest = loaded.manifest;
        bytesRead = loaded.bytesRead;
        for (const e of loaded.manifest.entries) {
          state.pages.set(e.id, { id: e.id, size: e.size, location: e.location, createdEpoch: e.createdEpoch, epoch: e.epoch, bytes: loaded.images.get(e.id) ?? new Uint8Array(0) });
        }
      } catch (error) {
        if (!isPageError(error, 'CHECKPOINT_CORRUPT') && !isPageError(error, 'IO_ERROR')) throw error;
        skipped.push({ epoch: c, problem: error.message });
        continue;
      }
    }
    const start = state.epoch;
    let applied = 0;
    let logicalBytes = 0;
    let gap = false;
    const total = Number.isFinite(toEpoch) ? toEpoch - start : 0;
    for await (const r of source.records(start + 1, toEpoch)) {
      if (r.epoch !== state.epoch + 1) {
        gap = true;
        gaps.push(`the log holds epoch ${r.epoch} after ${state.epoch}, not ${state.epoch + 1} (from ${c === null ? 'the empty state' : `checkpoint ${c}`})`);
        break;
      }
      applyRecord(state, r.epoch, r.payload, tableOnly, options.page);
      bytesRead += r.payload.byteLength;
      logicalBytes += storeRecordLogicalBytes(r.payload);
      applied++;
      options.onProgress?.(applied, total, 'replay');
    }
    if (gap) continue;
    if (Number.isFinite(toEpoch) && state.epoch !== toEpoch) {
      gaps.push(`the log ends at epoch ${state.epoch}, before ${toEpoch} (from ${c === null ? 'the empty state' : `checkpoint ${c}`})`);
      continue;
    }
    return { state, report: { fromCheckpoint: c, manifest, skipped, recordsApplied: applied, bytesRead, logicalBytes } };
  }
  const target = Number.isFinite(toEpoch) ? `epoch ${toEpoch}` : 'the end of the log';
  if (skipped.length > 0) {
    throw new PageError('CHECKPOINT_CORRUPT', `cannot rebuild ${target}: ${[...skipped.map((s) => s.problem), ...gaps].join('; ')}`);
  }
  throw new PageError('EPOCH_STALE', `cannot rebuild ${target}: no checkpoint and log records reach it (${gaps.join('; ')})`);
}

const DIGEST_TAG = new TextEncoder().encode('mmsb-state-digest-1\0');

/**
 * SHA-256 (hex) of a state: a tag, the page count, then per page in id order its id, size and
 * location code and its bytes (docs/formats/store-record.md, "State digest").
 */
export function digestOf(pages: Iterable<{ readonly id: number; readonly size: number; readonly location: PageLocation }>, bytesOf: (id: number) => Uint8Array): string {
  const sorted = [...pages].sort((a, b) => a.id - b.id);
  const hash = createHash('sha256');
  hash.update(DIGEST_TAG);
  const head = new Uint8Array(9);
  const view = new DataView(head.buffer);
  view.setUint32(0, sorted.length, true);
  hash.update(head.subarray(0, 4));
  for (const p of sorted) {
    view.setUint32(0, p.id, true);
    view.setUint32(4, p.size, true);
    view.setUint8(8, locationCode(p.location));
    hash.update(head);
    hash.update(bytesOf(p.id));
  }
  return hash.digest('hex');
}

/** The page table of a state, sorted by id. */
export function tableOf(state: ReplayState): PageInfo[] {
  return [...state.pages.values()].sort((a, b) => a.id - b.id).map((p) => ({ id: p.id, size: p.size, location: p.location, epoch: p.epoch }));
}

/** `<dir>/tlog` and `<dir>/checkpoints`. */
export function storePaths(dir: string): { tlog: string; checkpoints: string } {
  return { tlog: join(dir, 'tlog'), checkpoints: join(dir, 'checkpoints') };
}
