/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index arrays and maps they just filled */
import { describe, expect, it } from 'vitest';
import {
  NO_NEXT_PAGE,
  REGISTRY_HEADER_BYTES,
  encodeHeader,
  entryLength,
  findRegistry,
  keyBytes,
  readEntries,
  readHeader,
  writeEntry,
} from '../../../src/derived/internal/registry-format.js';

function registryPage(pageId: number, index: number, next: number, entries: { key: string; pageId: number; size: number; inputs: number[] }[], size = 256): Uint8Array {
  const page = new Uint8Array(size);
  let at = REGISTRY_HEADER_BYTES;
  for (const e of entries) at += writeEntry(page, at, e.pageId, e.size, keyBytes(e.key), e.inputs);
  page.set(encodeHeader({ index, pageId, next, used: at - REGISTRY_HEADER_BYTES, count: entries.length }));
  return page;
}

describe('registry format', () => {
  it('round-trips entries with multi-byte keys, repeated inputs and padding', () => {
    const entries = [
      { key: 'σ-sum', pageId: 7, size: 64, inputs: [1, 2, 2] },
      { key: 'k', pageId: 0xffff_fffe, size: 1, inputs: [] },
    ];
    const page = registryPage(3, 0, NO_NEXT_PAGE, entries);
    const header = readHeader(page, 3);
    expect(header).toEqual({ index: 0, pageId: 3, next: NO_NEXT_PAGE, used: entryLength(6, 3) + entryLength(1, 0), count: 2 });
    expect(entryLength(6, 3) % 4).toBe(0);
    expect(readEntries(page, header!)).toEqual(entries);
  });

  it('does not take a page for a registry unless magic, version, own id and CRC all hold', () => {
    const page = registryPage(3, 0, NO_NEXT_PAGE, []);
    expect(readHeader(page, 4)).toBeNull();
    const flipped = page.slice();
    flipped[20]! ^= 1;
    expect(readHeader(flipped, 3)).toBeNull();
    expect(readHeader(new Uint8Array(16), 3)).toBeNull();
    expect(findRegistry([1, 2], () => new Uint8Array(64))).toBeNull();
  });

  it('follows the chain from the one root and refuses two roots or a broken link', () => {
    const pages = new Map([
      [5, registryPage(5, 0, 9, [{ key: 'a', pageId: 1, size: 8, inputs: [0] }])],
      [9, registryPage(9, 1, NO_NEXT_PAGE, [{ key: 'b', pageId: 2, size: 8, inputs: [1] }])],
    ]);
    const found = findRegistry(pages.keys(), (id) => pages.get(id));
    expect(found?.chain.map((h) => h.pageId)).toEqual([5, 9]);
    expect(found?.entries.map((e) => e.key)).toEqual(['a', 'b']);
    pages.set(11, registryPage(11, 0, NO_NEXT_PAGE, []));
    expect(() => findRegistry(pages.keys(), (id) => pages.get(id))).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
    pages.delete(11);
    pages.set(9, new Uint8Array(256));
    expect(() => findRegistry(pages.keys(), (id) => pages.get(id))).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
  });

  it('refuses entries that do not parse as the header says', () => {
    const page = registryPage(3, 0, NO_NEXT_PAGE, [{ key: 'a', pageId: 1, size: 8, inputs: [0] }]);
    const header = readHeader(page, 3)!;
    expect(() => readEntries(page, { ...header, count: 2 })).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
    const badKind = page.slice();
    badKind[REGISTRY_HEADER_BYTES] = 9;
    expect(() => readEntries(badKind, header)).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
    const badUtf8 = page.slice();
    badUtf8[REGISTRY_HEADER_BYTES + 16] = 0xff;
    expect(() => readEntries(badUtf8, header)).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
    expect(() => readEntries(page, { ...header, used: 10 })).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
  });
});
