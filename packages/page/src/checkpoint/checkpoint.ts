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
    for (const page of pages) {
      const old = reusable.get(page.id);
      if (old !== undefined && old.epoch === page.epoch && old.size === page.size && old.createdEpoch === page.createdEpoch) {
        entries.push({ ...old, location: page.location });
      } else {
        const raw = page.read();
        let stored = raw;
        let codec: ImageCodec = 0;
        if (compress && raw.byteLength >= COMPRESS_MIN_BYTES) {
          const packed = compressBytes('brotli', raw);
          if (packed.byteLength <= raw.byteLength * COMPRESS_MAX_RATIO) {
            stored = packed;
            codec = 1;
          }
        }
        await writeFileAtomic(fs, join(imagesDir, imageName(page.id, page.epoch)), stored, durable);
        entries.push({
          id: page.id,
          size: page.size,
          location: page.location,
          createdEpoch: page.createdEpoch,
          epoch: page.epoch,
          codec,
          storedBytes: stored.byteLength,
          storedCrc: crc32c(stored),
          rawCrc: codec === 0 ? crc32c(stored) : crc32c(raw),
        });
        pagesWritten++;
        bytesWritten += stored.byteLength;
      }
      onProgress?.(++done, pages.length, 'checkpoint');
    }
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
    for (const name of await listDir(fs, imagesDir)) {
      if (referenced.has(name)) continue;
      await unlinkIfPresent(fs, join(imagesDir, name));
      removed.push(join(imagesDir, name));
      unlinked++;
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
