import { describe, expect, test } from 'vitest';
import { denseDelta } from '../../src/index.js';
import { RecordCompression, decodeStoreRecord, encodeStoreRecord } from '../../src/store/record.js';

/** `n` bytes of seeded noise (xorshift32). */
function noise(n: number, seed: number): Uint8Array {
  let s = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

/** Records which attempts it allowed. */
class CountingCompression extends RecordCompression {
  readonly tried: boolean[] = [];

  override attempt(): boolean {
    const yes = super.attempt();
    this.tried.push(yes);
    return yes;
  }
}

/** The codec byte of a record's batch frame (no creations: the frame starts at 8). */
const codecOf = (payload: Uint8Array): number => payload[8 + 2] ?? -1;

describe('store records back off compressing after records that did not compress', () => {
  test('after 8 incompressible records only every 2nd, 4th, … record is tried; the first that compresses resumes every record; every record decodes the same', () => {
    const counting = new CountingCompression();
    for (let k = 0; k < 20; k++) {
      const page = noise(4096, k + 1);
      const payload = encodeStoreRecord([], [denseDelta(1, page)], true, counting);
      expect(codecOf(payload)).toBe(0);
      const back = decodeStoreRecord(payload, k + 1).deltas[0];
      expect(back).toMatchObject({ kind: 'dense', bytes: page });
    }
    expect(counting.tried.slice(0, 8)).toEqual(Array<boolean>(8).fill(true));
    expect(counting.tried.filter((t) => t).length).toBeLessThan(20);
    // A compressible record gets through within the back-off window, and from then on every one is tried.
    let compressedAt = -1;
    for (let k = 0; k < 64 && compressedAt < 0; k++) {
      const payload = encodeStoreRecord([], [denseDelta(1, new Uint8Array(4096).fill(k + 1))], true, counting);
      if (codecOf(payload) !== 0) compressedAt = k;
    }
    expect(compressedAt).toBeGreaterThanOrEqual(0);
    const next = encodeStoreRecord([], [denseDelta(1, new Uint8Array(4096).fill(9))], true, counting);
    expect(codecOf(next)).not.toBe(0);
  });

  test('records too small to compress do not count as misses', () => {
    const backoff = new RecordCompression();
    for (let k = 0; k < 50; k++) encodeStoreRecord([], [denseDelta(1, noise(64, k + 1))], true, backoff);
    const payload = encodeStoreRecord([], [denseDelta(1, new Uint8Array(4096).fill(3))], true, backoff);
    expect(codecOf(payload)).not.toBe(0);
  });
});
