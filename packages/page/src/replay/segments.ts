// Reading the TLog without opening it. `TLog.open` recovers (cuts a torn tail, recycles segments,
// removes temporaries), which a reader of a directory another process may be writing must never
// do; this scanner reads the segment files with the TLog's own format code and changes nothing.
// It stops at the first frame that does not hold and says whether that is a torn tail (nothing
// acknowledged after it) or corruption, by the watermark rule of docs/formats/tlog.md.
import { join } from 'node:path';
import type { LogFileSystem } from '../internal/fs.js';
import { ioError, listDir, readWhole } from '../store/files.js';
import { SEGMENT_HEADER_BYTES, classifyName, decodeSegmentHeader, readFrame, saltOf } from '../tlog/format.js';
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

/**
 * Yields the records with `from ≤ epoch ≤ to` of the log in `dir`, in order, reading the files
 * only. Payloads are views into a buffer of their segment (valid as long as the caller keeps
 * them). Without `to` bound the whole log is read and `report` describes all of it.
 */
export async function* scanLogReadOnly(
  fs: LogFileSystem,
  dir: string,
  from: number,
  to: number,
  report: LogScanReport = newScanReport(),
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
    let data: Uint8Array;
    try {
      data = await readWhole(fs, path);
    } catch (cause) {
      throw ioError(`replay: cannot read ${path}`, cause);
    }
    const seg: ScannedSegment = { name: entry.name, bytes: data.byteLength, firstEpoch: null, lastEpoch: last };
    report.segments.push(seg);
    const header = decodeSegmentHeader(data.subarray(0, SEGMENT_HEADER_BYTES));
    const salt = saltOf(entry.seq);
    let stop: { offset: number; why: string; order?: boolean } | null = null;
    if (typeof header === 'string' || header.seq !== entry.seq || (i > 0 && header.prevEpoch !== last)) {
      stop = { offset: 0, why: typeof header === 'string' ? header : `segment header does not continue the log after epoch ${last}` };
    } else {
      if (i === 0) last = header.prevEpoch;
      seg.lastEpoch = last;
      let at = SEGMENT_HEADER_BYTES;
      for (;;) {
        const f = readFrame(data, at, data.byteLength, salt);
        if (typeof f === 'string') {
          const isLast = i === segs.length - 1;
          if (!isLast || f === 'bad' || f === 'short' || maxWatermarkAfter(data, at + 1, salt) >= 0) {
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
        if (f.epoch >= from) yield { epoch: f.epoch, payload: data.subarray(at + 32, f.end) };
        // Nothing after `to` is needed, so damage after it is not in the way of this scan.
        if (f.epoch >= to) return;
        at = f.end;
      }
    }
    if (stop !== null) {
      // Acknowledged records after the bad frame (a watermark past the last good epoch) prove it
      // was once acknowledged too: corruption, not a write cut short by a crash.
      let acked = stop.order === true || maxWatermarkAfter(data, stop.offset + 1, salt) > last;
      for (const later of segs.slice(i + 1)) {
        if (acked) break;
        const bytes = await readWhole(fs, join(dir, later.name)).catch(() => new Uint8Array(0));
        acked = maxWatermarkAfter(bytes, 0, saltOf(later.seq)) > last;
      }
      if (acked) report.problems.push(`log segment ${path} offset ${stop.offset}: ${stop.why}, yet acknowledged records follow it`);
      else report.tornTail = { segment: path, offset: stop.offset };
      return;
    }
  }
}
