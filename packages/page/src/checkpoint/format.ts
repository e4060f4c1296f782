// A checkpoint's bytes on disk, byte by byte in docs/formats/checkpoint.md. A manifest names the
// epoch it covers and, per page, where the page's image lies with the image's CRC32C and sizes.
// Format 2 (written): images lie in pack files, one per checkpoint that wrote any, each image at
// a recorded offset; a page that did not change between two checkpoints keeps its image in the
// older pack, which both manifests reference. Format 1 (read only): one image file per page,
// named after (page id, epoch of the page's last change).
import { crc32c } from '@mmsb/native';
import type { PageLocation } from '../store/api.js';

/** Manifest format version written; versions 1 and 2 are read. */
export const CHECKPOINT_FORMAT_VERSION = 2;

/** "MMSBCKPT": the first 8 bytes of a manifest. */
const MAGIC = new Uint8Array([0x4d, 0x4d, 0x53, 0x42, 0x43, 0x4b, 0x50, 0x54]);
/** "MMSBPACK": the first 8 bytes of a pack. */
export const PACK_MAGIC = new Uint8Array([0x4d, 0x4d, 0x53, 0x42, 0x50, 0x41, 0x43, 0x4b]);
/** A pack's header: magic, u32 format, u32 reserved, u64 epoch. Images follow it. */
export const PACK_HEADER_BYTES = 24;
const V1_HEADER_BYTES = 32;
const V1_ENTRY_BYTES = 48;
const V2_HEADER_BYTES = 40;
const V2_PACK_BYTES = 16;
const V2_ENTRY_BYTES = 56;
const TRAILER_BYTES = 4;
const TWO_32 = 0x1_0000_0000;

/** Image codec ids (the delta codec ids): 0 stored as is, 1 brotli, 3 LZ4 (a block with its length prepended). */
export type ImageCodec = 0 | 1 | 3;

/** The image codec of a manifest's codec byte, or null for one the format does not define. */
function imageCodecOf(codec: number): ImageCodec | null {
  return codec === 0 || codec === 1 || codec === 3 ? codec : null;
}

/** Location codes shared by the manifest and the store record. */
export const LOCATION_CODES: readonly PageLocation[] = ['cpu', 'shared', 'mapped', 'gpu'];

/** The code of `location` in the manifest and the store record. */
export function locationCode(location: PageLocation): number {
  return LOCATION_CODES.indexOf(location);
}

/** One page of a manifest. */
export interface ManifestEntry {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
  /** Epoch of the commit that created the page. */
  readonly createdEpoch: number;
  /** Epoch of the page's last change at the checkpoint's epoch (format 1: with `id`, the image's name). */
  readonly epoch: number;
  readonly codec: ImageCodec;
  /** The epoch of the pack holding the image; null: a format-1 image file of its own. */
  readonly pack: number | null;
  /** Offset of the image in its pack (0 for an image file). */
  readonly offset: number;
  /** Bytes of the image. */
  readonly storedBytes: number;
  /** CRC32C of the image's bytes. */
  readonly storedCrc: number;
  /** CRC32C of the page's bytes (the image once decompressed). */
  readonly rawCrc: number;
}

/** A pack a manifest references: its epoch (its name) and its length in bytes. */
export interface PackRef {
  readonly epoch: number;
  readonly bytes: number;
}

/** A decoded manifest. */
export interface Manifest {
  /** The format it was read in (or is written in). */
  readonly format: 1 | 2;
  readonly epoch: number;
  /** Packs the entries reference, ascending epoch (empty in format 1). */
  readonly packs: readonly PackRef[];
  /** Entries sorted by page id. */
  readonly entries: readonly ManifestEntry[];
}

function epochHex(epoch: number): string {
  return epoch.toString(16).padStart(16, '0');
}

/** File name of the manifest covering `epoch`. */
export function manifestName(epoch: number): string {
  return `${epochHex(epoch)}.ckpt`;
}

const MANIFEST_RE = /^([0-9a-f]{16})\.ckpt$/;
const PACK_RE = /^([0-9a-f]{16})\.pack$/;

/** The epoch a manifest file name stands for, or null for any other name. */
export function manifestEpoch(name: string): number | null {
  const m = MANIFEST_RE.exec(name);
  return m?.[1] === undefined ? null : Number.parseInt(m[1], 16);
}

/** File name (in `checkpoints/`) of the pack the checkpoint of `epoch` wrote. */
export function packName(epoch: number): string {
  return `${epochHex(epoch)}.pack`;
}

/** The epoch a pack file name stands for, or null for any other name. */
export function packEpoch(name: string): number | null {
  const m = PACK_RE.exec(name);
  return m?.[1] === undefined ? null : Number.parseInt(m[1], 16);
}

/** File name (under `checkpoints/images/`) of the format-1 image of page `id` as of its change at `epoch`. */
export function imageName(id: number, epoch: number): string {
  return `${id.toString(16).padStart(8, '0')}-${epochHex(epoch)}.img`;
}

function putU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % TWO_32, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

function getU64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
}

/** The first 28 bytes of a manifest entry, laid out alike in formats 1 and 2. */
interface EntryHead {
  readonly id: number;
  readonly size: number;
  /** Undefined for an unknown location code (checkEntry reports it). */
  readonly location: PageLocation | undefined;
  /** The raw codec byte (checkEntry checks it). */
  readonly codec: number;
  readonly createdEpoch: number;
  readonly epoch: number;
}

function readEntryHead(view: DataView, at: number): EntryHead {
  return {
    id: view.getUint32(at, true),
    size: view.getUint32(at + 4, true),
    location: LOCATION_CODES[view.getUint8(at + 8)],
    codec: view.getUint8(at + 9),
    createdEpoch: getU64(view, at + 12),
    epoch: getU64(view, at + 20),
  };
}

/** Writes an entry's first 28 bytes (id, size, location, codec, created epoch, epoch). */
export function writeEntryHead(view: DataView, at: number, e: ManifestEntry): void {
  view.setUint32(at, e.id, true);
  view.setUint32(at + 4, e.size, true);
  view.setUint8(at + 8, locationCode(e.location));
  view.setUint8(at + 9, e.codec);
  putU64(view, at + 12, e.createdEpoch);
  putU64(view, at + 20, e.epoch);
}

/** The header of the pack of `epoch`. */
export function encodePackHeader(epoch: number): Uint8Array {
  const out = new Uint8Array(PACK_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(PACK_MAGIC, 0);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  putU64(view, 16, epoch);
  return out;
}

/** The bytes of `manifest` in format 2 (every entry must name a pack of `manifest.packs`). */
export function encodeManifest(manifest: Omit<Manifest, 'format'>): Uint8Array {
  const n = manifest.entries.length;
  const m = manifest.packs.length;
  const index = new Map<number, number>();
  manifest.packs.forEach((p, k) => index.set(p.epoch, k));
  const out = new Uint8Array(V2_HEADER_BYTES + m * V2_PACK_BYTES + n * V2_ENTRY_BYTES + TRAILER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, 2, true);
  view.setUint32(12, 0, true);
  putU64(view, 16, manifest.epoch);
  view.setUint32(24, m, true);
  view.setUint32(28, V2_PACK_BYTES, true);
  view.setUint32(32, n, true);
  view.setUint32(36, V2_ENTRY_BYTES, true);
  let at = V2_HEADER_BYTES;
  for (const p of manifest.packs) {
    putU64(view, at, p.epoch);
    putU64(view, at + 8, p.bytes);
    at += V2_PACK_BYTES;
  }
  for (const e of manifest.entries) {
    const k = e.pack === null ? undefined : index.get(e.pack);
    if (k === undefined) throw new Error(`manifest entry of page ${e.id} names no pack of the manifest`);
    writeEntryHead(view, at, e);
    view.setUint32(at + 28, k, true);
    putU64(view, at + 32, e.offset);
    view.setUint32(at + 40, e.storedBytes, true);
    view.setUint32(at + 44, e.storedCrc, true);
    view.setUint32(at + 48, e.rawCrc, true);
    at += V2_ENTRY_BYTES;
  }
  view.setUint32(at, crc32c(out.subarray(0, at)), true);
  return out;
}

/** Checks common to both formats; a string says what is wrong with entry `k` at `at`. */
function checkEntry(e: ManifestEntry, k: number, at: number, prevId: number, epoch: number, location: PageLocation | undefined, codec: number): string | null {
  if (location === undefined || imageCodecOf(codec) === null) return `manifest entry ${k} at offset ${at}: unknown location or codec`;
  if (e.id <= prevId) return `manifest entry ${k} at offset ${at}: page ${e.id} does not follow page ${prevId}`;
  if (e.epoch > epoch || e.createdEpoch > e.epoch) return `manifest entry ${k} at offset ${at}: page ${e.id} epochs ${e.createdEpoch}/${e.epoch} exceed the manifest's ${epoch}`;
  if (e.codec === 0 && e.storedBytes !== e.size) return `manifest entry ${k} at offset ${at}: page ${e.id} of ${e.size} bytes stored as is in ${e.storedBytes}`;
  return null;
}

function decodeV1(view: DataView, end: number, epoch: number): Manifest | string {
  const n = view.getUint32(24, true);
  if (view.getUint32(28, true) !== V1_ENTRY_BYTES || V1_HEADER_BYTES + n * V1_ENTRY_BYTES !== end) {
    return `manifest says ${n} entries of ${view.getUint32(28, true)} bytes but holds ${end - V1_HEADER_BYTES} entry bytes`;
  }
  const entries: ManifestEntry[] = [];
  let at = V1_HEADER_BYTES;
  let prevId = -1;
  for (let k = 0; k < n; k++, at += V1_ENTRY_BYTES) {
    const { location, codec, ...head } = readEntryHead(view, at);
    const e: ManifestEntry = {
      ...head,
      location: location ?? 'cpu',
      codec: imageCodecOf(codec) ?? 0,
      pack: null,
      offset: 0,
      storedBytes: view.getUint32(at + 28, true),
      storedCrc: view.getUint32(at + 32, true),
      rawCrc: view.getUint32(at + 36, true),
    };
    const problem = checkEntry(e, k, at, prevId, epoch, location, codec);
    if (problem !== null) return problem;
    prevId = e.id;
    entries.push(e);
  }
  return { format: 1, epoch, packs: [], entries };
}

function decodeV2(view: DataView, end: number, epoch: number): Manifest | string {
  if (end < V2_HEADER_BYTES) return `manifest is ${end + TRAILER_BYTES} bytes, shorter than its ${V2_HEADER_BYTES + TRAILER_BYTES}-byte frame`;
  const m = view.getUint32(24, true);
  const n = view.getUint32(32, true);
  const packSize = view.getUint32(28, true);
  const entrySize = view.getUint32(36, true);
  if (packSize !== V2_PACK_BYTES || entrySize !== V2_ENTRY_BYTES || V2_HEADER_BYTES + m * V2_PACK_BYTES + n * V2_ENTRY_BYTES !== end) {
    return `manifest says ${m} packs of ${packSize} bytes and ${n} entries of ${entrySize} bytes but holds ${end - V2_HEADER_BYTES} table bytes`;
  }
  const packs: PackRef[] = [];
  let at = V2_HEADER_BYTES;
  for (let k = 0; k < m; k++, at += V2_PACK_BYTES) {
    const p = { epoch: getU64(view, at), bytes: getU64(view, at + 8) };
    if (p.epoch > epoch || (k > 0 && p.epoch <= (packs[k - 1] as PackRef).epoch)) return `manifest pack ${k} at offset ${at}: epoch ${p.epoch} is out of order or after the manifest's ${epoch}`;
    if (p.bytes < PACK_HEADER_BYTES) return `manifest pack ${k} at offset ${at}: ${p.bytes} bytes, shorter than a pack header`;
    packs.push(p);
  }
  const entries: ManifestEntry[] = [];
  let prevId = -1;
  for (let k = 0; k < n; k++, at += V2_ENTRY_BYTES) {
    const { location, codec, ...head } = readEntryHead(view, at);
    const pack = packs[view.getUint32(at + 28, true)];
    const e: ManifestEntry = {
      ...head,
      location: location ?? 'cpu',
      codec: imageCodecOf(codec) ?? 0,
      pack: pack?.epoch ?? null,
      offset: getU64(view, at + 32),
      storedBytes: view.getUint32(at + 40, true),
      storedCrc: view.getUint32(at + 44, true),
      rawCrc: view.getUint32(at + 48, true),
    };
    const problem = checkEntry(e, k, at, prevId, epoch, location, codec);
    if (problem !== null) return problem;
    if (pack === undefined) return `manifest entry ${k} at offset ${at}: pack index ${view.getUint32(at + 28, true)} is not one of its ${m} packs`;
    if (e.offset < PACK_HEADER_BYTES || e.offset + e.storedBytes > pack.bytes) {
      return `manifest entry ${k} at offset ${at}: page ${e.id}'s image at ${e.offset}..${e.offset + e.storedBytes} lies outside pack ${packName(pack.epoch)} of ${pack.bytes} bytes`;
    }
    prevId = e.id;
    entries.push(e);
  }
  return { format: 2, epoch, packs, entries };
}

/**
 * The manifest in `bytes` (format 1 or 2), or why it is not one (a string naming the offset):
 * checked against its CRC32C first, so a flipped bit anywhere reports as the checksum failure it is.
 */
export function decodeManifest(bytes: Uint8Array): Manifest | string {
  if (bytes.byteLength < V1_HEADER_BYTES + TRAILER_BYTES) return `manifest is ${bytes.byteLength} bytes, shorter than its ${V1_HEADER_BYTES + TRAILER_BYTES}-byte frame`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength - TRAILER_BYTES;
  const stored = view.getUint32(end, true);
  const actual = crc32c(bytes.subarray(0, end));
  if (stored !== actual) return `manifest CRC32C at offset ${end} is 0x${stored.toString(16)}, its bytes give 0x${actual.toString(16)}`;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return 'manifest magic at offset 0 is not "MMSBCKPT"';
  const version = view.getUint32(8, true);
  const epoch = getU64(view, 16);
  if (version === 1) return decodeV1(view, end, epoch);
  if (version === 2) return decodeV2(view, end, epoch);
  return `manifest format version ${version} at offset 8, this code reads 1 and ${CHECKPOINT_FORMAT_VERSION}`;
}
