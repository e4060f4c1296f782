// Typed views over element-aligned bytes, and the byte swap that makes them little-endian on a
// big-endian host. Stores into these views coerce like the element type does (f32 rounds,
// integers wrap modulo 2^bits, NaN → 0), which is how every ⊕ result is written back.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import type { ElementType } from '../layout.js';

/** A typed array of one of the element types. */
export type ElementArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** True when this host stores numbers little-endian (then views need no swap). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A view of `count` elements of `type` over `buffer` from `byteOffset` (a multiple of the width). */
export function elementView(type: ElementType, buffer: ArrayBufferLike, byteOffset: number, count: number): ElementArray {
  switch (type) {
    case 'f64':
      return new Float64Array(buffer, byteOffset, count);
    case 'f32':
      return new Float32Array(buffer, byteOffset, count);
    case 'i32':
      return new Int32Array(buffer, byteOffset, count);
    case 'u32':
      return new Uint32Array(buffer, byteOffset, count);
    case 'i16':
      return new Int16Array(buffer, byteOffset, count);
    case 'u16':
      return new Uint16Array(buffer, byteOffset, count);
    case 'i8':
      return new Int8Array(buffer, byteOffset, count);
    case 'u8':
      return new Uint8Array(buffer, byteOffset, count);
  }
}

/** Reverses the bytes of each `width`-byte element of `bytes` in place. */
export function swapElementBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let at = 0; at + width <= bytes.length; at += width) {
    for (let lo = at, hi = at + width - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = t;
    }
  }
}
