// The transaction log: one writer appends framed records to segment files, acknowledging each
// commit once it is as durable as configured; readers scan the files. Format and recovery rules:
// docs/formats/tlog.md and ./recovery.ts.
import { join, resolve } from 'node:path';
import { PageError } from '../errors.js';
import { nodeLogFileSystem, parentDir } from '../internal/fs.js';
import type { LogFile, LogFileSystem } from '../internal/fs.js';
import {
  FORMAT_MAX_PAYLOAD_BYTES,
  FRAME_HEADER_BYTES,
  RECORD_MAGIC,
  SEAL_MAGIC,
  SEGMENT_HEADER_BYTES,
  encodeSegmentHeader,
  readFrame,
  saltOf,
  segmentName,
  spareName,
  spareTempName,
  viewOf,
  writeFrameHeader,
} from './format.js';
import { recoverLog } from './recovery.js';
import type { TLogRecoveryReport } from './recovery.js';

/**
 * When an append is acknowledged.
 * - `sync`: after its own write and fdatasync — one fsync per commit.
 * - `group`: commits that arrive while an fsync is in flight are written together and all
 *   acknowledged after one shared fdatasync.
 * - `none`: once written to the OS; never fsynced. Survives a killed process, not a power loss
 *   (after which the log may even need `repair`). Tests and scratch only.
 */
export type TLogDurability = 'sync' | 'group' | 'none';

/** Options of {@link TLog.open}. */
export interface TLogOptions {
  /** The log's directory (`<dataDir>/tlog`); created when missing. */
  readonly dir: string;
  /** See {@link TLogDurability}. */
  readonly durability: TLogDurability;
  /** Target size of a segment file in bytes (default 64 MiB); a lone larger record gets a segment of its own. */
  readonly segmentBytes?: number;
  /** The largest payload `append` accepts (default 16 MiB, at most 1 GiB). */
  readonly maxRecordBytes?: number;
  /** On corruption, keep the log before the bad record and move the rest into `quarantine/` instead of refusing to open. */
  readonly repair?: boolean;
  /** The file layer (default: node:fs). Tests pass a fault-injecting one. */
  readonly fs?: LogFileSystem;
  /** Write the next segment file to full size in the background once the active one is half full (default true). */
  readonly preallocate?: boolean;
  /** How many retired segment files `retainFrom` keeps for reuse instead of deleting (default 1). */
  readonly spareSegments?: number;
}

/** One record: a commit's epoch and its payload (opaque bytes). */
export interface TLogRecord {
  readonly epoch: number;
  readonly payload: Uint8Array;
}

/** What {@link TLog.open} resolves to. */
export interface TLogOpened {
  readonly log: TLog;
  /** What recovery found and did. */
  readonly recovery: TLogRecoveryReport;
}

/** What {@link TLog.retainFrom} did. */
export interface TLogRetention {
  /** Paths of the segment files retired (all their records were before the epoch). */
  readonly retired: readonly string[];
  /** How many of them were kept as spares for reuse rather than deleted. */
  readonly recycled: number;
}

/** Options of {@link TLog.scan}. */
export interface TLogScanOptions {
  /**
   * Copy each payload out of the read buffer (default false). Without it a payload is a view into
   * a read buffer that is reused: valid until the iterator is advanced again.
   */
  readonly copy?: boolean;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** Smallest segment: a header, one frame header and a seal, with room to spare. */
const MIN_SEGMENT_BYTES = 256;
/** A group batch stops growing here, so one write stays bounded while commits pour in. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** `none` writes batches up to this size on the calling thread (see writeBatch). */
const SYNC_WRITE_MAX_BYTES = 1024 * 1024;
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;
const ZEROS = new Uint8Array(1024 * 1024);
/**
 * With `preallocate`, the active segment is kept written with zeros this far past the next write:
 * a record then overwrites allocated space instead of growing the file, so an O_DSYNC write (or
 * fdatasync) flushes only data, not a size change each commit. Zeros read as the clean end.
 */
const FILL_AHEAD_BYTES = 1024 * 1024;

/** One log per directory per file system in this process; the store's LOCK file guards across processes. */
const openDirs = new WeakMap<LogFileSystem, Set<string>>();

interface Segment {
  readonly seq: number;
  readonly name: string;
  readonly salt: number;
  readonly prevEpoch: number;
  firstEpoch: number | null;
  /** Epoch of the last record written (acknowledged or not). */
  lastEpoch: number;
  /** Offset just past the last record written. */
  end: number;
  /** Offset just past the last acknowledged record (what scans of the active segment read). */
  ackedEnd: number;
  sealed: boolean;
}

interface Pending {
  readonly records: readonly TLogRecord[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: PageError) => void;
}

function invalid(message: string): PageError {
  return new PageError('INVALID_ARGUMENT', `tlog: ${message}`);
}

function ioError(what: string, cause: unknown): PageError {
  return cause instanceof PageError ? cause : new PageError('IO_ERROR', `tlog: ${what}: ${String(cause)}`, { cause });
}

function checkSize(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} ${String(value)} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * A transaction log over a directory of segment files. One writer; `append` calls are ordered by
 * call, and each resolves once its record is as durable as `durability` promises. After a write or
 * fsync fails the log refuses every further append with that error (the page cache can no longer
 * be trusted); close it and open it again to recover.
 */
export class TLog {
  private readonly queue: Pending[] = [];
  private pumping: Promise<void> | null = null;
  private failure: PageError | null = null;
  private closed = false;
  /** Epoch of the last record accepted by append (queued or written). */
  private acceptedEpoch: number;
  /** Epoch of the last acknowledged record. */
  private ackedEpoch: number;
  private writeBuf = new Uint8Array(64 * 1024);
  private dirChain: Promise<void> = Promise.resolve();
  private preallocating: Promise<void> | null = null;
  /** Size of the active segment file: bytes past the last record up to here are zeros (or stale frames of a spare). */
  private filledTo: number;
  private readonly durable: boolean;
  /**
   * `sync` only: the active segment is opened with O_DSYNC and records are written with
   * `writeSync`, so a commit is durable when its one pwrite returns — no threadpool round trip,
   * no separate fdatasync (docs/durability.md says why).
   */
  private readonly dsync: boolean;

  private constructor(
    private readonly fs: LogFileSystem,
    private readonly dir: string,
    private readonly lockKey: string,
    readonly durability: TLogDurability,
    private readonly segmentBytes: number,
    private readonly maxRecordBytes: number,
    private readonly preallocate: boolean,
    private readonly spareSegments: number,
    private readonly segments: Segment[],
    private activeFile: LogFile,
    private readonly spares: string[],
    private nextId: number,
    lastEpoch: number,
    activeSize: number,
  ) {
    this.filledTo = activeSize;
    this.acceptedEpoch = lastEpoch;
    this.ackedEpoch = lastEpoch;
    this.durable = durability !== 'none';
    this.dsync = durability === 'sync';
  }

  /**
   * Opens (creating when missing) the log in `options.dir` and recovers it: a torn tail is cut,
   * corruption before the tail is refused with `LOG_CORRUPT` (nothing changed on disk) unless
   * `repair` is set. A second open of the same directory in this process gets `STORE_LOCKED`.
   */
  static async open(options: TLogOptions): Promise<TLogOpened> {
    const { dir, durability } = options;
    if (typeof dir !== 'string' || dir.length === 0) throw invalid(`dir ${String(dir)} must be a non-empty path`);
    if (durability !== 'sync' && durability !== 'group' && durability !== 'none') {
      throw invalid(`durability ${String(durability)} must be 'sync', 'group' or 'none'`);
    }
    const segmentBytes = checkSize('segmentBytes', options.segmentBytes, DEFAULT_SEGMENT_BYTES, MIN_SEGMENT_BYTES, 2 ** 40);
    const maxRecordBytes = checkSize('maxRecordBytes', options.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES, 0, FORMAT_MAX_PAYLOAD_BYTES);
    const spareSegments = checkSize('spareSegments', options.spareSegments, 1, 0, 1024);
    const fs = options.fs ?? nodeLogFileSystem;
    const durable = durability !== 'none';
    const dsync = durability === 'sync';

    const key = resolve(dir);
    let held = openDirs.get(fs);
    if (held === undefined) {
      held = new Set();
      openDirs.set(fs, held);
    }
    if (held.has(key)) throw new PageError('STORE_LOCKED', `tlog: ${dir} is already open in this process`);
    held.add(key);
    try {
      let created: boolean;
      try {
        created = await fs.mkdir(dir);
      } catch (cause) {
        throw ioError(`could not create ${dir}`, cause);
      }
      if (created && durable) await fs.syncDir(parentDir(dir)).catch((e: unknown) => Promise.reject(ioError(`could not fsync ${parentDir(dir)}`, e)));
      const rec = await recoverLog({ fs, dir, repair: options.repair === true, durable });
      const segments: Segment[] = rec.segments.map((s) => ({ ...s, salt: saltOf(s.seq), ackedEnd: s.end }));
      let nextId = rec.nextId;
      let activeFile: LogFile;
      const last = segments.at(-1);
      if (last === undefined) {
        const seq = nextId++;
        activeFile = await createSegmentFile(fs, dir, seq, 0, null, durable, dsync);
        segments.push(emptySegment(seq, 0));
      } else {
        activeFile = await fs.open(join(dir, last.name), 'readwrite', { dsync }).catch((e: unknown) => Promise.reject(ioError(`could not open ${last.name}`, e)));
      }
      const log = new TLog(
        fs,
        dir,
        key,
        durability,
        segmentBytes,
        maxRecordBytes,
        options.preallocate ?? true,
        spareSegments,
        segments,
        activeFile,
        [...rec.spares],
        nextId,
        rec.report.lastEpoch,
        await activeFile.size().catch((e: unknown) => Promise.reject(ioError(`could not stat ${segmentName(segments.at(-1)?.seq ?? 0)}`, e))),
      );
      return { log, recovery: rec.report };
    } catch (error) {
      held.delete(key);
      throw error;
    }
  }

  /** Epoch of the last acknowledged record; 0 when the log never held one. */
  get lastEpoch(): number {
    return this.ackedEpoch;
  }

  /** Epoch of the first record still in the log (after retention); null when it holds none. */
  get firstEpoch(): number | null {
    for (const s of this.segments) {
      if (s.firstEpoch !== null) return s.firstEpoch <= this.ackedEpoch ? s.firstEpoch : null;
    }
    return null;
  }

  /**
   * Appends one record. Resolves once it is as durable as `durability` promises. Refuses, with the
   * log unchanged: an epoch that is not a safe integer above every earlier one (`INVALID_ARGUMENT`),
   * a payload that is not a Uint8Array or is over `maxRecordBytes` (`INVALID_ARGUMENT`), a closed
   * log (`STORE_CLOSED`), a log whose writes failed (`IO_ERROR`).
   */
  append(epoch: number, payload: Uint8Array): Promise<void> {
    return this.appendBatch([{ epoch, payload }]);
  }

  /**
   * Appends several records, in order, written together and acknowledged together (one fsync
   * under `sync` too). All are checked first: one bad record refuses the whole batch.
   */
  appendBatch(records: readonly TLogRecord[]): Promise<void> {
    try {
      this.checkOpen();
      if (!Array.isArray(records)) throw invalid('appendBatch takes an array of { epoch, payload }');
      let prev = this.acceptedEpoch;
      let bytes = 0;
      for (const r of records as readonly unknown[]) {
        const { epoch, payload } = (r ?? {}) as Partial<TLogRecord>;
        if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch <= prev) {
          throw invalid(`epoch ${String(epoch)} must be a safe integer above the last epoch ${prev}`);
        }
        if (!(payload instanceof Uint8Array)) throw invalid(`payload of epoch ${epoch} must be a Uint8Array`);
        if (payload.byteLength > this.maxRecordBytes) {
          throw invalid(`payload of epoch ${epoch} is ${payload.byteLength} bytes, over maxRecordBytes ${this.maxRecordBytes}`);
        }
        prev = epoch;
        bytes += payload.byteLength + FRAME_HEADER_BYTES;
      }
      if (records.length === 0) return Promise.resolve();
      this.acceptedEpoch = prev;
      const now = this.writeNow(records, bytes);
      if (now !== null) return now;
      return new Promise<void>((resolve, reject) => {
        this.queue.push({ records, bytes, resolve, reject });
        this.pumping ??= this.pump();
      });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * Reads acknowledged records with `fromEpoch ≤ epoch ≤ toEpoch` in epoch order, straight from the
   * segment files in large chunks. Without `copy`, a payload is a view into a reused read buffer,
   * valid until the iterator advances. A frame that no longer checksums → `LOG_CORRUPT`. Retiring
   * (retainFrom) the segments a scan is about to read makes it fail with `IO_ERROR`.
   */
  scan(fromEpoch = 1, toEpoch: number = Number.MAX_SAFE_INTEGER, options: TLogScanOptions = {}): AsyncGenerator<TLogRecord> {
    this.checkOpen();
    if (!Number.isSafeInteger(fromEpoch) || !Number.isSafeInteger(toEpoch)) {
      throw invalid(`scan bounds ${fromEpoch}..${toEpoch} must be safe integers`);
    }
    const limit = Math.min(toEpoch, this.ackedEpoch);
    const active = this.segments.at(-1);
    const plan = this.segments
      .filter((s) => s.lastEpoch >= fromEpoch && s.prevEpoch < limit)
      .map((s) => ({ path: join(this.dir, s.name), salt: s.salt, end: s === active ? s.ackedEnd : s.end }));
    return scanSegments(this.fs, plan, fromEpoch, limit, options.copy === true);
  }

  /**
   * Retention after a checkpoint: retires every segment whose records all precede `epoch` (never the
   * active one), keeping up to `spareSegments` of the files for reuse and deleting the rest, oldest
   * first, then fsyncs the directory.
   */
  async retainFrom(epoch: number): Promise<TLogRetention> {
    this.checkOpen();
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw invalid(`retainFrom epoch ${String(epoch)} must be a non-negative safe integer`);
    if (epoch > this.ackedEpoch + 1) {
      throw new PageError('EPOCH_FUTURE', `tlog: retainFrom(${epoch}) is past the last acknowledged epoch ${this.ackedEpoch} + 1`);
    }
    return this.lockDir(async () => {
      const retired: string[] = [];
      let recycled = 0;
      try {
        for (;;) {
          const first = this.segments[0];
          if (this.segments.length < 2 || first === undefined || !first.sealed || first.lastEpoch >= epoch) break;
          const path = join(this.dir, first.name);
          if (this.spares.length < this.spareSegments) {
            const spare = spareName(first.seq);
            await this.fs.rename(path, join(this.dir, spare));
            this.spares.push(spare);
            recycled++;
          } else {
            await this.fs.unlink(path);
          }
          this.segments.shift();
          retired.push(path);
        }
        if (retired.length > 0 && this.durable) await this.fs.syncDir(this.dir);
      } catch (cause) {
        throw ioError(`retention in ${this.dir} failed`, cause);
      }
      return { retired, recycled };
    });
  }

  /** Waits for queued appends to be acknowledged, then closes the files. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pumping;
      await this.preallocating;
      await this.dirChain;
      await this.activeFile.close();
    } finally {
      openDirs.get(this.fs)?.delete(this.lockKey);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new PageError('STORE_CLOSED', `tlog: ${this.dir} is closed`);
    if (this.failure !== null) throw this.failure;
  }

  private lockDir<T>(body: () => Promise<T>): Promise<T> {
    const run = this.dirChain.then(body);
    this.dirChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private get active(): Segment {
    const s = this.segments.at(-1);
    if (s === undefined) throw new Error('unreachable: a TLog always has an active segment');
    return s;
  }

  /** The single writer loop: takes a batch, writes it, fsyncs once, acknowledges it. */
  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.failure !== null) {
        for (const p of this.queue.splice(0)) p.reject(this.failure);
        break;
      }
      const batch = this.takeBatch();
      try {
        await this.writeBatch(batch);
        // An O_DSYNC segment (`sync`) made the batch durable as it was written.
        if (this.durable && !this.activeFile.dsync) await this.activeFile.datasync();
      } catch (cause) {
        this.failure = ioError(`append to ${this.dir} failed; the log refuses writes until reopened`, cause);
        for (const p of batch) p.reject(this.failure);
        continue;
      }
      const active = this.active;
      active.ackedEnd = active.end;
      const lastBatch = batch.at(-1);
      const lastRecord = lastBatch?.records.at(-1);
      if (lastRecord !== undefined) this.ackedEpoch = lastRecord.epoch;
      for (const p of batch) p.resolve();
      this.maybePreallocate();
    }
    this.pumping = null;
  }

  /**
   * `sync` with nothing queued or in flight: writes the records at once with one durable pwrite on
   * this thread, as the pump would, but without its queue entry, promise executor and async steps.
   * Null when the records need the pump: something queued, a rotation or a fill-ahead first.
   */
  private writeNow(records: readonly TLogRecord[], bytes: number): Promise<void> | null {
    if (!this.dsync || this.pumping !== null || this.queue.length > 0 || !this.activeFile.dsync) return null;
    const seg = this.active;
    const writeEnd = seg.end + bytes + FRAME_HEADER_BYTES;
    if (seg.sealed || writeEnd > this.segmentBytes || (this.preallocate && writeEnd > this.filledTo)) return null;
    this.reserve(bytes + FRAME_HEADER_BYTES);
    let pos = 0;
    for (const r of records) pos = this.putFrame(pos, r, seg.salt);
    // The zeroed frame header after the records marks the clean end (see writeBatch).
    this.writeBuf.fill(0, pos, pos + FRAME_HEADER_BYTES);
    try {
      this.activeFile.writeSync(this.writeBuf.subarray(0, pos + FRAME_HEADER_BYTES), seg.end);
    } catch (cause) {
      this.failure = ioError(`append to ${this.dir} failed; the log refuses writes until reopened`, cause);
      return Promise.reject(this.failure);
    }
    if (writeEnd > this.filledTo) this.filledTo = writeEnd;
    const last = (records.at(-1) as TLogRecord).epoch;
    seg.end += pos;
    seg.lastEpoch = last;
    seg.firstEpoch ??= (records[0] as TLogRecord).epoch;
    seg.ackedEnd = seg.end;
    this.ackedEpoch = last;
    this.maybePreallocate();
    return Promise.resolve();
  }

  /** Writes record `r` framed at `pos` of the write buffer (reserved by the caller); returns the offset after it. */
  private putFrame(pos: number, r: TLogRecord, salt: number): number {
    this.writeBuf.set(r.payload, pos + FRAME_HEADER_BYTES);
    writeFrameHeader(this.writeBuf, pos, RECORD_MAGIC, r.payload.byteLength, r.epoch, this.ackedEpoch, salt);
    return pos + FRAME_HEADER_BYTES + r.payload.byteLength;
  }

  private takeBatch(): Pending[] {
    // `sync` gives every commit its own fsync; the others take what has queued up meanwhile.
    if (this.durability === 'sync') return this.queue.splice(0, 1);
    let n = 0;
    let bytes = 0;
    for (const p of this.queue) {
      if (n > 0 && bytes + p.bytes > MAX_BATCH_BYTES) break;
      bytes += p.bytes;
      n++;
    }
    return this.queue.splice(0, n);
  }

  /** Assembles frames into one buffer per segment and writes them with one pwrite each. */
  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    let pos = 0;
    let first: number | null = null;
    let last = 0;
    const flush = async (): Promise<void> => {
      if (pos === 0) return;
      const seg = this.active;
      // A zeroed frame header after the batch marks the clean end, so leftover bytes of a recycled
      // file read as "nothing more" rather than as a torn frame.
      this.writeBuf.fill(0, pos, pos + FRAME_HEADER_BYTES);
      const bytes = this.writeBuf.subarray(0, pos + FRAME_HEADER_BYTES);
      const writeEnd = seg.end + bytes.byteLength;
      // Zeros go down before the record, never over the same range at the same time.
      if (writeEnd > this.filledTo && this.preallocate) await this.fillAhead(writeEnd);
      // `sync`: one durable pwrite on this thread (the segment is O_DSYNC); `none`, up to
      // SYNC_WRITE_MAX_BYTES: a pwrite on this thread too (into the page cache, a few µs, where the
      // threadpool round trip costs tens); else via the threadpool.
      if (this.activeFile.dsync || (!this.durable && bytes.byteLength <= SYNC_WRITE_MAX_BYTES)) this.activeFile.writeSync(bytes, seg.end);
      else await this.activeFile.write(bytes, seg.end);
      if (writeEnd > this.filledTo) this.filledTo = writeEnd;
      seg.end += pos;
      seg.lastEpoch = last;
      seg.firstEpoch ??= first;
      pos = 0;
      first = null;
    };
    for (const p of batch) {
      for (const r of p.records) {
        const frame = FRAME_HEADER_BYTES + r.payload.byteLength;
        const seg = this.active;
        const hasFrames = seg.end + pos > SEGMENT_HEADER_BYTES;
        if (seg.sealed || (hasFrames && seg.end + pos + frame + FRAME_HEADER_BYTES > this.segmentBytes)) {
          await flush();
          await this.rotate();
        }
        this.reserve(pos + frame + FRAME_HEADER_BYTES);
        pos = this.putFrame(pos, r, this.active.salt);
        first ??= r.epoch;
        last = r.epoch;
      }
    }
    await flush();
  }

  /**
   * Extends the active segment with zeros from its end to `FILL_AHEAD_BYTES` past `need` (capped at
   * `segmentBytes` unless `need` is beyond it). On an O_DSYNC file the zeros and the new size are
   * durable when this returns; otherwise the batch's fdatasync covers them. A crash mid-fill leaves
   * zeros or nothing past the last record: a clean end either way.
   */
  private async fillAhead(need: number): Promise<void> {
    const target = Math.max(need, Math.min(need + FILL_AHEAD_BYTES, this.segmentBytes));
    for (let at = this.filledTo; at < target; at += ZEROS.byteLength) {
      await this.activeFile.write(ZEROS.subarray(0, Math.min(ZEROS.byteLength, target - at)), at);
    }
    this.filledTo = target;
  }

  private reserve(bytes: number): void {
    if (this.writeBuf.byteLength >= bytes) return;
    let size = this.writeBuf.byteLength;
    while (size < bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.writeBuf);
    this.writeBuf = next;
  }

  /**
   * Seals the full segment (fsynced, so recovery can tell a full segment from a torn one) and makes
   * the next one active: a spare renamed into place when there is one, else a new file.
   */
  private rotate(): Promise<void> {
    return this.lockDir(async () => {
      const old = this.active;
      if (!old.sealed) {
        const seal = new Uint8Array(FRAME_HEADER_BYTES);
        writeFrameHeader(seal, 0, SEAL_MAGIC, 0, old.lastEpoch, this.ackedEpoch, old.salt);
        await this.activeFile.write(seal, old.end);
        // On an O_DSYNC segment the seal is durable once written.
        if (this.durable && !this.activeFile.dsync) await this.activeFile.datasync();
        old.sealed = true;
      }
      const seq = this.nextId++;
      const file = await createSegmentFile(this.fs, this.dir, seq, old.lastEpoch, this.spares.shift() ?? null, this.durable, this.dsync);
      let size: number;
      try {
        size = await file.size();
      } catch (cause) {
        await file.close().catch(() => undefined);
        throw ioError(`could not stat segment ${segmentName(seq)}`, cause);
      }
      const previous = this.activeFile;
      this.filledTo = size;
      this.activeFile = file;
      this.segments.push(emptySegment(seq, old.lastEpoch));
      await previous.close();
    });
  }

  private maybePreallocate(): void {
    if (!this.preallocate || this.closed || this.failure !== null || this.preallocating !== null) return;
    if (this.spares.length > 0 || this.active.end < this.segmentBytes / 2) return;
    this.preallocating = this.preallocateSpare()
      // A failed preallocation costs only speed: rotation then creates the file itself.
      .catch(() => undefined)
      .finally(() => {
        this.preallocating = null;
      });
  }

  /** Writes a spare file of zeros to full size under a temporary name, then renames it into the pool. */
  private async preallocateSpare(): Promise<void> {
    const id = this.nextId++;
    const tmp = join(this.dir, spareTempName(id));
    const file = await this.fs.open(tmp, 'create');
    try {
      for (let at = 0; at < this.segmentBytes; at += ZEROS.byteLength) {
        await file.write(ZEROS.subarray(0, Math.min(ZEROS.byteLength, this.segmentBytes - at)), at);
      }
      if (this.durable) await file.datasync();
    } finally {
      await file.close();
    }
    await this.lockDir(async () => {
      const name = spareName(id);
      await this.fs.rename(tmp, join(this.dir, name));
      if (this.durable) await this.fs.syncDir(this.dir);
      this.spares.push(name);
    });
  }
}

function emptySegment(seq: number, prevEpoch: number): Segment {
  return {
    seq,
    name: segmentName(seq),
    salt: saltOf(seq),
    prevEpoch,
    firstEpoch: null,
    lastEpoch: prevEpoch,
    end: SEGMENT_HEADER_BYTES,
    ackedEnd: SEGMENT_HEADER_BYTES,
    sealed: false,
  };
}

/**
 * Creates segment `seq` (from `spare` when given), header written and, when durable, fsynced with
 * its directory entry. With `dsync` the file is opened O_DSYNC: the header is durable once written,
 * but the directory entry (a new name or a rename) still needs the directory fsync.
 */
async function createSegmentFile(
  fs: LogFileSystem,
  dir: string,
  seq: number,
  prevEpoch: number,
  spare: string | null,
  durable: boolean,
  dsync: boolean,
): Promise<LogFile> {
  const path = join(dir, segmentName(seq));
  try {
    let file: LogFile;
    if (spare !== null) {
      await fs.rename(join(dir, spare), path);
      file = await fs.open(path, 'readwrite', { dsync });
    } else {
      file = await fs.open(path, 'create', { dsync });
    }
    const head = new Uint8Array(SEGMENT_HEADER_BYTES + FRAME_HEADER_BYTES);
    head.set(encodeSegmentHeader({ seq, prevEpoch }), 0);
    await file.write(head, 0);
    if (durable) {
      if (!file.dsync) await file.datasync();
      await fs.syncDir(dir);
    }
    return file;
  } catch (cause) {
    throw ioError(`could not create segment ${path}`, cause);
  }
}

interface ScanPlan {
  readonly path: string;
  readonly salt: number;
  readonly end: number;
}

async function* scanSegments(fs: LogFileSystem, plan: readonly ScanPlan[], from: number, limit: number, copy: boolean): AsyncGenerator<TLogRecord> {
  let buf = new Uint8Array(SCAN_CHUNK_BYTES);
  let view = viewOf(buf);
  for (const seg of plan) {
    let file: LogFile;
    try {
      file = await fs.open(seg.path, 'read');
    } catch (cause) {
      throw ioError(`scan could not open ${seg.path}`, cause);
    }
    try {
      let bufStart = SEGMENT_HEADER_BYTES; // file offset of buf[0]
      let have = 0;
      let at = 0;
      // Moves the unread tail to the front, grows the buffer for a frame larger than it, and reads on.
      const fill = async (need: number): Promise<void> => {
        if (at > 0) {
          buf.copyWithin(0, at, have);
          bufStart += at;
          have -= at;
          at = 0;
        }
        if (need > buf.byteLength) {
          const bigger = new Uint8Array(Math.max(need, buf.byteLength * 2));
          bigger.set(buf.subarray(0, have));
          buf = bigger;
          view = viewOf(buf);
        }
        while (have < need) {
          const want = Math.min(buf.byteLength - have, seg.end - (bufStart + have));
          const n = want > 0 ? await file.read(buf, have, want, bufStart + have) : 0;
          if (n === 0) break;
          have += n;
        }
      };
      while (bufStart + at < seg.end) {
        if (have - at < FRAME_HEADER_BYTES) await fill(FRAME_HEADER_BYTES);
        const length = have - at >= 8 ? view.getUint32(at + 4, true) : 0;
        const frameBytes = FRAME_HEADER_BYTES + Math.min(length, seg.end);
        if (have - at < frameBytes) await fill(frameBytes);
        const f = readFrame(buf, at, have, seg.salt, view);
        if (typeof f === 'string' || f.kind !== 'record') {
          throw new PageError(
            'LOG_CORRUPT',
            `tlog: ${seg.path} offset ${bufStart + at}: frame is ${typeof f === 'string' ? f : 'a seal'} inside the acknowledged log`,
          );
        }
        if (f.epoch > limit) return;
        if (f.epoch >= from) {
          const payload = buf.subarray(at + FRAME_HEADER_BYTES, f.end);
          yield { epoch: f.epoch, payload: copy ? payload.slice() : payload };
        }
        at = f.end;
      }
    } finally {
      await file.close();
    }
  }
}
