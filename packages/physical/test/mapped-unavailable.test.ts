import { describe, expect, test, vi } from 'vitest';
import { NativeError } from '@mmsb/native';
import { PageAllocator, mappedSupported, openMappedFile } from '../src/index.js';
import { physicalErrorOf } from './support/errors.js';

// The pure-TS path of @mmsb/native, whatever this machine has: mapFile refuses as it does
// without the binary (or with MMSB_NATIVE=0), and an IO failure when a path cannot be mapped.
vi.mock('@mmsb/native', async (importOriginal) => {
  const real = await importOriginal<typeof import('@mmsb/native')>();
  return {
    ...real,
    capabilities: () => ({ ...real.capabilities(), native: false, reason: 'MMSB_NATIVE=0 (mocked)', devices: [] }),
    mapFile: (path: string) => {
      if (path.includes('io-error')) throw new real.NativeError('IO_ERROR', `open(${path}) failed: EACCES`);
      throw new real.NativeError('NATIVE_UNAVAILABLE', 'memory-mapped files need the native binary (mocked)');
    },
  };
});

describe('mapped pages without the native module', () => {
  test('mappedSupported reports false', () => {
    expect(mappedSupported()).toBe(false);
  });

  test('a mapped page is refused with MAPPED_UNAVAILABLE, the native error as cause, and state unchanged', () => {
    const a = new PageAllocator();
    const heap = a.allocate(64);
    const before = a.stats();
    const error = physicalErrorOf(() => a.allocate(4096, { kind: 'mapped', path: '/tmp/state/page-1.bin' }));
    expect(error.code).toBe('MAPPED_UNAVAILABLE');
    expect(error.message).toContain('/tmp/state/page-1.bin');
    expect(error.message).toContain('native module');
    expect(error.cause).toBeInstanceOf(NativeError);
    expect((error.cause as NativeError).code).toBe('NATIVE_UNAVAILABLE');
    expect(a.stats()).toEqual(before);
    expect(a.isLive(heap)).toBe(true);
  });

  test('other native failures are MAPPED_FAILED with the cause kept', () => {
    const error = physicalErrorOf(() => openMappedFile('/tmp/io-error.bin', 4096));
    expect(error.code).toBe('MAPPED_FAILED');
    expect((error.cause as NativeError).code).toBe('IO_ERROR');
  });
});
