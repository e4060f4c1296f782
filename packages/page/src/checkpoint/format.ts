// A checkpoint's bytes on disk, byte by byte in docs/formats/checkpoint.md. A manifest names the
// epoch it covers and, per page, the image file holding the page's bytes with the image's CRC32C
// and sizes; images are named after (page id, epoch of the page's last change), so a page that
// did not change between two checkpoints has one image both manifests reference.
import { crc32c } from '@mmsb/native';
import type { PageLocation } from '../store/api.js';

/** Manifest format version written, and the only one read. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** "MMSBCKPT": the first 8 bytes of a manifest. */
const MAGIC = new Uint8Array([0x4d, 0x4d, 0x53, 0x42, 0x43, 0x4b, 0x50, 0x54]);
const HEADER_BYTES = 32;
const ENTRY_BYTES = 48;
const TRAILER_BYTES = 4;
const TWO_32 = 0x1_0000_0000;

/** Image codec ids: 0 stored as is, 1 brotli. */
export type ImageCodec = 0 | 1;

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
  /** Epoch of the page's last change at the checkpoint's epoch: with `id`, the image's name. */
  readonly epoch: number;
  readonly codec: ImageCodec;
  /** Bytes of the image file. */
  readonly storedBytes: number;
  /** CRC32C of the image file's bytes. */
  readonly storedCrc: number;
  /** CRC32C of the page's bytes (the image once decompressed). */
  readonly rawCrc: number;
}

/** A decoded manifest. */
export interface Manifest {
  readonly epoch: number;
  /** Entries sorted by page id. */
  readonly entries: readonly ManifestEntry[];
}

/** File name of the manifest covering `epoch`. */
export function manifestName(epoch: number): string {
  return `${epoch.toString(16).padStart(16, '0')}.ckpt`;
}

const MANIFEST_RE = /^([0-9a-f]{16})\.ckpt$/;

/** The epoch a manifest file name stands for, or null for any other name. */
export function manifestEpoch(name: string): number | null {
  const m = MANIFEST_RE.exec(name);
  return m?.[1] === undefined ? null : Number.parseInt(m[1], 16);
}

/** File name (under `checkpoints/images/`) of the image of page `id` as of its change at `epoch`. */
export function imageName(id: number, epoch: number): string {
  return `${id.toString(16).padStart(8, '0')}-${epoch.toString(16).padStart(16, '0')}.img`;
}

function putU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % TWO_32, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

function getU64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * TWO_32 + view.getUint32(at, true);
}

/** The bytes of `manifest`. */
export function encodeManifest(manifest: Manifest): Uint8Array {
  const n = manifest.entries.length;
  const out = new Uint8Array(HEADER_BYTES + n * ENTRY_BYTES + TRAILER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  putU64(view, 16, manifest.epoch);
  view.setUint32(24, n, true);
  view.setUint32(28, ENTRY_BYTES, true);
  let at = HEADER_BYTES;
  for (const e of manifest.entries) {
    view.setUint32(at, e.id, true);
    view.setUint32(at + 4, e.size, true);
    view.setUint8(at + 8, locationCode(e.location));
    view.setUint8(at + 9, e.codec);
    view.setUint16(at + 10, 0, true);
    putU64(view, at + 12, e.createdEpoch);
    putU64(view, at + 20, e.epoch);
    view.setUint32(at + 28, e.storedBytes, true);
    view.setUint32(at + 32, e.storedCrc, true);
    view.setUint32(at + 36, e.rawCrc, true);
    view.setUint32(at + 40, 0, true);
    view.setUint32(at + 44, 0, true);
    at += ENTRY_BYTES;
  }
  view.setUint32(at, crc32c(out.subarray(0, at)), true);
  return out;
}

/**
 * The manifest in `bytes`, or why it is not one (a string naming the offset): checked against its
 * CRC32C first, so a flipped bit anywhere reports as the checksum failure it is.
 */
export function decodeManifest(bytes: Uint8Array): Manifest | string {
  if (bytes.byteLength < HEADER_BYTES + TRAILER_BYTES) return `manifest is ${bytes.byteLength} bytes, shorter than its ${HEADER_BYTES + TRAILER_BYTES}-byte frame`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength - TRAILER_BYTES;
  const stored = view.getUint32(end, true);
  const actual = crc32c(bytes.subarray(0, end));
  if (stored !== actual) return `manifest CRC32C at offset ${end} is 0x${stored.toString(16)}, its bytes give 0x${actual.toString(16)}`;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return 'manifest magic at offset 0 is not "MMSBCKPT"';
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_FORMAT_VERSION) return `manifest format version ${version} at offset 8, this code reads ${CHECKPOINT_FORMAT_VERSION}`;
  const n = view.getUint32(24, true);
  if (view.getUint32(28, true) !== ENTRY_BYTES || HEADER_BYTES + n * ENTRY_BYTES !== end) {
    return `manifest says ${n} entries of ${view.getUint32(28, true)} bytes but holds ${end - HEADER_BYTES} entry bytes`;
  }
  const epoch = getU64(view, 16);
  const entries: ManifestEntry[] = [];
  let at = HEADER_BYTES;
  let prevId = -1;
  for (let k = 0; k < n; k++, at += ENTRY_BYTES) {
    const id = view.getUint32(at, true);
    const location = LOCATION_CODES[view.getUint8(at + 8)];
    const codec = view.getUint8(at + 9);
    const e: ManifestEntry = {
      id,
      size: view.getUint32(at + 4, true),
      location: location ?? 'cpu',
      codec: codec === 1 ? 1 : 0,
      createdEpoch: getU64(view, at + 12),
      epoch: getU64(view, at + 20),
      storedBytes: view.getUint32(at + 28, true),
      storedCrc: view.getUint32(at + 32, true),
      rawCrc: view.getUint32(at + 36, true),
    };
    if (location === undefined || codec > 1) return `manifest entry ${k} at offset ${at}: unknown location or codec`;
    if (id <= prevId) return `manifest entry ${k} at offset ${at}: page ${id} does not follow page ${prevId}`;
    if (e.epoch > epoch || e.createdEpoch > e.epoch) return `manifest entry ${k} at offset ${at}: page ${id} epochs ${e.createdEpoch}/${e.epoch} exceed the manifest's ${epoch}`;
    prevId = id;
    entries.push(e);
  }
  return { epoch, entries };
}
