// Helpers that damage log files the way disks do — a flipped bit, a file cut short — and read
// them back, through any LogFileSystem (the real one or the crash simulator).
import type { LogFileSystem } from '../../src/index.js';
import { readWhole } from '../../src/store/files.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES, readFrame, saltOf } from '../../src/tlog/format.js';

/** The whole current content of `path` (the store's own reader). */
export const readBytes: (fs: LogFileSystem, path: string) => Promise<Uint8Array> = readWhole;

/** Flips bit `bit` of the byte at `offset` of `path`, durably. */
export async function flipBit(fs: LogFileSystem, path: string, offset: number, bit = 0): Promise<void> {
  const file = await fs.open(path, 'readwrite');
  try {
    const one = new Uint8Array(1);
    if ((await file.read(one, 0, 1, offset)) !== 1) throw new Error(`flipBit: ${path} has no byte ${offset}`);
    one[0] = (one[0] ?? 0) ^ (1 << bit);
    await file.write(one, offset);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Cuts `path` to `size` bytes, durably. */
export async function truncateAt(fs: LogFileSystem, path: string, size: number): Promise<void> {
  const file = await fs.open(path, 'readwrite');
  try {
    await file.truncate(size);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Where one record frame of a segment lies. */
export interface FrameSpan {
  readonly epoch: number;
  /** Offset of the frame header. */
  readonly offset: number;
  /** Offset just past the payload. */
  readonly end: number;
}

/** The record frames of segment `seq` (whose bytes are `bytes`), in order, stopping at the first non-record. */
export function recordFrames(bytes: Uint8Array, seq: number): FrameSpan[] {
  const out: FrameSpan[] = [];
  let at = SEGMENT_HEADER_BYTES;
  for (;;) {
    const f = readFrame(bytes, at, bytes.byteLength, saltOf(seq));
    if (typeof f === 'string' || f.kind !== 'record') return out;
    out.push({ epoch: f.epoch, offset: at, end: f.end });
    at = f.end;
  }
}

/** The payload offset within a frame at `frame`. */
export function payloadOffset(frame: FrameSpan): number {
  return frame.offset + FRAME_HEADER_BYTES;
}
