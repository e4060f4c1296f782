import { crc32c } from '@mmsb/native';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import {
  applyDelta,
  COMPRESS_MIN_BYTES,
  compressDelta,
  decodeDelta,
  decodeDeltaBatch,
  DELTA_FORMAT_VERSION,
  denseDelta,
  emptyDelta,
  encodeDelta,
  encodeDeltaBatch,
  sparseDelta,
} from '../../src/index.js';
import type { Delta, DeltaEncodeOptions } from '../../src/index.js';
import { decodeDeltaBatchViews } from '../../src/delta/encoding.js';
import { arbScenario, fields, rawSparse } from './arbitraries.js';

const OPTIONS: DeltaEncodeOptions[] = [{ compression: 'none' }, { compression: 'brotli' }, { compression: 'deflate-raw' }, {}];

/** Deltas of every kind, and the bound ones `applyDelta` returns. */
const arbAnyDelta: fc.Arbitrary<Delta> = arbScenario(1).map(({ deltas: [d] }) => d ?? emptyDelta(0, 0)).chain((d) =>
  fc.constantFrom<Delta>(d, applyDelta(new Uint8Array(d.size), d)),
);

const arbBatch: fc.Arbitrary<Delta[]> = fc.array(arbAnyDelta, { maxLength: 6 });

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error && 'code' in e ? String(e.code) : `not a PageError: ${String(e)}`;
  }
  return 'no error';
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >>> 3] = (out[bit >>> 3] ?? 0) ^ (1 << (bit & 7));
  return out;
}

/** A frame of `type` around `body`, uncompressed, with a correct CRC: garbage that passes the checksum. */
function frameOf(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + 4);
  const view = new DataView(out.buffer);
  out.set([DELTA_FORMAT_VERSION, type, 0, 0]);
  view.setUint32(4, body.length, true);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32c(out.subarray(0, 8 + body.length)), true);
  return out;
}

describe('encodeDelta and decodeDelta', () => {
  test('law: decode(encode(d)) = d for every kind, compression on or off', () => {
    fc.assert(
      fc.property(arbAnyDelta, (d) => {
        for (const options of OPTIONS) expect(fields(decodeDelta(encodeDelta(d, options)))).toEqual(fields(d));
      }),
    );
  });

  test('law: any single bit flip or truncation of an encoded delta is DELTA_CORRUPT', () => {
    fc.assert(
      fc.property(arbAnyDelta, fc.constantFrom(...OPTIONS), fc.nat(), fc.nat(), (d, options, bitSeed, cutSeed) => {
        const bytes = encodeDelta(d, options);
        expect(codeOf(() => decodeDelta(flipBit(bytes, bitSeed % (bytes.length * 8))))).toBe('DELTA_CORRUPT');
        expect(codeOf(() => decodeDelta(bytes.subarray(0, cutSeed % bytes.length)))).toBe('DELTA_CORRUPT');
      }),
    );
  });

  test('every bit flip and every truncation of small encodings is DELTA_CORRUPT, as is an extra byte', () => {
    const deltas: Delta[] = [
      emptyDelta(1, 0),
      sparseDelta(7, 4096, [{ offset: 4095, bytes: Uint8Array.of(1) }, { offset: 0, bytes: Uint8Array.of(2, 3) }]),
      applyDelta(new Uint8Array(3), denseDelta(2, Uint8Array.of(1, 2, 3))),
      compressDelta(denseDelta(3, new Uint8Array(64).fill(9))),
      applyDelta(new Uint8Array(1024), denseDelta(4, new Uint8Array(1024).fill(5))),
      applyDelta(new Uint8Array(16), sparseDelta(5, 16, [{ offset: 3, bytes: Uint8Array.of(1, 2) }, { offset: 9, bytes: Uint8Array.of(3) }])),
    ];
    for (const d of deltas) {
      for (const options of OPTIONS) {
        const bytes = encodeDelta(d, options);
        for (let bit = 0; bit < bytes.length * 8; bit++) expect(codeOf(() => decodeDelta(flipBit(bytes, bit)))).toBe('DELTA_CORRUPT');
        for (let cut = 0; cut < bytes.length; cut++) expect(codeOf(() => decodeDelta(bytes.subarray(0, cut)))).toBe('DELTA_CORRUPT');
        const longer = new Uint8Array(bytes.length + 1);
        longer.set(bytes);
        expect(codeOf(() => decodeDelta(longer))).toBe('DELTA_CORRUPT');
      }
    }
  });

  test('encodes a sparse delta byte for byte as docs/formats/delta.md describes', () => {
    const d = applyDelta(Uint8Array.of(0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5), sparseDelta(0x0102, 6, [{ offset: 4, bytes: Uint8Array.of(0xee, 0xff) }]));
    const bytes = encodeDelta(d);
    const body = [1, 1, 0x02, 0x01, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 0xee, 0xff, 0xa4, 0xa5];
    const head = [1, 1, 0, 0, body.length, 0, 0, 0];
    const crc = crc32c(Uint8Array.from([...head, ...body]));
    expect([...bytes]).toEqual([...head, ...body, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]);
  });

  test('an all-zero before-image is stored as flag 2, byte for byte as docs/formats/delta.md describes', () => {
    const d = applyDelta(new Uint8Array(6), sparseDelta(0x0102, 6, [{ offset: 4, bytes: Uint8Array.of(0xee, 0xff) }]));
    const bytes = encodeDelta(d);
    const body = [1, 2, 0x02, 0x01, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 0xee, 0xff];
    const head = [1, 1, 0, 0, body.length, 0, 0, 0];
    const crc = crc32c(Uint8Array.from([...head, ...body]));
    expect([...bytes]).toEqual([...head, ...body, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24]);
    expect(fields(decodeDelta(bytes))).toEqual(fields(d));
    const dense = applyDelta(new Uint8Array(4096), denseDelta(7, new Uint8Array(4096).fill(3)));
    const encoded = encodeDelta(dense, { compression: 'none' });
    expect(encoded.length).toBe(8 + 10 + 4096 + 4);
    expect(encoded[8 + 1]).toBe(2);
    const back = decodeDelta(encoded);
    expect(back.kind === 'dense' && back.before).toEqual(new Uint8Array(4096));
    expect(fields(back)).toEqual(fields(dense));
    // A before-image with a non-zero byte anywhere keeps its bytes (flag 1).
    const page = new Uint8Array(4096);
    page[4095] = 1;
    expect(encodeDelta(applyDelta(page, denseDelta(7, new Uint8Array(4096))), { compression: 'none' })[8 + 1]).toBe(1);
  });

  test('frames written with flag 1 for an all-zero before-image (before flag 2 existed) still decode', () => {
    const dense = [2, 1, 9, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0];
    expect(fields(decodeDelta(frameOf(1, Uint8Array.from(dense))))).toEqual(
      fields({ kind: 'dense', pageId: 9, size: 4, bytes: Uint8Array.of(1, 2, 3, 4), before: new Uint8Array(4) }),
    );
    const sparse = [1, 1, 9, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 7, 8, 9, 0, 0, 0];
    const expected = applyDelta(new Uint8Array(8), sparseDelta(9, 8, [{ offset: 2, bytes: Uint8Array.of(7, 8, 9) }]));
    expect(fields(decodeDelta(frameOf(1, Uint8Array.from(sparse))))).toEqual(fields(expected));
    // The same delta written today is 3 bytes shorter and decodes to the same value.
    expect(encodeDelta(expected, { compression: 'none' }).length).toBe(frameOf(1, Uint8Array.from(sparse)).length - 3);
    const batch = encodeDeltaBatch([expected]);
    expect(decodeDeltaBatch(batch).map(fields)).toEqual([fields(expected)]);
  });

  test('views decoding supplies the zero before-image on demand', () => {
    const dense = applyDelta(new Uint8Array(64), denseDelta(1, new Uint8Array(64).fill(4)));
    const sparse = applyDelta(new Uint8Array(32), sparseDelta(2, 32, [{ offset: 30, bytes: Uint8Array.of(5, 6) }]));
    const decoded = decodeDeltaBatchViews(encodeDeltaBatch([dense, sparse], { compression: 'none' }));
    expect(decoded.map(fields)).toEqual([fields(dense), fields(sparse)]);
    const [d] = decoded;
    expect(d?.kind === 'dense' && d.before).toEqual(new Uint8Array(64));
  });

  test('the decoded delta owns its memory: reusing the input buffer does not change it', () => {
    const d = sparseDelta(1, 8, [{ offset: 2, bytes: Uint8Array.of(1, 2, 3) }]);
    const bytes = encodeDelta(d);
    const decoded = decodeDelta(bytes);
    bytes.fill(0);
    expect(fields(decoded)).toEqual(fields(d));
  });

  test('content that passes the checksum but breaks the layout is DELTA_CORRUPT naming what is wrong', () => {
    const cases: [number[], RegExp][] = [
      [[9, 0, 1, 0, 0, 0, 8, 0, 0, 0], /unknown delta kind 9/],
      [[2, 4, 1, 0, 0, 0, 1, 0, 0, 0, 7], /flag bits/],
      [[2, 3, 1, 0, 0, 0, 1, 0, 0, 0, 7], /flag bits 0x3/],
      [[2, 2, 1, 0, 0, 0, 1, 0, 0, 0, 7, 0], /1 bytes follow the delta record/],
      [[3, 2, 1, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /flag bits 0x2/],
      [[1, 0, 1, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3], /run 0 at offset 6 length 3 exceeds page 1 of 8 bytes/],
      [[1, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], /truncated .*run headers/],
      [[2, 1, 1, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7], /truncated dense delta/],
      [[1, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 99], /1 bytes follow the delta record/],
      [[3, 0, 1, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /unknown codec 7/],
    ];
    for (const [body, message] of cases) {
      expect(() => decodeDelta(frameOf(1, Uint8Array.from(body)))).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(message) }));
    }
    const versioned = encodeDelta(emptyDelta(1, 1));
    versioned[0] = 2;
    expect(() => decodeDelta(versioned)).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(/format version 2/) }));
    expect(() => decodeDelta(encodeDeltaBatch([]))).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(/a batch/) }));
    expect(() => decodeDeltaBatch(encodeDelta(emptyDelta(1, 1)))).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(/one delta/) }));
  });

  test('refuses invalid deltas with the codes of the other operations, and non-bytes to decode', () => {
    const outOfRange = rawSparse(1, 4, [{ offset: 3, bytes: Uint8Array.of(1, 2) }]);
    const snap = fields(outOfRange);
    expect(codeOf(() => encodeDelta(outOfRange))).toBe('DELTA_OUT_OF_RANGE');
    expect(fields(outOfRange)).toEqual(snap);
    expect(codeOf(() => encodeDelta({ ...outOfRange, pageId: Number.NaN }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encodeDelta(emptyDelta(1, 1), { compression: 'gzip' as 'brotli' }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => decodeDelta('bytes' as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => decodeDeltaBatch(null as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
  });
});

describe('encodeDeltaBatch and decodeDeltaBatch', () => {
  test('law: decodeBatch(encodeBatch(ds)) = ds, in order, compression on or off', () => {
    fc.assert(
      fc.property(arbBatch, (ds) => {
        const expected = ds.map(fields);
        for (const options of OPTIONS) expect(decodeDeltaBatch(encodeDeltaBatch(ds, options)).map(fields)).toEqual(expected);
      }),
    );
  });

  test('law: any single bit flip or truncation of an encoded batch is DELTA_CORRUPT', () => {
    fc.assert(
      fc.property(arbBatch, fc.constantFrom(...OPTIONS), fc.nat(), fc.nat(), (ds, options, bitSeed, cutSeed) => {
        const bytes = encodeDeltaBatch(ds, options);
        expect(codeOf(() => decodeDeltaBatch(flipBit(bytes, bitSeed % (bytes.length * 8))))).toBe('DELTA_CORRUPT');
        expect(codeOf(() => decodeDeltaBatch(bytes.subarray(0, cutSeed % bytes.length)))).toBe('DELTA_CORRUPT');
      }),
    );
  });

  test('every bit flip of a compressed batch is DELTA_CORRUPT', () => {
    const page = new Float32Array(1024).map((_, i) => i * 0.5);
    const next = page.slice();
    for (let i = 0; i < next.length; i += 16) next[i] = (next[i] ?? 0) + 0.25;
    const s = new Uint8Array(page.buffer);
    const d = applyDelta(s.slice(), sparseDelta(1, s.length, []));
    const bound = applyDelta(s.slice(), denseDelta(2, new Uint8Array(next.buffer)));
    const bytes = encodeDeltaBatch([d, bound], { compression: 'brotli' });
    expect(bytes[2]).toBe(1);
    for (let bit = 0; bit < bytes.length * 8; bit += 3) expect(codeOf(() => decodeDeltaBatch(flipBit(bytes, bit)))).toBe('DELTA_CORRUPT');
  });

  test('compresses only where it pays: not below COMPRESS_MIN_BYTES, not when incompressible, yes for simulation state', () => {
    const small = encodeDeltaBatch([sparseDelta(1, 4096, [{ offset: 0, bytes: new Uint8Array(COMPRESS_MIN_BYTES - 100) }])]);
    expect(small[2]).toBe(0);
    let x = 1;
    const noise = Uint8Array.from({ length: 8192 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
    expect(encodeDeltaBatch([denseDelta(1, noise)])[2]).toBe(0);
    // Particles: x, y, z, vx, vy, vz as float32; every 8th particle moved a little.
    const state = new Float32Array(6 * 2048).map((_, i) => Math.sin(i) * 100);
    const before = new Uint8Array(state.buffer.slice(0));
    for (let p = 0; p < 2048; p += 8) for (let k = 0; k < 3; k++) state[p * 6 + k] = (state[p * 6 + k] ?? 0) + 0.01;
    const deltas = [applyDelta(before.slice(), sparseDelta(1, before.length, [])), applyDelta(before, denseDelta(1, new Uint8Array(state.buffer)))];
    const raw = encodeDeltaBatch(deltas, { compression: 'none' });
    const packed = encodeDeltaBatch(deltas);
    expect(packed[2]).toBe(1);
    expect(packed.length).toBeLessThan(raw.length * 0.9);
    expect(decodeDeltaBatch(packed).map(fields)).toEqual(deltas.map(fields));
  });

  test('a count the body cannot hold, or bytes after the last delta, is DELTA_CORRUPT', () => {
    expect(() => decodeDeltaBatch(frameOf(2, Uint8Array.of(0xff, 0xff, 0, 0)))).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(/65535 deltas/) }));
    expect(() => decodeDeltaBatch(frameOf(2, Uint8Array.of(0, 0, 0, 0, 1)))).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(/1 bytes follow/) }));
    expect(() => decodeDeltaBatch(frameOf(2, Uint8Array.of(0, 0)))).toThrow(expect.objectContaining({ code: 'DELTA_CORRUPT', message: expect.stringMatching(/count needs 4/) }));
  });

  test('refuses a non-array or an invalid delta in it, naming the function', () => {
    expect(codeOf(() => encodeDeltaBatch('x' as unknown as Delta[]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encodeDeltaBatch([emptyDelta(1, 4), rawSparse(1, 4, [{ offset: 5, bytes: new Uint8Array(0) }])]))).toBe('DELTA_OUT_OF_RANGE');
  });
});
