// Generators and reference merges for the router tests. The references are the slow, obvious
// definitions: bytes by sequential application, typed pages element by element.
import fc from 'fast-check';

import { applyDelta, denseDelta, sparseDelta } from '@mmsb/page';
import type { Delta, PlainDelta, SparseRunInput } from '@mmsb/page';

import { elementWidth } from '../../src/index.js';
import type { ElementType, RoutedDelta, Semiring, TaggedDelta } from '../../src/index.js';

/** Tags drawn from small ranges, so equal epochs (writer tie-breaks) happen often; all distinct. */
export function arbTags(maxCount: number): fc.Arbitrary<{ writer: number; epoch: number }[]> {
  return fc.uniqueArray(fc.record({ writer: fc.nat(4), epoch: fc.nat(4) }), {
    maxLength: maxCount,
    selector: (t) => `${t.epoch}:${t.writer}`,
  });
}

/** Runs inside a page of `size`, aligned to `width`-byte elements; overlapping and unsorted allowed. */
export function arbRuns(size: number, width = 1): fc.Arbitrary<SparseRunInput[]> {
  const elements = Math.floor(size / width);
  const run = fc
    .record({ start: fc.nat(elements), count: fc.nat(Math.min(elements, 12)) })
    .chain(({ start, count }) => {
      const s = Math.min(start, elements - count);
      return fc.uint8Array({ minLength: count * width, maxLength: count * width }).map((bytes) => ({ offset: s * width, bytes }));
    });
  return fc.array(run, { maxLength: 5 });
}

/** A byte delta of page `pageId`: sparse from runs (as sparseDelta normalizes them) or dense. */
export function arbByteDelta(pageId: number, size: number): fc.Arbitrary<PlainDelta> {
  return fc.oneof(
    { weight: 4, arbitrary: arbRuns(size).map((runs) => sparseDelta(pageId, size, runs)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: size, maxLength: size }).map((bytes) => denseDelta(pageId, bytes)) },
  );
}

/** Elements of `type` as bytes, drawn from a few values so that writers collide on equal ones too. */
export function arbElementBytes(type: ElementType, count: number): fc.Arbitrary<Uint8Array> {
  const value = type === 'f64' || type === 'f32' ? fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })) : fc.integer({ min: -300, max: 70000 });
  return fc.array(value, { minLength: count, maxLength: count }).map((values) => {
    const bytes = new Uint8Array(count * elementWidth(type));
    const view = elementArray(type, bytes);
    values.forEach((v, i) => (view[i] = v));
    return bytes;
  });
}

/** An element-aligned delta of a typed page. */
export function arbTypedDelta(pageId: number, size: number, type: ElementType): fc.Arbitrary<PlainDelta> {
  const width = elementWidth(type);
  const elements = size / width;
  const run = fc.record({ start: fc.nat(elements), count: fc.nat(Math.min(elements, 10)) }).chain(({ start, count }) => {
    const s = Math.min(start, elements - count);
    return arbElementBytes(type, count).map((bytes) => ({ offset: s * width, bytes }));
  });
  return fc.array(run, { maxLength: 4 }).map((runs) => sparseDelta(pageId, size, runs));
}

/** A typed array of `type` over a copy-free view of `bytes` (which must be aligned). */
export function elementArray(type: ElementType, bytes: Uint8Array): Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array {
  const n = bytes.length / elementWidth(type);
  const { buffer, byteOffset } = bytes;
  switch (type) {
    case 'f64':
      return new Float64Array(buffer, byteOffset, n);
    case 'f32':
      return new Float32Array(buffer, byteOffset, n);
    case 'i32':
      return new Int32Array(buffer, byteOffset, n);
    case 'u32':
      return new Uint32Array(buffer, byteOffset, n);
    case 'i16':
      return new Int16Array(buffer, byteOffset, n);
    case 'u16':
      return new Uint16Array(buffer, byteOffset, n);
    case 'i8':
      return new Int8Array(buffer, byteOffset, n);
    case 'u8':
      return new Uint8Array(buffer, byteOffset, n);
  }
}

/** Tagged deltas sorted by (epoch, writer): the order the router defines. */
export function inTagOrder<T extends { readonly writer: number; readonly epoch: number }>(list: readonly T[]): T[] {
  return list.slice().sort((a, b) => a.epoch - b.epoch || a.writer - b.writer);
}

/** `page` after applying `deltas` one by one. */
export function applyAll(page: Uint8Array, deltas: readonly Delta[]): Uint8Array {
  const s = page.slice();
  for (const d of deltas) applyDelta(s, d);
  return s;
}

/** Which bytes a delta writes, as a bit per byte of the page. */
export function coverage(delta: PlainDelta): Uint8Array {
  const mask = new Uint8Array(delta.size);
  if (delta.kind === 'dense') mask.fill(1);
  else for (let r = 0; r < delta.runs.offsets.length; r++) mask.fill(1, delta.runs.offsets[r], (delta.runs.offsets[r] ?? 0) + (delta.runs.lengths[r] ?? 0));
  return mask;
}

/**
 * The typed merge by definition, element by element: every element some delta writes becomes the
 * fold of (`current` when given, then) each writer's value in tag order, each step stored as the
 * element type stores it.
 */
export function referenceTypedMerge(
  page: Uint8Array,
  tagged: readonly TaggedDelta[],
  type: ElementType,
  semiring: Semiring<number>,
  accumulate: boolean,
): Uint8Array {
  const width = elementWidth(type);
  const out = new Uint8Array(new ArrayBuffer(page.length));
  out.set(page);
  const outView = elementArray(type, out);
  const acc = elementArray(type, new Uint8Array(8).subarray(0, width));
  const written = new Uint8Array(page.length / width);
  for (const t of inTagOrder(tagged)) {
    const d = t.delta as PlainDelta;
    const bytes = new Uint8Array(page.length);
    applyDelta(bytes, d);
    const values = elementArray(type, bytes);
    const mask = coverage(d);
    for (let i = 0; i < written.length; i++) {
      if (mask[i * width] !== 1) continue;
      if (written[i] === 0 && !accumulate) acc[0] = values[i] ?? 0;
      else {
        acc[0] = outView[i] ?? 0;
        acc[0] = semiring.add(acc[0] ?? 0, values[i] ?? 0);
      }
      outView[i] = acc[0] ?? 0;
      written[i] = 1;
    }
  }
  return out;
}

/** A routed result as plain arrays, to compare two results field by field. */
export function fields(routed: readonly RoutedDelta[]): unknown[] {
  return routed.map(({ pageId, delta }) =>
    delta.kind === 'dense'
      ? { pageId, kind: 'dense', size: delta.size, bytes: Array.from(delta.bytes) }
      : { pageId, kind: 'sparse', size: delta.size, offsets: Array.from(delta.runs.offsets), lengths: Array.from(delta.runs.lengths), data: Array.from(delta.runs.data) },
  );
}
