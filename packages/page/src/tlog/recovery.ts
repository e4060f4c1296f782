// Recovery on open: read every segment forward, keep each record whose checksum holds, and decide
// for the first frame that does not hold whether it is a torn tail (cut it) or corruption (refuse,
// or with `repair` move everything from it on into quarantine/). The deciding evidence is the
// watermark every frame carries: the last epoch acknowledged before it was written. A valid frame
// after the bad one whose watermark passes the last good epoch proves the bad frame had been
// acknowledged, so it cannot be an unfinished write. See docs/formats/tlog.md.
import { join } from 'node:path';
import { PageError } from '../errors.js';
import type { LogFile, LogFileSystem, LogOpenMode } from '../internal/fs.js';
import {
  SEGMENT_HEADER_BYTES,
  classifyName,
  decodeSegmentHeader,
  encodeSegmentHeader,
  peekEpoch,
  readFrame,
  saltOf,
  spareName,
  viewOf,
} from './format.js';
import type { FrameFault } from './format.js';

/** Where recovery found the first bad frame that later acknowledged records prove is not a torn tail. */
export interface TLogCorruption {
  /** Path of the segment file. */
  readonly segment: string;
  /** Byte offset of the bad frame (0: the segment header). */
  readonly offset: number;
  /** The frame's epoch field as read, unverified; null when it cannot be read. */
  readonly epoch: number | null;
  /** The last epoch of the log before the bad frame (0 when none). */
  readonly afterEpoch: number;
  /** What is wrong with it. */
  readonly reason: string;
}

/** What {@link TLog.open} found and did. */
export interface TLogRecoveryReport {
  /** Segment files the log holds after recovery. */
  readonly segments: number;
  /** Records kept. */
  readonly records: number;
  /** Epoch of the first record kept, or null when none. */
  readonly firstEpoch: number | null;
  /** Epoch of the last record ever acknowledged that the log still knows (0 for a new log). */
  readonly lastEpoch: number;
  /** A cut torn tail: the segment and offset it was cut at; null when the log ended cleanly. */
  readonly tornTail: { readonly segment: string; readonly offset: number } | null;
  /** Bytes removed by cutting the torn tail (the segment's bytes past the cut). */
  readonly truncatedBytes: number;
  /** Segment files after a torn tail (holding nothing acknowledged) turned into spares. */
  readonly recycled: readonly string[];
  /** With `repair`: the corruption that was repaired; null otherwise. */
  readonly corruption: TLogCorruption | null;
  /** With `repair`: paths of the copies and files moved into quarantine/. */
  readonly quarantined: readonly string[];
}

/** One live segment as recovery leaves it. */
export interface RecoveredSegment {
  readonly seq: number;
  readonly name: string;
  readonly prevEpoch: number;
  firstEpoch: number | null;
  lastEpoch: number;
  /** Offset just past the last record (where the seal or the next record goes). */
  end: number;
  sealed: boolean;
}

/** What the TLog needs to carry on after recovery. */
export interface RecoveredLog {
  readonly segments: RecoveredSegment[];
  readonly spares: string[];
  /** The next unused sequence number / spare id. */
  readonly nextId: number;
  readonly report: TLogRecoveryReport;
}

interface Loaded {
  readonly name: string;
  readonly seq: number;
  readonly data: Uint8Array;
}

class ReadBuffer {
  private buf = new Uint8Array(0);

  /** Reads the whole file into a buffer this object reuses; the view is valid until the next call. */
  async readAll(file: LogFile): Promise<Uint8Array> {
    const size = await file.size();
    if (this.buf.byteLength < size) this.buf = new Uint8Array(Math.max(size, this.buf.byteLength * 2));
    let got = 0;
    while (got < size) {
      const n = await file.read(this.buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return this.buf.subarray(0, got);
  }
}

function ioError(what: string, path: string, cause: unknown): PageError {
  return new PageError('IO_ERROR', `tlog: could not ${what} ${path}: ${String(cause)}`, { cause });
}

async function withFile<T>(fs: LogFileSystem, path: string, mode: LogOpenMode, body: (f: LogFile) => Promise<T>): Promise<T> {
  let file: LogFile;
  try {
    file = await fs.open(path, mode);
  } catch (cause) {
    throw ioError('open', path, cause);
  }
  try {
    return await body(file);
  } finally {
    await file.close();
  }
}

/**
 * Searches `data` from `from` for frames that checksum under `salt`; resolves to the largest
 * watermark among them (-1 when none) and where the first one is.
 */
function searchValid(data: Uint8Array, from: number, salt: number): { maxWatermark: number; first: number; count: number } {
  let maxWatermark = -1;
  let first = -1;
  let count = 0;
  const haystack = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = haystack.indexOf('TL', from, 'latin1');
  while (at !== -1) {
    const f = readFrame(data, at, data.byteLength, salt);
    if (typeof f !== 'string') {
      count++;
      if (first === -1) first = at;
      if (f.watermark > maxWatermark) maxWatermark = f.watermark;
    }
    at = haystack.indexOf('TL', at + 1, 'latin1');
  }
  return { maxWatermark, first, count };
}

/** Options of {@link recoverLog}. */
export interface RecoverOptions {
  readonly fs: LogFileSystem;
  readonly dir: string;
  readonly repair: boolean;
  /** Whether to fsync what recovery changes ('none' durability skips it). */
  readonly durable: boolean;
}

/** Scans, checks and (where needed) cuts or repairs the log in `dir`; see the file comment. */
export async function recoverLog(options: RecoverOptions): Promise<RecoveredLog> {
  const { fs, dir, repair, durable } = options;
  const syncDir = async (path: string): Promise<void> => {
    if (!durable) return;
    try {
      await fs.syncDir(path);
    } catch (cause) {
      throw ioError('fsync directory', path, cause);
    }
  };

  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (cause) {
    throw ioError('read directory', dir, cause);
  }
  const entries = names.map(classifyName);
  const segNames: { seq: number; name: string }[] = [];
  const spares: { id: number; name: string }[] = [];
  let maxId = 0;
  let removedTemps = false;
  for (const e of entries) {
    if (e.kind === 'segment') {
      segNames.push(e);
      maxId = Math.max(maxId, e.seq);
    } else if (e.kind === 'spare') {
      spares.push(e);
      maxId = Math.max(maxId, e.id);
    } else if (e.kind === 'spare-temp') {
      // An unfinished preallocation holds only zeros we wrote; nothing of the log is lost.
      maxId = Math.max(maxId, e.id);
      try {
        await fs.unlink(join(dir, e.name));
      } catch (cause) {
        throw ioError('remove', join(dir, e.name), cause);
      }
      removedTemps = true;
    }
  }
  if (removedTemps) await syncDir(dir);
  segNames.sort((a, b) => a.seq - b.seq);
  spares.sort((a, b) => a.id - b.id);

  const reader = new ReadBuffer();
  const segments: RecoveredSegment[] = [];
  let last = 0; // epoch of the last record kept, or the first header's prevEpoch
  let records = 0;
  let firstEpoch: number | null = null;

  // Where the forward scan stopped: the segment index, the offset and why; null for a clean log.
  let stop: { index: number; offset: number; fault: FrameFault | 'order'; reason: string; data: Uint8Array } | null = null;

  for (let i = 0; i < segNames.length && stop === null; i++) {
    const entry = segNames[i];
    if (entry === undefined) break;
    const path = join(dir, entry.name);
    const data = await withFile(fs, path, 'read', (f) => reader.readAll(f)).catch((e: unknown) => {
      throw e instanceof PageError ? e : ioError('read', path, e);
    });
    const header = decodeSegmentHeader(data.subarray(0, SEGMENT_HEADER_BYTES));
    if (typeof header === 'string' || header.seq !== entry.seq || (i > 0 && header.prevEpoch !== last)) {
      const reason =
        typeof header === 'string'
          ? header
          : header.seq !== entry.seq
            ? `segment header names sequence ${header.seq}, the file name ${entry.seq}`
            : `segment starts after epoch ${header.prevEpoch} but the previous segment ends at epoch ${last} (a segment is missing)`;
      stop = { index: i, offset: 0, fault: 'bad', reason, data: data.slice() };
      break;
    }
    if (i === 0) last = header.prevEpoch;
    const seg: RecoveredSegment = {
      seq: entry.seq,
      name: entry.name,
      prevEpoch: header.prevEpoch,
      firstEpoch: null,
      lastEpoch: last,
      end: SEGMENT_HEADER_BYTES,
      sealed: false,
    };
    segments.push(seg);
    const salt = saltOf(entry.seq);
    const view = viewOf(data);
    let at = SEGMENT_HEADER_BYTES;
    for (;;) {
      const f = readFrame(data, at, data.byteLength, salt, view);
      if (typeof f === 'string') {
        // The last segment may end anywhere; an earlier one must end with its seal.
        const isLast = i === segNames.length - 1;
        if (!isLast || f === 'bad' || f === 'short' || searchValid(data, at + 1, salt).count > 0) {
          stop = { index: i, offset: at, fault: f, reason: isLast ? `frame is ${f}` : `segment ends without a seal (frame is ${f}) but later segments exist`, data: data.slice() };
        }
        break;
      }
      if (f.kind === 'seal') {
        if (f.epoch !== last) {
          stop = { index: i, offset: at, fault: 'order', reason: `seal says epoch ${f.epoch}, the segment ends at ${last}`, data: data.slice() };
        } else {
          seg.sealed = true;
        }
        break;
      }
      if (f.epoch <= last || f.watermark >= f.epoch) {
        stop = {
          index: i,
          offset: at,
          fault: 'order',
          reason: f.epoch <= last ? `epoch ${f.epoch} does not follow epoch ${last}` : `watermark ${f.watermark} is not below epoch ${f.epoch}`,
          data: data.slice(),
        };
        break;
      }
      last = f.epoch;
      firstEpoch ??= f.epoch;
      seg.firstEpoch ??= f.epoch;
      seg.lastEpoch = f.epoch;
      seg.end = f.end;
      records++;
      at = f.end;
    }
  }

  let tornTail: TLogRecoveryReport['tornTail'] = null;
  let truncatedBytes = 0;
  const recycled: string[] = [];
  const quarantined: string[] = [];
  let corruption: TLogCorruption | null = null;

  if (stop !== null) {
    const entry = segNames[stop.index];
    if (entry === undefined) throw new Error('unreachable: stop index out of range');
    const path = join(dir, entry.name);
    // Is anything acknowledged after the stop? Look in the rest of this segment and in every later one.
    let maxWatermark = searchValid(stop.data, stop.offset + 1, saltOf(entry.seq)).maxWatermark;
    let evidence = maxWatermark > last ? `${path}` : '';
    const later = segNames.slice(stop.index + 1);
    const laterLoaded: Loaded[] = [];
    for (const l of later) {
      const lpath = join(dir, l.name);
      const data = await withFile(fs, lpath, 'read', (f) => reader.readAll(f));
      laterLoaded.push({ name: l.name, seq: l.seq, data });
      const found = searchValid(data, 0, saltOf(l.seq)).maxWatermark;
      if (found > maxWatermark) maxWatermark = found;
      if (found > last && evidence === '') evidence = lpath;
    }
    const isCorrupt = stop.fault === 'order' || maxWatermark > last;
    if (isCorrupt) {
      corruption = {
        segment: path,
        offset: stop.offset,
        epoch: peekEpoch(stop.data, stop.offset + (stop.offset === 0 ? SEGMENT_HEADER_BYTES : 0), stop.data.byteLength),
        afterEpoch: last,
        reason: stop.reason,
      };
      if (!repair) {
        const why =
          stop.fault === 'order'
            ? stop.reason
            : `${stop.reason}, yet ${evidence} holds a record written after epoch ${maxWatermark} was acknowledged`;
        throw new PageError(
          'LOG_CORRUPT',
          `tlog: corrupt record in ${path} at offset ${stop.offset} (epoch field ${corruption.epoch ?? 'unreadable'}, after epoch ${last}): ${why}. ` +
            'Nothing was changed; open with repair: true to keep the log before it and move the rest to quarantine/.',
        );
      }
      // Repair: copy the damaged segment whole, move later segments, and only then cut; a crash
      // in between leaves the log as it was plus copies, and the next repair copies again.
      const qdir = join(dir, 'quarantine');
      let madeQ: boolean;
      try {
        madeQ = await fs.mkdir(qdir);
      } catch (cause) {
        throw ioError('create', qdir, cause);
      }
      if (madeQ) await syncDir(dir);
      let existing: Set<string>;
      try {
        existing = new Set(await fs.readdir(qdir));
      } catch (cause) {
        throw ioError('read directory', qdir, cause);
      }
      const freeName = (name: string): string => {
        let candidate = name;
        for (let n = 1; existing.has(candidate); n++) candidate = `${name}.${n}`;
        existing.add(candidate);
        return candidate;
      };
      const copyName = freeName(`${entry.name}.from-${stop.offset}`);
      const tmp = join(qdir, `${copyName}.tmp`);
      await withFile(fs, tmp, 'create', async (f) => {
        await f.write(stop.data, 0);
        if (durable) await f.sync();
      }).catch(async (e: unknown) => {
        throw e instanceof PageError ? e : ioError('copy into', tmp, e);
      });
      try {
        await fs.rename(tmp, join(qdir, copyName));
      } catch (cause) {
        throw ioError('rename', tmp, cause);
      }
      quarantined.push(join(qdir, copyName));
      for (const l of later) {
        const target = join(qdir, freeName(l.name));
        try {
          await fs.rename(join(dir, l.name), target);
        } catch (cause) {
          throw ioError('move', join(dir, l.name), cause);
        }
        quarantined.push(target);
      }
      await syncDir(qdir);
      await syncDir(dir);
      await cutSegment(fs, path, stop.offset, entry.seq, last, durable);
    } else {
      // A torn tail: nothing after the stop was acknowledged. Cut the segment there and turn any
      // later segment into a spare (its frames keep an older salt, so they are never replayed).
      const size = stop.data.byteLength;
      truncatedBytes = size - stop.offset;
      tornTail = { segment: path, offset: stop.offset };
      await cutSegment(fs, path, stop.offset, entry.seq, last, durable);
      for (const l of laterLoaded) {
        const target = spareName(l.seq);
        try {
          await fs.rename(join(dir, l.name), join(dir, target));
        } catch (cause) {
          throw ioError('recycle', join(dir, l.name), cause);
        }
        spares.push({ id: l.seq, name: target });
        recycled.push(join(dir, l.name));
      }
      if (laterLoaded.length > 0) await syncDir(dir);
    }
    // The stopped segment is the last one now; when its header was the bad part it was rewritten.
    if (stop.offset === 0) {
      segments.push({ seq: entry.seq, name: entry.name, prevEpoch: last, firstEpoch: null, lastEpoch: last, end: SEGMENT_HEADER_BYTES, sealed: false });
    }
  }

  return {
    segments,
    spares: spares.map((s) => s.name),
    nextId: maxId + 1,
    report: {
      segments: segments.length,
      records,
      firstEpoch,
      lastEpoch: last,
      tornTail,
      truncatedBytes,
      recycled,
      corruption,
      quarantined,
    },
  };
}

/** Cuts segment `path` at `offset`; a cut inside the header rewrites a fresh header (no records). */
async function cutSegment(fs: LogFileSystem, path: string, offset: number, seq: number, prevEpoch: number, durable: boolean): Promise<void> {
  await withFile(fs, path, 'readwrite', async (f) => {
    if (offset < SEGMENT_HEADER_BYTES) {
      await f.truncate(0);
      await f.write(encodeSegmentHeader({ seq, prevEpoch }), 0);
    } else {
      await f.truncate(offset);
    }
    if (durable) await f.datasync();
  }).catch((e: unknown) => {
    throw e instanceof PageError ? e : ioError('cut', path, e);
  });
}
