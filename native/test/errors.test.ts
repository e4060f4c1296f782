import { describe, expect, test } from 'vitest';

import { isNativeError, NativeError, nativeKernels, tsKernels } from '../src/index.js';

describe('NativeError', () => {
  test('carries a literal code, the message and the cause', () => {
    const cause = new Error('EIO');
    const error = new NativeError('IO_ERROR', 'cannot open /x', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('NativeError');
    expect(error.code).toBe('IO_ERROR');
    expect(error.cause).toBe(cause);
    expect(isNativeError(error, 'IO_ERROR')).toBe(true);
    expect(isNativeError(error, 'NO_DEVICE')).toBe(false);
    expect(isNativeError(new Error('x'))).toBe(false);
  });

  test('is the class native failures are thrown as, with the same code and message as the TS twin', () => {
    for (const k of [tsKernels, nativeKernels]) {
      if (k === null) continue;
      let caught: unknown;
      try {
        k.xorInto(new Uint8Array(3), new Uint8Array(4));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(NativeError);
      expect((caught as NativeError).message).toBe('xorInto: dst has 3 bytes but src has 4; expected equal lengths');
    }
  });
});
