// The persisted registry of derived pages: which pages are derived, by which key, from which
// inputs, in registration order. It lives in ordinary pages of the store (a chain of them), so it
// is logged, checkpointed and replayed like any other page and a replay knows the derived pages
// without user code. Byte layout: docs/formats/derived-registry.md.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { crc32c } from '@mmsb/native';
import { DerivedPageError } from '../errors.js';

/** "MMSB-DRV" in ASCII: the first 8 bytes of every registry page. */
export const REGISTRY_MAGIC = new Uint8Array([0x4d, 0x4d, 0x53, 0x42, 0x2d, 0x44, 0x52, 0x56]);
/** The registry format this code writes and reads. */
export const REGISTRY_FORMAT_VERSION = 1;
/** Bytes of a registry page's header; entries follow it. */
export const REGISTRY_HEADER_BYTES = 32;
/** `next` of the last page of the chain. */
export const NO_NEXT_PAGE = 0xffff_ffff;
/** Entry kind: a derived page registered. */
export const ENTRY_DERIVE = 1;
/** The longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** A registry page's header. */
export interface RegistryHeader {
  /** Position in the chain: 0 for the root. */
  readonly index: number;
  readonly pageId: number;
  /** The next page of the chain, or {@link NO_NEXT_PAGE}. */
  readonly next: number;
  /** Bytes of entries after the header. */
  readonly used: number;
  readonly count: number;
}

/** One registration as persisted. */
export interface RegistryEntry {
  readonly key: string;
  readonly pageId: number;
  readonly size: number;
  /** Input page ids, in the order the recompute function receives them. */
  readonly inputs: readonly number[];
}

/** A registry found in a state: its chain of pages and its entries in registration order. */
export interface FoundRegistry {
  readonly chain: readonly RegistryHeader[];
  readonly entries: readonly RegistryEntry[];
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function corrupt(message: string, cause?: unknown): DerivedPageError {
  return new DerivedPageError('REGISTRY_CORRUPT', message, cause === undefined ? {} : { cause });
}

/** The key as stored. */
export function keyBytes(key: string): Uint8Array {
  return utf8.encode(key);
}

/** Bytes one entry takes, padded to 4. */
export function entryLength(keyLength: number, inputCount: number): number {
  return (16 + keyLength + 4 * inputCount + 3) & ~3;
}

/** Writes one entry at `at` of `out` (the padding stays zero); returns the bytes written. */
export function writeEntry(out: Uint8Array, at: number, pageId: number, size: number, key: Uint8Array, inputs: readonly number[]): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(at, ENTRY_DERIVE);
  view.setUint8(at + 1, 0);
  view.setUint16(at + 2, key.length, true);
  view.setUint32(at + 4, pageId, true);
  view.setUint32(at + 8, size, true);
  view.setUint32(at + 12, inputs.length, true);
  out.set(key, at + 16);
  let p = at + 16 + key.length;
  for (const input of inputs) {
    view.setUint32(p, input, true);
    p += 4;
  }
  return entryLength(key.length, inputs.length);
}

/** The 32 header bytes of a registry page, CRC included. */
export function encodeHeader(header: RegistryHeader): Uint8Array {
  const out = new Uint8Array(REGISTRY_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(REGISTRY_MAGIC, 0);
  view.setUint16(8, REGISTRY_FORMAT_VERSION, true);
  view.setUint16(10, header.index, true);
  view.setUint32(12, header.pageId, true);
  view.setUint32(16, header.next, true);
  view.setUint32(20, header.used, true);
  view.setUint32(24, header.count, true);
  view.setUint32(28, crc32c(out.subarray(0, 28)) >>> 0, true);
  return out;
}

/**
 * The header of page `pageId` when its bytes start like a registry page of this format (magic,
 * version, its own id, a CRC that holds); null otherwise — any page may hold any bytes, and one
 * that merely starts with the magic is not taken for a registry.
 */
export function readHeader(page: Uint8Array, pageId: number): RegistryHeader | null {
  if (page.length < REGISTRY_HEADER_BYTES) return null;
  for (let i = 0; i < 8; i++) if (page[i] !== REGISTRY_MAGIC[i]) return null;
  const view = new DataView(page.buffer, page.byteOffset, REGISTRY_HEADER_BYTES);
  if (view.getUint16(8, true) !== REGISTRY_FORMAT_VERSION) return null;
  if (view.getUint32(12, true) !== pageId) return null;
  if ((crc32c(page.subarray(0, 28)) >>> 0) !== view.getUint32(28, true)) return null;
  const used = view.getUint32(20, true);
  if (REGISTRY_HEADER_BYTES + used > page.length) return null;
  return { index: view.getUint16(10, true), pageId, next: view.getUint32(16, true), used, count: view.getUint32(24, true) };
}

/** The entries of one registry page; REGISTRY_CORRUPT when they do not parse as the header says. */
export function readEntries(page: Uint8Array, header: RegistryHeader): RegistryEntry[] {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const end = REGISTRY_HEADER_BYTES + header.used;
  const entries: RegistryEntry[] = [];
  let at = REGISTRY_HEADER_BYTES;
  const where = (): string => `registry page ${header.pageId} at offset ${at}`;
  while (at < end) {
    if (at + 16 > end) throw corrupt(`${where()}: an entry header runs past the ${header.used} bytes used`);
    const kind = view.getUint8(at);
    if (kind !== ENTRY_DERIVE) throw corrupt(`${where()}: entry kind ${kind}, expected ${ENTRY_DERIVE}`);
    const keyLength = view.getUint16(at + 2, true);
    const pageId = view.getUint32(at + 4, true);
    const size = view.getUint32(at + 8, true);
    const inputCount = view.getUint32(at + 12, true);
    const length = entryLength(keyLength, inputCount);
    if (keyLength === 0 || keyLength > MAX_KEY_BYTES || at + length > end) throw corrupt(`${where()}: an entry of ${length} bytes (key ${keyLength} bytes, ${inputCount} inputs) does not fit`);
    let key: string;
    try {
      key = utf8Strict.decode(page.subarray(at + 16, at + 16 + keyLength));
    } catch (cause) {
      throw corrupt(`${where()}: the key is not UTF-8`, cause);
    }
    const inputs: number[] = new Array<number>(inputCount);
    for (let i = 0, p = at + 16 + keyLength; i < inputCount; i++, p += 4) inputs[i] = view.getUint32(p, true);
    entries.push({ key, pageId, size, inputs });
    at += length;
  }
  if (entries.length !== header.count) throw corrupt(`registry page ${header.pageId} holds ${entries.length} entries, its header says ${header.count}`);
  return entries;
}

/**
 * Finds the registry among `pageIds` (whose bytes `bytesOf` gives): the one root page (chain
 * index 0), then its chain. Null when no page is a registry root; REGISTRY_CORRUPT when two are,
 * or the chain or its entries are broken.
 */
export function findRegistry(pageIds: Iterable<number>, bytesOf: (pageId: number) => Uint8Array | undefined): FoundRegistry | null {
  let root: RegistryHeader | null = null;
  for (const id of pageIds) {
    const bytes = bytesOf(id);
    if (bytes === undefined || bytes.length < REGISTRY_HEADER_BYTES || bytes[0] !== REGISTRY_MAGIC[0]) continue;
    const header = readHeader(bytes, id);
    if (header === null || header.index !== 0) continue;
    if (root !== null) throw corrupt(`pages ${root.pageId} and ${id} are both registry roots; a store holds one registry of derived pages`);
    root = header;
  }
  if (root === null) return null;
  const chain: RegistryHeader[] = [root];
  const entries: RegistryEntry[] = [];
  let header = root;
  for (;;) {
    entries.push(...readEntries(bytesOf(header.pageId)!, header));
    if (header.next === NO_NEXT_PAGE) break;
    const bytes = bytesOf(header.next);
    const next = bytes === undefined ? null : readHeader(bytes, header.next);
    if (next === null || next.index !== header.index + 1) {
      throw corrupt(`registry page ${header.pageId} (chain index ${header.index}) names page ${header.next} as next, which is not registry page ${header.index + 1}`);
    }
    chain.push(next);
    header = next;
  }
  return { chain, entries };
}
