// Writing, loading and retiring checkpoints. A checkpoint is valid once its manifest is in place
// under its final name: images are written (temporary name, fsync, rename) and their directory
// fsynced before the manifest is, so no crash can leave a manifest naming a missing image.
import { join } from 'node:path';
import { crc32c } from '@mmsb/native';
import { compressBytes, decompressBytes } from '../delta/codec.js';
import { COMPRESS_MAX_RATIO, COMPRESS_MIN_BYTES } from '../delta/encoding.js';
import { PageError } from '../errors.js';
import type { LogFileSystem } from '../internal/fs.js';
import type { PageLocation, ProgressCallback } from '../store/api.js';
import { ioError, listDir, readWhole, unlinkIfPresent, writeFileAtomic } from '../store/files.js';
import { decodeManifest, encodeManifest, imageName, manifestEpoch, manifestName } from './format.js';
import type { ImageCodec, Manifest, ManifestEntry } from './format.js';

/** The images folder inside `checkpoints/`. */
export const IMAGES_DIR = 'images';

/** One page as a checkpoint sees it: its table entry and a way to read its bytes at the epoch. */
export interface CheckpointPage {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
  readonly createdEpoch: number;
  readonly epoch: number;
  read(): Uint8Array;
}

/** Image files written at once by a checkpoint. */
const IMAGE_WRITES_IN_FLIGHT = 16;

/** Pages from this size on are probed before being compressed whole. */
const PROBE_MIN_BYTES = 16 * 1024;
/** The probe: this many bytes from the start, the middle and the end of the page. */
const PROBE_SLICE_BYTES = 1024;

/**
 * The brotli image of `raw` when it pays (at least COMPRESS_MIN_BYTES, at most COMPRESS_MAX_RATIO
 * of the page), else null. A large page is first probed: three slices of it compressed together;
 * when even they do not shrink enough (noise, already-compressed data) the page is stored as is
 * without spending a whole-page compression on it.
 */
function compressImage(raw: Uint8Array): Uint8Array | null {
  const n = raw.byteLength;
  if (n < COMPRESS_MIN_BYTES) return null;
  if (n >= PROBE_MIN_BYTES) {
    const sample = new Uint8Array(3 * PROBE_SLICE_BYTES);
    const mid = (n >>> 1) - (PROBE_SLICE_BYTES >>> 1);
    sample.set(raw.subarray(0, PROBE_SLICE_BYTES), 0);
    sample.set(raw.subarray(mid, mid + PROBE_SLICE_BYTES), PROBE_SLICE_BYTES);
    sample.set(raw.subarray(n - PROBE_SLICE_BYTES), 2 * PROBE_SLICE_BYTES);
    if (compressBytes('brotli', sample).byteLength > sample.byteLength * COMPRESS_MAX_RATIO) return null;
  }
  const packed = compressBytes('brotli', raw);
  return packed.byteLength <= n * COMPRESS_MAX_RATIO ? packed : null;
}

/** What {@link writeCheckpoint} needs. */
export interface WriteCheckpointOptions {
  readonly fs: LogFileSystem;
  /** `<store>/checkpoints`. */
  readonly dir: string;
  readonly epoch: number;
  readonly pages: readonly CheckpointPage[];
  /** The newest valid checkpoint this store knows: images of unchanged pages are reused from it. */
  readonly previous: Manifest | null;
  readonly durable: boolean;
  readonly compress: boolean;
  readonly onProgress?: ProgressCallback | undefined;
}

/** What {@link writeCheckpoint} wrote. */
export interface WrittenCheckpoint {
  readonly manifest: Manifest;
  readonly path: string;
  readonly pagesWritten: number;
  readonly bytesWritten: number;
}

/** Writes the checkpoint of `options.pages` at `options.epoch`; see the file comment for the order. */
export async function writeCheckpoint(options: WriteCheckpointOptions): Promise<WrittenCheckpoint> {
  const { fs, dir, epoch, pages, previous, durable, compress, onProgress } = options;
  const imagesDir = join(dir, IMAGES_DIR);
  const reusable = new Map<number, ManifestEntry>();
  for (const e of previous?.entries ?? []) reusable.set(e.id, e);
  const entries: ManifestEntry[] = [];
  let pagesWritten = 0;
  let bytesWritten = 0;
  try {
    await fs.mkdir(imagesDir);
    let done = 0;
    const slots = new Array<ManifestEntry | undefined>(pages.length);
    // Images are independent files: several are written at once, so the file system's round
    // trips (create, write, fdatasync, close, rename) overlap instead of queueing one by one.
    let next = 0;
    let failure: { readonly cause: unknown } | null = null;
    const worker = async (): Promise<void> => {
      while (failure === null && next < pages.length) {
        const k = next++;
        const page = pages[k] as CheckpointPage;
        const old = reusable.get(page.id);
        if (old !== undefined && old.epoch === page.epoch && old.size === page.size && old.createdEpoch === page.createdEpoch) {
          slots[k] = { ...old, location: page.location };
        } else {
          const raw = page.read();
          const packed = compress ? compressImage(raw) : null;
          const stored = packed ?? raw;
          const codec: ImageCodec = packed === null ? 0 : 1;
          const storedCrc = crc32c(stored);
          const entry: ManifestEntry = {
            id: page.id,
            size: page.size,
            location: page.location,
            createdEpoch: page.createdEpoch,
            epoch: page.epoch,
            codec,
            storedBytes: stored.byteLength,
            storedCrc,
            rawCrc: codec === 0 ? storedCrc : crc32c(raw),
          };
          try {
            await writeFileAtomic(fs, join(imagesDir, imageName(page.id, page.epoch)), stored, durable);
          } catch (cause) {
            failure ??= { cause };
            return;
          }
          slots[k] = entry;
          pagesWritten++;
          bytesWritten += stored.byteLength;
        }
        onProgress?.(++done, pages.length, 'checkpoint');
      }
    };
    await Promise.all(Array.from({ length: Math.min(IMAGE_WRITES_IN_FLIGHT, pages.length) }, worker));
    if (failure !== null) throw (failure as { readonly cause: unknown }).cause;
    for (const e of slots) if (e !== undefined) entries.push(e);
    if (durable && pagesWritten > 0) await fs.syncDir(imagesDir);
    const manifest: Manifest = { epoch, entries };
    const bytes = encodeManifest(manifest);
    const path = join(dir, manifestName(epoch));
    await writeFileAtomic(fs, path, bytes, durable);
    if (durable) await fs.syncDir(dir);
    bytesWritten += bytes.byteLength;
    return { manifest, path, pagesWritten, bytesWritten };
  } catch (cause) {
    throw ioError(`checkpoint: writing the checkpoint of epoch ${epoch} in ${dir} failed`, cause);
  }
}

/** The epochs of the manifests in `dir`, newest first. */
export async function listCheckpoints(fs: LogFileSystem, dir: string): Promise<number[]> {
  const names = await listDir(fs, dir);
  const epochs: number[] = [];
  for (const name of names) {
    const e = manifestEpoch(name);
    if (e !== null) epochs.push(e);
  }
  return epochs.sort((a, b) => b - a);
}

/** A checkpoint read back and checked: its manifest and, when asked for, every page's bytes. */
export interface LoadedCheckpoint {
  readonly manifest: Manifest;
  readonly path: string;
  /** Page bytes by id; empty when only the table was asked for. */
  readonly images: Map<number, Uint8Array>;
  readonly bytesRead: number;
}

/** Reads and decodes the manifest of `epoch`; CHECKPOINT_CORRUPT names the file and offset of what is wrong. */
export async function readManifest(fs: LogFileSystem, dir: string, epoch: number): Promise<{ manifest: Manifest; bytes: number }> {
  const path = join(dir, manifestName(epoch));
  let bytes: Uint8Array;
  try {
    bytes = await readWhole(fs, path);
  } catch (cause) {
    throw ioError(`checkpoint: cannot read ${path}`, cause);
  }
  const manifest = decodeManifest(bytes);
  if (typeof manifest === 'string') throw new PageError('CHECKPOINT_CORRUPT', `checkpoint ${path}: ${manifest}`);
  if (manifest.epoch !== epoch) {
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint ${path} at offset 16: the manifest says epoch ${manifest.epoch}, its name ${epoch}`);
  }
  return { manifest, bytes: bytes.byteLength };
}

/** Reads and checks one image against its manifest entry; CHECKPOINT_CORRUPT names the image. */
export async function readImage(fs: LogFileSystem, dir: string, entry: ManifestEntry): Promise<Uint8Array> {
  const path = join(dir, IMAGES_DIR, imageName(entry.id, entry.epoch));
  let stored: Uint8Array;
  try {
    stored = await readWhole(fs, path);
  } catch (cause) {
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint image ${path} of page ${entry.id} cannot be read: ${String(cause)}`, { cause });
  }
  if (stored.byteLength !== entry.storedBytes) {
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint image ${path} of page ${entry.id} is ${stored.byteLength} bytes, its manifest says ${entry.storedBytes}`);
  }
  const crc = crc32c(stored);
  if (crc !== entry.storedCrc) {
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint image ${path} of page ${entry.id} (offset 0..${stored.byteLength}): CRC32C 0x${crc.toString(16)}, the manifest says 0x${entry.storedCrc.toString(16)}`);
  }
  if (entry.codec === 0) {
    if (stored.byteLength !== entry.size) {
      throw new PageError('CHECKPOINT_CORRUPT', `checkpoint image ${path} holds ${stored.byteLength} bytes for page ${entry.id} of ${entry.size}`);
    }
    return stored;
  }
  let raw: Uint8Array;
  try {
    raw = decompressBytes('brotli', stored, entry.size, `checkpoint image ${path}`);
  } catch (cause) {
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint image ${path} of page ${entry.id} does not decompress to ${entry.size} bytes`, { cause });
  }
  if (crc32c(raw) !== entry.rawCrc) {
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint image ${path} of page ${entry.id} decompresses to bytes whose CRC32C is not the manifest's`);
  }
  return raw;
}

/** Loads checkpoint `epoch` whole (manifest and every image), checking every checksum. */
export async function loadCheckpoint(
  fs: LogFileSystem,
  dir: string,
  epoch: number,
  options: { readonly images: boolean; readonly onProgress?: ProgressCallback | undefined },
): Promise<LoadedCheckpoint> {
  const { manifest, bytes } = await readManifest(fs, dir, epoch);
  const images = new Map<number, Uint8Array>();
  let bytesRead = bytes;
  if (options.images) {
    let done = 0;
    for (const entry of manifest.entries) {
      const image = await readImage(fs, dir, entry);
      images.set(entry.id, image);
      bytesRead += entry.storedBytes;
      options.onProgress?.(++done, manifest.entries.length, 'checkpoint images');
    }
  }
  return { manifest, path: join(dir, manifestName(epoch)), images, bytesRead };
}

/**
 * Retention: removes the manifests beyond the newest `keep`, then every
 * image no remaining manifest references, each step fsynced before the next so a crash never
 * leaves a manifest without its images. Returns the epoch of the oldest manifest kept.
 */
export async function retireCheckpoints(
  fs: LogFileSystem,
  dir: string,
  keep: number,
  durable: boolean,
): Promise<{ oldestKept: number | null; removed: readonly string[] }> {
  const removed: string[] = [];
  try {
    const epochs = await listCheckpoints(fs, dir);
    const kept = epochs.slice(0, keep);
    for (const e of epochs.slice(keep)) {
      const path = join(dir, manifestName(e));
      await fs.unlink(path);
      removed.push(path);
    }
    if (removed.length > 0 && durable) await fs.syncDir(dir);
    const referenced = new Set<string>();
    for (const e of kept) {
      // An unreadable manifest keeps nothing alive: it can never be loaded anyway.
      const m = await readManifest(fs, dir, e).catch(() => null);
      for (const entry of m?.manifest.entries ?? []) referenced.add(imageName(entry.id, entry.epoch));
    }
    const imagesDir = join(dir, IMAGES_DIR);
    let unlinked = 0;
    const unused = (await listDir(fs, imagesDir)).filter((name) => !referenced.has(name));
    // Unlinks are independent: several at once, so their round trips overlap.
    for (let k = 0; k < unused.length; k += IMAGE_WRITES_IN_FLIGHT) {
      const names = unused.slice(k, k + IMAGE_WRITES_IN_FLIGHT);
      await Promise.all(names.map((name) => unlinkIfPresent(fs, join(imagesDir, name))));
      for (const name of names) removed.push(join(imagesDir, name));
      unlinked += names.length;
    }
    if (unlinked > 0 && durable) await fs.syncDir(imagesDir);
    return { oldestKept: kept.at(-1) ?? null, removed };
  } catch (cause) {
    throw ioError(`checkpoint: retiring old checkpoints in ${dir} failed`, cause);
  }
}

/** Removes temporary files a crashed checkpoint left (never a manifest or a named image). */
export async function removeCheckpointTemps(fs: LogFileSystem, dir: string, durable: boolean): Promise<void> {
  for (const d of [dir, join(dir, IMAGES_DIR)]) {
    let removed = 0;
    for (const name of await listDir(fs, d)) {
      if (name.endsWith('.tmp') && (await unlinkIfPresent(fs, join(d, name)))) removed++;
    }
    if (removed > 0 && durable) await fs.syncDir(d);
  }
}
