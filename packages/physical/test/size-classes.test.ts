import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { PAGE_ALIGNMENT, PhysicalError, SizeClasses, alignUp } from '../src/index.js';

describe('SizeClasses', () => {
  const classes = new SizeClasses();

  test('classes are multiples of 64 up to 512, then four per doubling up to the largest class', () => {
    expect(Array.from(classes.bytes.subarray(0, 14))).toEqual([
      64, 128, 192, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536,
    ]);
    expect(classes.bytes[classes.count - 1]).toBe(1024 * 1024);
    expect(classes.maxClassBytes).toBe(1024 * 1024);
  });

  test('every size maps to the smallest class that holds it, and that class is 64-aligned', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: classes.maxClassBytes }), (size) => {
        const cls = classes.classOf(size);
        const bytes = classes.sizeOf(cls);
        expect(bytes).toBeGreaterThanOrEqual(size);
        expect(bytes % PAGE_ALIGNMENT).toBe(0);
        if (cls > 0) expect(classes.sizeOf(cls - 1)).toBeLessThan(size);
      }),
    );
  });

  test('class rounding wastes at most a quarter of the page above 512 bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 513, max: classes.maxClassBytes }), (size) => {
        expect(classes.sizeOf(classes.classOf(size))).toBeLessThanOrEqual(size * 1.25);
      }),
    );
  });

  test('sizes above the largest class are large pages (class -1)', () => {
    expect(classes.classOf(classes.maxClassBytes + 1)).toBe(-1);
  });

  test('a largest class that is not a power of two from 512 to 64 MiB is refused with INVALID_OPTION', () => {
    for (const bad of [0, 100, 1000, 256, 2 ** 27, Number.NaN]) {
      expect(() => new SizeClasses(bad)).toThrow(PhysicalError);
      try {
        new SizeClasses(bad);
      } catch (error) {
        expect((error as PhysicalError).code).toBe('INVALID_OPTION');
        expect((error as PhysicalError).message).toContain(String(bad));
      }
    }
  });

  test('asking for a class that does not exist names the valid range', () => {
    expect(() => classes.sizeOf(classes.count)).toThrow(/does not exist/);
  });

  test('alignUp rounds up to the next multiple of 64', () => {
    expect(alignUp(1)).toBe(64);
    expect(alignUp(64)).toBe(64);
    expect(alignUp(65)).toBe(128);
  });
});
