import { afterEach, describe, expect, test } from 'vitest';
import { compressDelta, decodeDeltaBatch, decompressDelta, denseDelta, encodeDeltaBatch, openStore, replayStore } from '../../src/index.js';
import { lz4Available, setLz4BindingForTests, storeCodec } from '../../src/delta/codec.js';
import { decodeManifest } from '../../src/checkpoint/format.js';
import { readFileSync } from 'node:fs';
import { refusal, tempDir } from '../store/support.js';

/** A page that compresses (runs of one byte) but is not trivial. */
function compressible(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i >> 6) & 0xff;
  return out;
}

/** The codec byte of a store record's delta batch frame (after the 8-byte record header). */
function batchCodec(payload: Uint8Array): number {
  return payload[8 + 2] ?? -1;
}

afterEach(() => setLz4BindingForTests(undefined));

describe('the LZ4 codec (lz4-napi) and its fallback', () => {
  test('loads here, and the store writes it', () => {
    expect(lz4Available()).toBe(true);
    expect(storeCodec()).toBe('lz4');
  });

  test('an LZ4 batch frame carries codec 3 and decodes to the same deltas', () => {
    const raw = compressible(8192);
    const bytes = encodeDeltaBatch([denseDelta(1, raw)], { compression: 'lz4' });
    expect(bytes[2]).toBe(3);
    expect(bytes.length).toBeLessThan(2048);
    const [back] = decodeDeltaBatch(bytes);
    expect(back).toMatchObject({ kind: 'dense', pageId: 1, bytes: raw });
  });

  test('a wrong length before the LZ4 block is DELTA_CORRUPT before anything is decompressed', () => {
    const c = compressDelta(denseDelta(1, compressible(4096)), 'lz4');
    const bytes = c.bytes.slice();
    bytes[3] = 0x7f;
    expect(() => decompressDelta({ ...c, bytes })).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT' }));
    expect(() => decompressDelta({ ...c, bytes: c.bytes.subarray(0, 3) })).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT' }));
    const flipped = c.bytes.slice();
    flipped[10] = (flipped[10] ?? 0) ^ 0x40;
    expect(() => decompressDelta({ ...c, bytes: flipped })).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT' }));
  });

  test('without the binding, asking for LZ4 is CODEC_UNAVAILABLE and the store falls back to brotli', () => {
    setLz4BindingForTests(null);
    expect(lz4Available()).toBe(false);
    expect(storeCodec()).toBe('brotli');
    expect(() => compressDelta(denseDelta(1, compressible(1024)), 'lz4')).toThrow(expect.objectContaining({ code: 'CODEC_UNAVAILABLE' }));
  });

  test('a store written with brotli (older stores, or no binding) opens and replays with LZ4 loaded, and the other way round refuses with CODEC_UNAVAILABLE', async () => {
    const t = tempDir();
    try {
      setLz4BindingForTests(null);
      const s = await openStore({ dir: t.dir, durability: 'none' });
      const { id } = await s.createPage({ size: 8192 });
      const r1 = await s.update(id, compressible(8192));
      await s.checkpoint();
      const digestBrotli = await s.digest();
      await s.close();
      setLz4BindingForTests(undefined);
      const again = await openStore({ dir: t.dir, durability: 'none' });
      expect(await again.digest()).toBe(digestBrotli);
      // Now an LZ4 record and an LZ4 checkpoint image.
      const next = compressible(8192).map((b) => b ^ 0x11);
      await again.update(id, next);
      const ckpt = await again.checkpoint();
      const m = decodeManifest(readFileSync(ckpt.path));
      if (typeof m === 'string') throw new Error(m);
      expect(m.entries[0]?.codec).toBe(3);
      const digestLz4 = await again.digest();
      await again.close();
      expect(r1.recordBytes).toBeLessThan(4096);
      expect((await replayStore(t.dir)).digest).toBe(digestLz4);
      setLz4BindingForTests(null);
      const refused = await refusal(() => openStore({ dir: t.dir, durability: 'none' }));
      expect(refused).toMatchObject({ code: 'CODEC_UNAVAILABLE' });
      expect(await refusal(() => replayStore(t.dir))).toMatchObject({ code: 'CODEC_UNAVAILABLE' });
    } finally {
      t.remove();
    }
  });

  test('store records are LZ4-compressed where it pays', async () => {
    const t = tempDir();
    try {
      const s = await openStore({ dir: t.dir, durability: 'none' });
      const { id } = await s.createPage({ size: 8192 });
      const r = await s.update(id, compressible(8192));
      expect(r.recordBytes).toBeLessThan(2048);
      await s.close();
      const { readdirSync } = await import('node:fs');
      const seg = readdirSync(`${t.dir}/tlog`).find((n) => /^[0-9a-f]{16}\.log$/.test(n));
      const data = readFileSync(`${t.dir}/tlog/${String(seg)}`);
      // The second record (the update) follows the segment header and the creation's frame.
      const first = data.readUInt32LE(40 + 4);
      const at = 40 + 32 + first + 32;
      expect(batchCodec(data.subarray(at))).toBe(3);
    } finally {
      t.remove();
    }
  });
});
