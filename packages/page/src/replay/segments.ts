// Reading the TLog without opening it. `TLog.open` recovers (cuts a torn tail, recycles segments,
// removes temporaries), which a reader of a directory another process may be writing must never
// do; this scanner reads the segment files with the TLog's own format code and changes nothing.
// It stops at the first frame that does not hold and says whether that is a torn tail (nothing
// acknowledged after it) or corruption, by the watermark rule of docs/formats/tlog.md.
import { join } from 'node:path';
import type { LogFile, LogFileSystem } from '../internal/fs.js';
import { ioError, listDir, readWhole } from '../store/files.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, classifyName, decodeSegmentHeader, readFrame, saltOf } from '../tlog/format.js';
import type { FrameFault, ValidFrame } from '../tlog/format.js';
import type { TLogRecord } from '../tlog/tlog.js';

/** One segment file as the scan found it. */
export interface ScannedSegment {
  readonly name: string;
  readonly bytes: number;
  firstEpoch: number | null;
  lastEpoch: number;
}

/** What a read-only scan found; filled in as the scan goes. */
export interface LogScanReport {
  readonly segments: ScannedSegment[];
  records: number;
  firstEpoch: number | null;
  lastEpoch: number;
  /** Where the log ends short of its files' end with nothing acknowledged after: a crash's torn tail. */
  tornTail: { readonly segment: string; readonly offset: number } | null;
  /** Corruption: a bad frame that acknowledged records follow, naming file and offset. */
  readonly problems: string[];
}

/** An empty report for {@link scanLogReadOnly} to fill. */
export function newScanReport(): LogScanReport {
  return { segments: [], records: 0, firstEpoch: null, lastEpoch: 0, tornTail: null, problems: [] };
}

/** The largest watermark of any frame that checksums in `data` from `from` (-1 when none). */
function maxWatermarkAfter(data: Uint8Array, from: number, salt: number): number {
  let max = -1;
  const hay = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let at = hay.indexOf('TL', from, 'latin1'); at !== -1; at = hay.indexOf('TL', at + 1, 'latin1')) {
    const f = readFrame(data, at, data.byteLength, salt);
    if (typeof f !== 'string' && f.watermark > max) max = f.watermark;
  }
  return max;
}

/** Bytes read from a segment at a time: large sequential reads, and decoding overlaps the next one. */
const READ_CHUNK_BYTES = 8 << 20;
/**
 * Room left before each chunk read ahead, so the part of a frame cut by the previous chunk's end
 * is copied in front of it instead of the chunk being copied after that part.
 */
const CARRY_ROOM_BYTES = 1 << 20;

/**
 * Chunk buffers of finished scans, for the next scan (a replay of a large log then allocates none;
 * buffers this large are external memory that hurries the GC). A scan takes them when it starts and
 * gives them back when it ends; scans running at once take different ones.
 */
const freeChunkBuffers: Uint8Array[] = [];

function takeChunkBuffer(bytes: number): Uint8Array | null {
  const k = freeChunkBuffers.findIndex((b) => b.byteLength === bytes);
  return k < 0 ? null : (freeChunkBuffers.splice(k, 1)[0] ?? null);
}

/** A chunk read: `got` bytes at `buf[room…]`. */
interface Chunk {
  readonly buf: Uint8Array;
  readonly room: number;
  readonly got: number;
}

/**
 * A segment file read forward in chunks, one chunk read ahead, into two buffers used in turn (not
 * zero-filled: only the bytes read are ever looked at): a replay of a large log allocates two
 * buffers, not one per chunk, and keeps the GC out of its way. So a payload view is valid only
 * until the scan is asked for the next record. A frame cut by a chunk's end is carried whole into
 * the next chunk.
 */
class SegmentReader {
  /** The chunk in hand: file bytes [start, start + limit) are buf[0, limit). */
  buf: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.buf.buffer);
  start = 0;
  limit = 0;
  private ahead: Promise<Chunk> | null = null;
  private aheadAt = 0;
  /** The buffer the next read ahead fills: the one not in hand. */
  private spare: Uint8Array | null = null;
  /** The whole buffer under the chunk in hand. */
  private whole: Uint8Array | null = null;

  constructor(
    private readonly file: LogFile,
    readonly size: number,
    private readonly chunkBytes = READ_CHUNK_BYTES,
    private readonly carryBytes = CARRY_ROOM_BYTES,
  ) {
    this.spare = takeChunkBuffer(chunkBytes + carryBytes);
  }

  /** Gives the standard-size buffers back for the next scan (at most two kept); the reader is not used after. */
  async release(): Promise<void> {
    const abandoned = await this.ahead?.catch(() => null);
    this.ahead = null;
    for (const b of [this.whole, this.spare, abandoned?.buf ?? null]) {
      if (b !== null && b.byteLength === this.chunkBytes + this.carryBytes && freeChunkBuffers.length < 2 && !freeChunkBuffers.includes(b)) freeChunkBuffers.push(b);
    }
    this.whole = null;
    this.spare = null;
  }

  /** Reads file bytes [at, at + capacity) (fewer at the file's end) into a fresh buffer after `room` free bytes. */
  private async readAt(at: number, capacity: number, room: number, into: Uint8Array | null = null): Promise<Chunk> {
    const n = Math.max(0, Math.min(capacity, this.size - at));
    const buf = into !== null && into.byteLength >= room + n ? into : new Uint8Array(Buffer.allocUnsafeSlow(room + n).buffer, 0, room + n);
    let got = 0;
    while (got < n) {
      const k = await this.file.read(buf, room + got, n - got, at + got);
      if (k === 0) break;
      got += k;
    }
    return { buf, room, got };
  }

  private startAhead(at: number): void {
    this.aheadAt = at;
    const into = this.spare ?? takeChunkBuffer(this.chunkBytes + this.carryBytes);
    this.spare = null;
    this.ahead = at < this.size ? this.readAt(at, this.chunkBytes, this.carryBytes, into) : null;
    this.ahead?.catch(() => undefined);
  }

  private use(buf: Uint8Array, start: number): void {
    this.buf = buf;
    this.limit = buf.byteLength;
    this.start = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Makes file bytes [at, at + need) available in `buf` (fewer when the file ends first); `at` is
   * at or after `start` and at most its end. Returns false when the file ends before `at + need`.
   */
  async ensure(at: number, need: number): Promise<boolean> {
    const want = Math.min(need, this.size - at);
    if (at + want <= this.start + this.limit) return want === need;
    const end = this.start + this.limit;
    const tail = end - at;
    if (this.ahead !== null && this.aheadAt === end && tail >= 0 && tail <= this.carryBytes && tail + this.chunkBytes >= want) {
      // The usual step: the cut frame's bytes copied in front of the chunk read ahead.
      const next = await this.ahead;
      next.buf.set(this.buf.subarray(at - this.start, this.limit), next.room - tail);
      // The chunk in hand is done with (its records were consumed, the cut frame is copied): the next read ahead reuses it.
      this.spare = this.whole;
      this.whole = next.buf;
      this.use(next.buf.subarray(next.room - tail, next.room + next.got), at);
      this.startAhead(this.aheadAt + next.got);
      if (at + want <= this.start + this.limit) return want === need;
    }
    // A frame larger than a chunk, or no read ahead yet: read what is asked for directly.
    const abandoned = await this.ahead?.catch(() => null);
    this.ahead = null;
    const standard = this.chunkBytes + this.carryBytes;
    const keep = (b: Uint8Array | null | undefined): void => {
      if (b !== null && b !== undefined && b.byteLength === standard && this.spare === null) this.spare = b;
    };
    keep(abandoned?.buf);
    const fits = need <= this.chunkBytes;
    const into = fits ? this.spare : null;
    if (fits) this.spare = null;
    const chunk = await this.readAt(at, Math.max(need, this.chunkBytes), fits ? this.carryBytes : 0, into);
    keep(this.whole);
    this.whole = chunk.buf;
    this.use(chunk.buf.subarray(chunk.room, chunk.room + chunk.got), at);
    this.startAhead(at + chunk.got);
    return at + need <= this.start + this.limit;
  }

  /** The file's bytes from `at` to its end (for the rare scans after a bad frame). */
  async rest(at: number): Promise<Uint8Array> {
    const abandoned = await this.ahead?.catch(() => null);
    this.ahead = null;
    if (abandoned !== null && abandoned !== undefined && this.spare === null) this.spare = abandoned.buf;
    const { buf, got } = await this.readAt(at, this.size - at, 0);
    return buf.subarray(0, got);
  }
}

/**
 * Yields the records with `from ≤ epoch ≤ to` of the log in `dir`, in order, reading the files
 * only, in chunks of READ_CHUNK_BYTES with the next one read ahead. Payloads are views into a
 * reused chunk buffer: valid only until the next record is asked for (copy what must be kept).
 * Without `to` bound the whole log is read and `report` describes all of it.
 */
export async function* scanLogReadOnly(
  fs: LogFileSystem,
  dir: string,
  from: number,
  to: number,
  report: LogScanReport = newScanReport(),
  /** @internal Chunk size (tests make it tiny so frames straddle chunks). */
  chunkBytes = READ_CHUNK_BYTES,
): AsyncGenerator<TLogRecord> {
  let names: string[];
  try {
    names = await listDir(fs, dir);
  } catch (cause) {
    throw ioError(`replay: cannot list ${dir}`, cause);
  }
  const segs = names
    .map(classifyName)
    .flatMap((e) => (e.kind === 'segment' ? [e] : []))
    .sort((a, b) => a.seq - b.seq);
  let last = 0;
  for (let i = 0; i < segs.length; i++) {
    const entry = segs[i];
    if (entry === undefined) break;
    const path = join(dir, entry.name);
    let file: LogFile;
    let reader: SegmentReader | null = null;
    try {
      file = await fs.open(path, 'read');
    } catch (cause) {
      throw ioError(`replay: cannot read ${path}`, cause);
    }
    try {
      try {
        reader = new SegmentReader(file, await file.size(), chunkBytes, Math.min(CARRY_ROOM_BYTES, chunkBytes));
        await reader.ensure(0, SEGMENT_HEADER_BYTES);
      } catch (cause) {
        throw ioError(`replay: cannot read ${path}`, cause);
      }
      const seg: ScannedSegment = { name: entry.name, bytes: reader.size, firstEpoch: null, lastEpoch: last };
      report.segments.push(seg);
      const header = decodeSegmentHeader(reader.buf.subarray(0, Math.min(reader.limit, SEGMENT_HEADER_BYTES)));
      const salt = saltOf(entry.seq);
      let stop: { offset: number; why: string; order?: boolean } | null = null;
      if (typeof header === 'string' || header.seq !== entry.seq || (i > 0 && header.prevEpoch !== last)) {
        stop = { offset: 0, why: typeof header === 'string' ? header : `segment header does not continue the log after epoch ${last}` };
      } else {
        if (i === 0) last = header.prevEpoch;
        seg.lastEpoch = last;
        let at = SEGMENT_HEADER_BYTES;
        for (;;) {
          let f: ValidFrame | FrameFault;
          try {
            // The frame header, then (when it names a payload past the chunk) the whole frame.
            await reader.ensure(at, FRAME_HEADER_BYTES);
            f = readFrame(reader.buf, at - reader.start, reader.limit, salt, reader.view);
            if (f === 'short' && reader.limit - (at - reader.start) >= FRAME_HEADER_BYTES) {
              const payload = reader.view.getUint32(at - reader.start + 4, true);
              if (at + FRAME_HEADER_BYTES + payload <= reader.size && (await reader.ensure(at, FRAME_HEADER_BYTES + payload))) {
                f = readFrame(reader.buf, at - reader.start, reader.limit, salt, reader.view);
              }
            }
          } catch (cause) {
            throw ioError(`replay: cannot read ${path}`, cause);
          }
          if (typeof f === 'string') {
            const isLast = i === segs.length - 1;
            if (!isLast || f === 'bad' || f === 'short' || maxWatermarkAfter(await reader.rest(at), 1, salt) >= 0) {
              stop = { offset: at, why: `frame is ${f}` };
            }
            break;
          }
          if (f.kind === 'seal') break;
          if (f.epoch <= last) {
            stop = { offset: at, why: `epoch ${f.epoch} does not follow epoch ${last}`, order: true };
            break;
          }
          last = f.epoch;
          report.records++;
          report.firstEpoch ??= f.epoch;
          report.lastEpoch = last;
          seg.firstEpoch ??= f.epoch;
          seg.lastEpoch = last;
          if (f.epoch > to) return;
          const base = at - reader.start;
          if (f.epoch >= from) yield { epoch: f.epoch, payload: reader.buf.subarray(base + FRAME_HEADER_BYTES, f.end) };
          // Nothing after `to` is needed, so damage after it is not in the way of this scan.
          if (f.epoch >= to) return;
          at = reader.start + f.end;
        }
      }
      if (stop !== null) {
        // Acknowledged records after the bad frame (a watermark past the last good epoch) prove it
        // was once acknowledged too: corruption, not a write cut short by a crash.
        let acked = stop.order === true || maxWatermarkAfter(await reader.rest(stop.offset), 1, salt) > last;
        for (const later of segs.slice(i + 1)) {
          if (acked) break;
          const bytes = await readWhole(fs, join(dir, later.name)).catch(() => new Uint8Array(0));
          acked = maxWatermarkAfter(bytes, 0, saltOf(later.seq)) > last;
        }
        if (acked) report.problems.push(`log segment ${path} offset ${stop.offset}: ${stop.why}, yet acknowledged records follow it`);
        else report.tornTail = { segment: path, offset: stop.offset };
        return;
      }
    } finally {
      await (reader as SegmentReader | null)?.release();
      await file.close().catch(() => undefined);
    }
  }
}
