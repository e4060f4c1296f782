// Deterministic inputs for the benchmarks: a seeded generator, never Math.random, so every run
// measures the same bytes.
import type { SparseRuns } from '@mmsb/native';

/** xorshift32: small, fast, and the same sequence for the same seed. */
export function seededGenerator(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** `size` bytes of seeded noise. */
export function filledBytes(size: number, seed: number): Uint8Array {
  const next = seededGenerator(seed);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = next() & 0xff;
  return bytes;
}

/** `count` non-overlapping runs of `length` bytes spread over a page of `pageSize` bytes. */
export function sparseRuns(pageSize: number, count: number, length: number, seed: number): SparseRuns {
  const stride = Math.floor(pageSize / count);
  if (stride < length) throw new Error(`${count} runs of ${length} bytes do not fit in ${pageSize} bytes`);
  const next = seededGenerator(seed);
  const offsets = new Uint32Array(count);
  const lengths = new Uint32Array(count).fill(length);
  for (let i = 0; i < count; i++) offsets[i] = i * stride + (next() % (stride - length + 1));
  return { offsets, lengths, data: filledBytes(count * length, seed + 1) };
}
