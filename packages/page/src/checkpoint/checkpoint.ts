// Writing, loading and retiring checkpoints (docs/formats/checkpoint.md). A checkpoint writes the
// images of the pages that changed since the previous one into ONE pack file, in large sequential
// writes, and a manifest naming, per page, the pack, offset, length and checksums of its image;
// unchanged pages keep referencing an older pack. The pack is written under its own name (a pack
// no manifest names is garbage, retired like any unused pack) and fdatasynced, and the directory
// fsync of its entry runs while its bytes are written; the manifest is written under a temporary
// name and fdatasynced; only when all three are done is the manifest renamed into place (and the
// directory fsynced), so no crash can leave a manifest naming a pack that is not durable.
// Retention (retireCheckpoints) is separate: the store runs it after the checkpoint is durable,
// off the checkpoint's latency (docs/adr/0008). Format-1 checkpoints (one image file per page
// under images/) are still read.
import { join } from 'node:path';
import { crc32c } from '@mmsb/native';
import { compressBytes, decompressBytes, storeCodec } from '../delta/codec.js';
import { COMPRESS_MAX_RATIO, COMPRESS_MIN_BYTES } from '../delta/encoding.js';
import { PageError, isPageError } from '../errors.js';
import type { LogFile, LogFileSystem } from '../internal/fs.js';
import type { PageLocation, ProgressCallback } from '../store/api.js';
import { errnoOf, ioError, listDir, readWhole, unlinkIfPresent } from '../store/files.js';
import { PACK_HEADER_BYTES, decodeManifest, encodeManifest, encodePackHeader, imageName, manifestEpoch, manifestName, packEpoch, packName } from './format.js';
import type { ImageCodec, Manifest, ManifestEntry, PackRef } from './format.js';

/** The format-1 images folder inside `checkpoints/` (read and retired, no longer written). */
export const IMAGES_DIR = 'images';

/** One page as a checkpoint sees it: its table entry and a way to read its bytes at the epoch. */
export interface CheckpointPage {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
  readonly createdEpoch: number;
  readonly epoch: number;
  /** A copy of the page's bytes at the epoch. */
  read(): Uint8Array;
  /** Copies the page's bytes at the epoch into `target` (of the page's size), saving an allocation. */
  readInto?(target: Uint8Array): void;
}

/** Bytes gathered before one write to the pack. */
const PACK_CHUNK_BYTES = 4 << 20;
/** Pack writes in flight at once: the next chunk is filled while the previous ones go down. */
const PACK_WRITES_IN_FLIGHT = 2;
/** Largest read of adjacent images when loading a checkpoint. */
const READ_CHUNK_BYTES = 8 << 20;
/**
 * A retired pack kept for the next checkpoint to overwrite in place (renamed to the new pack's name)
 * instead of being unlinked: no 16–64 MiB unlink inside retention, no block allocation while the
 * next pack is written, a cheaper fdatasync. A `.tmp` name, so opening the store removes it; its
 * stale bytes are never named by a manifest (see writeCheckpoint).
 */
export const SPARE_PACK = 'spare.pack.tmp';
/** Unlinks issued at once by retention. */
const UNLINKS_IN_FLIGHT = 16;
/**
 * A pack whose images the new checkpoint would still use make up less than this share of it is
 * compacted: those pages are written again into the new pack, so the old one can be retired.
 */
const COMPACT_BELOW = 0.25;

/** Pages from this size on are probed before being compressed whole. */
const PROBE_MIN_BYTES = 16 * 1024;
/** The probe: this many bytes from the start, the middle and the end of the page. */
const PROBE_SLICE_BYTES = 1024;
/** Consecutive pages that did not compress before the compressor starts skipping pages. */
const BACKOFF_AFTER = 8;
/** The most pages skipped between two tries while pages keep not compressing. */
const BACKOFF_MAX = 256;

/**
 * Chooses per image whether compression pays (at least COMPRESS_MIN_BYTES, at most
 * COMPRESS_MAX_RATIO of the page), with LZ4 (brotli where the LZ4 binding does not load). A large
 * page is first probed: three slices of it compressed together; when even they do not shrink
 * enough (noise, already-compressed data) the page is stored as is without spending a whole-page
 * compression on it. After BACKOFF_AFTER pages in a row that did not compress, only every 2nd,
 * 4th, … (at most every BACKOFF_MAX-th) page is tried, and the first one that compresses resumes
 * trying every page: a checkpoint of noise does not pay a compression per page, one of
 * compressible data loses nothing. A store keeps one across its checkpoints, so a store of noise
 * stays backed off instead of probing its first pages again every checkpoint.
 */
export class ImageCompressor {
  private misses = 0;
  private skipped = 0;
  /** The codec this compressor writes, chosen once. */
  readonly codec = storeCodec();
  /** Its id in the manifest. */
  readonly codecId: ImageCodec = this.codec === 'lz4' ? 3 : 1;

  /** The compressed image of `raw` when it pays, else null. */
  compress(raw: Uint8Array): Uint8Array | null {
    const n = raw.byteLength;
    if (n < COMPRESS_MIN_BYTES) return null;
    if (this.misses >= BACKOFF_AFTER) {
      const every = Math.min(BACKOFF_MAX, 2 ** (this.misses - BACKOFF_AFTER + 1));
      if (++this.skipped < every) return null;
      this.skipped = 0;
    }
    const packed = compressImage(this.codec, raw);
    if (packed === null) this.misses++;
    else this.misses = 0;
    return packed;
  }
}

function compressImage(codec: 'lz4' | 'brotli' | 'deflate-raw', raw: Uint8Array): Uint8Array | null {
  const n = raw.byteLength;
  if (n >= PROBE_MIN_BYTES) {
    const sample = new Uint8Array(3 * PROBE_SLICE_BYTES);
    const mid = (n >>> 1) - (PROBE_SLICE_BYTES >>> 1);
    sample.set(raw.subarray(0, PROBE_SLICE_BYTES), 0);
    sample.set(raw.subarray(mid, mid + PROBE_SLICE_BYTES), PROBE_SLICE_BYTES);
    sample.set(raw.subarray(n - PROBE_SLICE_BYTES), 2 * PROBE_SLICE_BYTES);
    if (compressBytes(codec, sample).byteLength > sample.byteLength * COMPRESS_MAX_RATIO) return null;
  }
  const packed = compressBytes(codec, raw);
  return packed.byteLength <= n * COMPRESS_MAX_RATIO ? packed : null;
}

/**
 * The pack writer's chunk buffers, kept between checkpoints (a store holds one pool): a checkpoint
 * does not allocate — and fault in — 8–12 MiB of fresh buffers each time. Only buffers of the
 * default chunk size are kept, at most one per chunk a writer can hold at once.
 */
export class PackBuffers {
  private readonly free: Uint8Array[] = [];

  /** A buffer of `bytes` (contents unspecified). */
  take(bytes: number): Uint8Array {
    return (bytes === PACK_CHUNK_BYTES ? this.free.pop() : undefined) ?? new Uint8Array(bytes);
  }

  /** Gives back a buffer no write uses any more. */
  give(buffer: Uint8Array): void {
    if (buffer.byteLength === PACK_CHUNK_BYTES && this.free.length <= PACK_WRITES_IN_FLIGHT) this.free.push(buffer);
  }
}

/**
 * Appends images to a new pack file in chunks of `chunkBytes`: an image is copied into the chunk
 * being filled, a full chunk is written (pwrite) while the next one fills, and an image larger
 * than a chunk is written on its own. Offsets are known as soon as an image is added.
 */
class PackWriter {
  private file: LogFile | null = null;
  private chunk: Uint8Array;
  private fill = 0;
  /** File position of `chunk[0]`. */
  private base = 0;
  private readonly spare: Uint8Array[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private failure: { readonly cause: unknown } | null = null;

  constructor(
    private readonly fs: LogFileSystem,
    readonly path: string,
    epoch: number,
    private readonly chunkBytes: number,
    private readonly buffers: PackBuffers,
  ) {
    this.chunk = buffers.take(chunkBytes);
    this.chunk.set(encodePackHeader(epoch), 0);
    this.fill = PACK_HEADER_BYTES;
  }

  /** Bytes the file held when opened (a reused spare pack), cut back to the pack's length by drain(). */
  private stale = 0;

  /**
   * Opens the file: the spare pack `spare` renamed to the pack's name when there is one (its old
   * bytes are overwritten and cut off), else a new file (replacing a leftover of an interrupted
   * write or of a checkpoint of the same epoch that never got its manifest).
   */
  async open(spare: string | null): Promise<void> {
    if (spare !== null) {
      try {
        await this.fs.rename(spare, this.path);
        this.file = await this.fs.open(this.path, 'readwrite');
        this.stale = await this.file.size();
        return;
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') throw error;
      }
    }
    try {
      this.file = await this.fs.open(this.path, 'create');
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
      await unlinkIfPresent(this.fs, this.path);
      this.file = await this.fs.open(this.path, 'create');
    }
  }

  /** Bytes in the pack so far. */
  get bytes(): number {
    return this.base + this.fill;
  }

  /** Adds `image` (owned by the pack from now on); resolves to its offset. */
  async add(image: Uint8Array): Promise<number> {
    const n = image.byteLength;
    if (this.fill + n > this.chunkBytes) await this.flush();
    if (n > this.chunkBytes) {
      const at = this.base;
      await this.issue(image, at, false);
      this.base += n;
      return at;
    }
    const at = this.base + this.fill;
    this.chunk.set(image, this.fill);
    this.fill += n;
    return at;
  }

  /** Whether `n` bytes fit in the chunk being filled (else flush first, or add() a large image). */
  fits(n: number): boolean {
    return this.fill + n <= this.chunkBytes;
  }

  /** The next `n` bytes of the chunk being filled (n must fit), to be filled and then {@link commit}ted. */
  reserve(n: number): Uint8Array {
    return this.chunk.subarray(this.fill, this.fill + n);
  }

  /** Keeps the first `n` bytes of the last reservation as an image; returns its offset. */
  commit(n: number): number {
    const at = this.base + this.fill;
    this.fill += n;
    return at;
  }

  /** Writes the chunk being filled and starts a fresh one. */
  async flush(): Promise<void> {
    if (this.fill === 0) return;
    const full = this.chunk;
    const at = this.base;
    const n = this.fill;
    this.base += n;
    this.fill = 0;
    this.chunk = this.spare.pop() ?? this.buffers.take(this.chunkBytes);
    await this.issue(full.subarray(0, n), at, true);
  }

  private async issue(data: Uint8Array, at: number, recycle: boolean): Promise<void> {
    this.check();
    while (this.inFlight.length >= PACK_WRITES_IN_FLIGHT) await this.inFlight.shift();
    this.check();
    const file = this.file as LogFile;
    const write = file.write(data, at).then(
      () => {
        if (recycle && this.spare.length < PACK_WRITES_IN_FLIGHT) this.spare.push(new Uint8Array(data.buffer, data.byteOffset, this.chunkBytes));
      },
      (cause: unknown) => {
        this.failure ??= { cause };
      },
    );
    this.inFlight.push(write);
  }

  /** Writes what is left and waits for every write; resolves to the pack's length. */
  async drain(): Promise<number> {
    await this.flush();
    await Promise.all(this.inFlight.splice(0));
    this.release();
    this.check();
    if (this.stale > this.base) await (this.file as LogFile).truncate(this.base);
    return this.base;
  }

  /** Throws the error a write in flight met. */
  private check(): void {
    if (this.failure !== null) throw this.failure.cause;
  }

  /** fdatasync (when `durable`) and close. */
  async finish(durable: boolean): Promise<void> {
    const file = this.file as LogFile;
    this.file = null;
    try {
      if (durable) await file.datasync();
    } finally {
      await file.close();
    }
  }

  /** Gives the chunk buffers back to the pool; only once no write is in flight. */
  private release(): void {
    for (const b of this.spare.splice(0)) this.buffers.give(b);
    this.buffers.give(this.chunk);
    this.chunk = new Uint8Array(0);
  }

  /** Closes the file after a failure (the temporary file is removed on the next open). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
    if (this.chunk.byteLength > 0) this.release();
    const file = this.file;
    this.file = null;
    await file?.close().catch(() => undefined);
  }
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
  /** Bytes per pack write (tests make it small to exercise many writes); default 4 MiB. */
  readonly chunkBytes?: number;
  /** Chunk buffers kept between the checkpoints of one store; without it, fresh ones. */
  readonly buffers?: PackBuffers | undefined;
  /** The compressor's back-off kept between the checkpoints of one store; without it, a fresh one. */
  readonly compressor?: ImageCompressor | undefined;
}

/** What {@link writeCheckpoint} wrote. */
export interface WrittenCheckpoint {
  readonly manifest: Manifest;
  readonly path: string;
  readonly pagesWritten: number;
  readonly bytesWritten: number;
}

/** Writes `bytes` to a new file `path` (replacing a leftover), fdatasynced when `durable`; no rename. */
async function writeTemp(fs: LogFileSystem, path: string, bytes: Uint8Array, durable: boolean): Promise<void> {
  let file;
  try {
    file = await fs.open(path, 'create');
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw error;
    await unlinkIfPresent(fs, path);
    file = await fs.open(path, 'create');
  }
  try {
    await file.write(bytes, 0);
    if (durable) await file.datasync();
  } finally {
    await file.close();
  }
}

/**
 * The entries of `previous` that the checkpoint of `pages` can keep: same page, same last change,
 * in a pack (format-1 images are written again), and not in a pack so little of which would stay
 * in use that it is better compacted.
 */
function reusableEntries(pages: readonly CheckpointPage[], previous: Manifest | null): Map<number, ManifestEntry> {
  const reusable = new Map<number, ManifestEntry>();
  if (previous === null) return reusable;
  const old = new Map<number, ManifestEntry>();
  for (const e of previous.entries) if (e.pack !== null) old.set(e.id, e);
  const live = new Map<number, number>();
  for (const page of pages) {
    const e = old.get(page.id);
    if (e === undefined || e.epoch !== page.epoch || e.size !== page.size || e.createdEpoch !== page.createdEpoch) continue;
    reusable.set(page.id, e);
    live.set(e.pack as number, (live.get(e.pack as number) ?? 0) + e.storedBytes);
  }
  const compact = new Set<number>();
  for (const p of previous.packs) {
    const used = live.get(p.epoch);
    if (used !== undefined && used < (p.bytes - PACK_HEADER_BYTES) * COMPACT_BELOW) compact.add(p.epoch);
  }
  if (compact.size > 0) for (const [id, e] of reusable) if (compact.has(e.pack as number)) reusable.delete(id);
  return reusable;
}

/** Writes the checkpoint of `options.pages` at `options.epoch`; see the file comment for the order. */
export async function writeCheckpoint(options: WriteCheckpointOptions): Promise<WrittenCheckpoint> {
  const { fs, dir, epoch, pages, previous, durable, compress, onProgress } = options;
  const reusable = reusableEntries(pages, previous);
  const previousPacks = new Map<number, PackRef>();
  for (const p of previous?.packs ?? []) previousPacks.set(p.epoch, p);
  const entries: ManifestEntry[] = [];
  const packs = new Map<number, PackRef>();
  const compressor = compress ? (options.compressor ?? new ImageCompressor()) : null;
  const packPath = join(dir, packName(epoch));
  let pack: PackWriter | null = null;
  let packEntrySynced: Promise<void> | null = null;
  let pagesWritten = 0;
  let bytesWritten = 0;
  try {
    try {
      let done = 0;
      for (const page of pages) {
        const old = reusable.get(page.id);
        if (old !== undefined) {
          entries.push(old.location === page.location ? old : { ...old, location: page.location });
          const ref = previousPacks.get(old.pack as number) as PackRef;
          packs.set(ref.epoch, ref);
        } else {
          if (pack === null) {
            pack = new PackWriter(fs, packPath, epoch, options.chunkBytes ?? PACK_CHUNK_BYTES, options.buffers ?? new PackBuffers());
            await pack.open(join(dir, SPARE_PACK));
            // The pack's directory entry is made durable while its bytes are written, so that it is
            // durable before the manifest naming it is renamed into place — without a directory
            // fsync of its own between the two.
            if (durable) {
              packEntrySynced = fs.syncDir(dir);
              packEntrySynced.catch(() => undefined);
            }
          }
          let offset: number;
          let stored: Uint8Array;
          let rawCrc: number;
          let codec: ImageCodec = 0;
          if (!pack.fits(page.size)) await pack.flush();
          if (pack.fits(page.size)) {
            // The page is copied straight into the pack's chunk; a compressed image, smaller, replaces it there.
            const raw = pack.reserve(page.size);
            if (page.readInto === undefined) raw.set(page.read());
            else page.readInto(raw);
            const packed = compressor?.compress(raw) ?? null;
            rawCrc = crc32c(raw);
            if (packed !== null && compressor !== null) {
              raw.set(packed);
              codec = compressor.codecId;
            }
            offset = pack.commit(packed?.byteLength ?? page.size);
            stored = packed === null ? raw : raw.subarray(0, packed.byteLength);
          } else {
            const raw = page.read();
            const packed = compressor?.compress(raw) ?? null;
            rawCrc = crc32c(raw);
            codec = packed === null || compressor === null ? 0 : compressor.codecId;
            stored = packed ?? raw;
            offset = await pack.add(stored);
          }
          const storedCrc = codec === 0 ? rawCrc : crc32c(stored);
          entries.push({
            id: page.id,
            size: page.size,
            location: page.location,
            createdEpoch: page.createdEpoch,
            epoch: page.epoch,
            codec,
            pack: epoch,
            offset,
            storedBytes: stored.byteLength,
            storedCrc,
            rawCrc,
          });
          pagesWritten++;
        }
        onProgress?.(++done, pages.length, 'checkpoint');
      }
      if (pack !== null) {
        const bytes = await pack.drain();
        packs.set(epoch, { epoch, bytes });
        bytesWritten += bytes;
      }
    } catch (error) {
      await (pack as PackWriter | null)?.abandon();
      await (packEntrySynced as Promise<void> | null)?.catch(() => undefined);
      throw error;
    }
    const manifest: Manifest = { format: 2, epoch, packs: [...packs.values()].sort((a, b) => a.epoch - b.epoch), entries };
    const bytes = encodeManifest(manifest);
    const path = join(dir, manifestName(epoch));
    // The pack's fdatasync, the directory fsync of its entry and the manifest's write and fdatasync
    // overlap; all three are done before the manifest is renamed into place.
    const written = pack as PackWriter | null;
    await Promise.all([written?.finish(durable), packEntrySynced, writeTemp(fs, `${path}.tmp`, bytes, durable)]);
    await fs.rename(`${path}.tmp`, path);
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

/** A checkpoint read back and checked: its manifest and, when asked for, pages' bytes. */
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

/** Checks `stored`, the image of `entry` read from `where`, and returns the page's bytes. */
function decodeImage(where: string, entry: ManifestEntry, stored: Uint8Array): Uint8Array {
  const crc = crc32c(stored);
  const span = `offset ${entry.offset}..${entry.offset + stored.byteLength}`;
  if (crc !== entry.storedCrc) {
    throw new PageError('CHECKPOINT_CORRUPT', `${where} of page ${entry.id} (${span}): CRC32C 0x${crc.toString(16)}, the manifest says 0x${entry.storedCrc.toString(16)}`);
  }
  if (entry.codec === 0) {
    if (stored.byteLength !== entry.size) {
      throw new PageError('CHECKPOINT_CORRUPT', `${where} holds ${stored.byteLength} bytes for page ${entry.id} of ${entry.size}`);
    }
    return stored;
  }
  let raw: Uint8Array;
  try {
    raw = decompressBytes(entry.codec === 3 ? 'lz4' : 'brotli', stored, entry.size, where);
  } catch (cause) {
    // A codec that cannot load here is not damage in the checkpoint: say so, never CHECKPOINT_CORRUPT.
    if (isPageError(cause, 'CODEC_UNAVAILABLE')) throw cause;
    throw new PageError('CHECKPOINT_CORRUPT', `${where} of page ${entry.id} does not decompress to ${entry.size} bytes`, { cause });
  }
  if (crc32c(raw) !== entry.rawCrc) {
    throw new PageError('CHECKPOINT_CORRUPT', `${where} of page ${entry.id} decompresses to bytes whose CRC32C is not the manifest's`);
  }
  return raw;
}

/** Reads and checks one format-1 image file against its manifest entry. */
async function readImageFile(fs: LogFileSystem, dir: string, entry: ManifestEntry): Promise<Uint8Array> {
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
  return decodeImage(`checkpoint image ${path}`, entry, stored);
}

/** Adjacent images of one pack read with one positional read. */
interface ReadRun {
  readonly offset: number;
  readonly bytes: number;
  readonly entries: ManifestEntry[];
}

/** Fills `buffer` from `file` at `position`; resolves to the bytes read (fewer at end of file). */
async function readFully(file: LogFile, buffer: Uint8Array, position: number): Promise<number> {
  let got = 0;
  while (got < buffer.byteLength) {
    const n = await file.read(buffer, got, buffer.byteLength - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Reads the images of `entries`, all in the pack at `path`, in runs of adjacent images. */
async function readFromPack(fs: LogFileSystem, path: string, entries: readonly ManifestEntry[], visit: (entry: ManifestEntry, raw: Uint8Array) => void): Promise<number> {
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  const runs: ReadRun[] = [];
  let run: ReadRun | null = null;
  for (const e of sorted) {
    if (run !== null && e.offset === run.offset + run.bytes && run.bytes + e.storedBytes <= READ_CHUNK_BYTES) {
      run.entries.push(e);
      (run as { bytes: number }).bytes += e.storedBytes;
    } else {
      run = { offset: e.offset, bytes: e.storedBytes, entries: [e] };
      runs.push(run);
    }
  }
  let file: LogFile;
  try {
    file = await fs.open(path, 'read');
  } catch (cause) {
    const first = sorted[0] as ManifestEntry;
    throw new PageError('CHECKPOINT_CORRUPT', `checkpoint pack ${path} of page ${first.id} cannot be read: ${String(cause)}`, { cause });
  }
  let bytesRead = 0;
  try {
    const start = (r: ReadRun): Promise<{ buffer: Uint8Array; got: number }> => {
      const buffer = new Uint8Array(r.bytes);
      return readFully(file, buffer, r.offset).then((got) => ({ buffer, got }));
    };
    // One read ahead: the next run comes off the disk while this one is checked and decompressed.
    let next = runs.length > 0 ? start(runs[0] as ReadRun) : null;
    for (let k = 0; k < runs.length; k++) {
      const r = runs[k] as ReadRun;
      let result: { buffer: Uint8Array; got: number };
      try {
        result = await (next as Promise<{ buffer: Uint8Array; got: number }>);
      } catch (cause) {
        throw new PageError('CHECKPOINT_CORRUPT', `checkpoint pack ${path} cannot be read at offset ${r.offset}: ${String(cause)}`, { cause });
      }
      next = k + 1 < runs.length ? start(runs[k + 1] as ReadRun) : null;
      next?.catch(() => undefined);
      bytesRead += result.got;
      let at = 0;
      for (const e of r.entries) {
        if (at + e.storedBytes > result.got) {
          throw new PageError('CHECKPOINT_CORRUPT', `checkpoint pack ${path} ends at offset ${r.offset + result.got}, before the image of page ${e.id} at offset ${e.offset}..${e.offset + e.storedBytes}`);
        }
        visit(e, decodeImage(`checkpoint pack ${path}, image`, e, result.buffer.subarray(at, at + e.storedBytes)));
        at += e.storedBytes;
      }
    }
  } finally {
    await file.close();
  }
  return bytesRead;
}

/**
 * Reads and checks the images of `entries` (of one manifest in `dir`), calling `visit` with each
 * page's bytes; only those images are read (positional reads of the pack, adjacent images
 * together). Resolves to the bytes read. CHECKPOINT_CORRUPT names the pack or image and the page.
 */
export async function readImages(fs: LogFileSystem, dir: string, entries: readonly ManifestEntry[], visit: (entry: ManifestEntry, raw: Uint8Array) => void): Promise<number> {
  const byPack = new Map<number, ManifestEntry[]>();
  let bytesRead = 0;
  for (const e of entries) {
    if (e.pack === null) {
      visit(e, await readImageFile(fs, dir, e));
      bytesRead += e.storedBytes;
      continue;
    }
    let list = byPack.get(e.pack);
    if (list === undefined) byPack.set(e.pack, (list = []));
    list.push(e);
  }
  for (const [p, list] of byPack) bytesRead += await readFromPack(fs, join(dir, packName(p)), list, visit);
  return bytesRead;
}

/** Reads and checks one image against its manifest entry; CHECKPOINT_CORRUPT names the image. */
export async function readImage(fs: LogFileSystem, dir: string, entry: ManifestEntry): Promise<Uint8Array> {
  let out: Uint8Array | null = null;
  await readImages(fs, dir, [entry], (_, raw) => {
    out = raw;
  });
  return out as unknown as Uint8Array;
}

/**
 * Loads checkpoint `epoch`: its manifest and the images asked for (all, `only` one page, or
 * none for the table alone), checking every checksum on the way.
 */
export async function loadCheckpoint(
  fs: LogFileSystem,
  dir: string,
  epoch: number,
  options: { readonly images: boolean; readonly only?: number | undefined; readonly onProgress?: ProgressCallback | undefined },
): Promise<LoadedCheckpoint> {
  const { manifest, bytes } = await readManifest(fs, dir, epoch);
  const images = new Map<number, Uint8Array>();
  let bytesRead = bytes;
  if (options.images) {
    const wanted = options.only === undefined ? manifest.entries : manifest.entries.filter((e) => e.id === options.only);
    let done = 0;
    bytesRead += await readImages(fs, dir, wanted, (entry, raw) => {
      images.set(entry.id, raw);
      options.onProgress?.(++done, wanted.length, 'checkpoint images');
    });
  }
  return { manifest, path: join(dir, manifestName(epoch)), images, bytesRead };
}

async function unlinkAll(fs: LogFileSystem, paths: readonly string[]): Promise<void> {
  // Unlinks are independent: several at once, so their round trips overlap.
  for (let k = 0; k < paths.length; k += UNLINKS_IN_FLIGHT) {
    await Promise.all(paths.slice(k, k + UNLINKS_IN_FLIGHT).map((p) => unlinkIfPresent(fs, p)));
  }
}

/**
 * Retention: removes the manifests beyond the newest `keep` and fsyncs the directory, then every
 * pack (and format-1 image) no remaining manifest references — so a crash never leaves a manifest
 * without its images. Those removals need no fsync of their own: one that a crash undoes leaves an
 * unreferenced pack, which the next retention removes again. Returns the epoch of the oldest
 * manifest kept. `known` holds manifests the caller already has (by epoch), so they are not read
 * and decoded again.
 */
export async function retireCheckpoints(
  fs: LogFileSystem,
  dir: string,
  keep: number,
  durable: boolean,
  known?: ReadonlyMap<number, Manifest>,
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
    const packs = new Set<number>();
    const images = new Set<string>();
    for (const e of kept) {
      // An unreadable manifest keeps nothing alive: it can never be loaded anyway.
      const m = known?.get(e) ?? (await readManifest(fs, dir, e).catch(() => null))?.manifest ?? null;
      for (const entry of m?.entries ?? []) {
        if (entry.pack === null) images.add(imageName(entry.id, entry.epoch));
        else packs.add(entry.pack);
      }
    }
    const names = await listDir(fs, dir);
    const unusedPacks = names.filter((name) => {
      const p = packEpoch(name);
      return p !== null && !packs.has(p);
    });
    const imagesDir = join(dir, IMAGES_DIR);
    const unusedImages = (await listDir(fs, imagesDir)).filter((name) => !images.has(name));
    const packPaths = unusedPacks.map((name) => join(dir, name));
    const imagePaths = unusedImages.map((name) => join(imagesDir, name));
    // The newest retired pack becomes the spare the next checkpoint overwrites, unless one is left.
    const spare = names.includes(SPARE_PACK) ? undefined : packPaths.pop();
    if (spare !== undefined) {
      await fs.rename(spare, join(dir, SPARE_PACK));
      removed.push(spare);
    }
    await unlinkAll(fs, packPaths);
    await unlinkAll(fs, imagePaths);
    removed.push(...packPaths, ...imagePaths);
    return { oldestKept: kept.at(-1) ?? null, removed };
  } catch (cause) {
    throw ioError(`checkpoint: retiring old checkpoints in ${dir} failed`, cause);
  }
}

/** Removes temporary files a crashed checkpoint left (never a manifest, a pack or a named image). */
export async function removeCheckpointTemps(fs: LogFileSystem, dir: string, durable: boolean): Promise<void> {
  for (const d of [dir, join(dir, IMAGES_DIR)]) {
    let removed = 0;
    for (const name of await listDir(fs, d)) {
      if (name.endsWith('.tmp') && (await unlinkIfPresent(fs, join(d, name)))) removed++;
    }
    if (removed > 0 && durable) await fs.syncDir(d);
  }
}
