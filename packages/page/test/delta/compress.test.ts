import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { compressDelta, decompressDelta, denseDelta, sparseDelta } from '../../src/index.js';
import type { CompressedDelta } from '../../src/index.js';
import { arbScenario, fields } from './arbitraries.js';

describe('compressDelta and decompressDelta', () => {
  test('law: decompress(compress(d)) = d, with every codec', () => {
    fc.assert(
      fc.property(arbScenario(1), fc.constantFrom('lz4' as const, 'brotli' as const, 'deflate-raw' as const), ({ deltas: [d] }, codec) => {
        if (d === undefined) return;
        const plain = decompressDelta(d);
        const c = compressDelta(d, codec);
        expect(c.kind).toBe('compressed');
        expect(c.codec).toBe(codec);
        expect(fields(decompressDelta(c))).toEqual(fields(plain));
      }),
    );
  });

  test('shrinks a compressible dense page', () => {
    const c = compressDelta(denseDelta(1, new Uint8Array(4096).fill(7)));
    expect(c.bytes.length).toBeLessThan(100);
    expect(c.rawLength).toBeGreaterThan(4096);
  });

  describe('detects corruption inside the compressed bytes (DELTA_CORRUPT) and leaves the delta unchanged', () => {
    const good = compressDelta(denseDelta(1, new Uint8Array(256).fill(1)), 'deflate-raw');
    const cases: [string, () => CompressedDelta][] = [
      ['a flipped bit in the compressed bytes', () => {
        const bytes = good.bytes.slice();
        bytes[1] = (bytes[1] ?? 0) ^ 0x10;
        return { ...good, bytes };
      }],
      ['truncated compressed bytes', () => ({ ...good, bytes: good.bytes.slice(0, -2) })],
      ['a wrong raw length', () => ({ ...good, rawLength: good.rawLength - 1 })],
      ['a wrong raw CRC', () => ({ ...good, rawCrc: good.rawCrc ^ 1 })],
      ['another codec', () => ({ ...good, codec: 'brotli' })],
      ['another page id', () => ({ ...good, pageId: 2 })],
    ];
    test.each(cases)('%s', (_name, make) => {
      const c = make();
      const snap = fields(c);
      expect(() => decompressDelta(c)).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT' }));
      expect(fields(c)).toEqual(snap);
    });
  });

  test('refuses an unknown codec or malformed fields (INVALID_ARGUMENT)', () => {
    const d = sparseDelta(1, 8, []);
    expect(() => compressDelta(d, 'zstd' as 'brotli')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const c = compressDelta(d);
    expect(() => decompressDelta({ ...c, codec: 'zstd' as 'brotli' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => decompressDelta({ ...c, rawLength: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => decompressDelta({ ...c, bytes: null as unknown as Uint8Array })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
