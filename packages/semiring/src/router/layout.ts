// The element types a typed page may hold. Elements are little-endian, as every MMSB format is.

/** The element type of a typed page: IEEE floats or two's-complement / unsigned integers. */
export type ElementType = 'f64' | 'f32' | 'i32' | 'u32' | 'i16' | 'u16' | 'i8' | 'u8';

/** Every {@link ElementType}, widest first. */
export const ELEMENT_TYPES: readonly ElementType[] = Object.freeze(['f64', 'f32', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8']);

const WIDTHS: Readonly<Record<ElementType, number>> = { f64: 8, f32: 4, i32: 4, u32: 4, i16: 2, u16: 2, i8: 1, u8: 1 };

/** True when `value` names an {@link ElementType}. */
export function isElementType(value: unknown): value is ElementType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(WIDTHS, value);
}

/** Bytes per element of `type`. */
export function elementWidth(type: ElementType): number {
  return WIDTHS[type];
}
