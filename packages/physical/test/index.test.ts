import { expect, test } from 'vitest';
import * as physical from '../src/index.js';

test('the package exports exactly its documented runtime surface', () => {
  expect(Object.keys(physical).sort()).toEqual(
    [
      'CudaDeviceMemoryPool',
      'DEFAULT_MAX_CLASS_BYTES',
      'HostDeviceMemoryPool',
      'MAX_SIZE_CLASS_LIMIT',
      'MemoryBudget',
      'PAGE_ALIGNMENT',
      'PageAllocator',
      'PhysicalError',
      'SEQLOCK_DEFAULT_RETRIES',
      'SharedPageView',
      'SizeClasses',
      'alignUp',
      'allocateDeviceBuffer',
      'deviceAvailable',
      'deviceUnavailableReason',
      'discoverDevices',
      'isPhysicalError',
      'mappedSupported',
      'openMappedFile',
      'physicalCapabilities',
      'pressureLevel',
      'seqlockRead',
      'seqlockVersion',
      'seqlockWrite',
    ].sort(),
  );
});

test('isPhysicalError narrows by class and, when given, by code', () => {
  const error = new physical.PhysicalError('DOUBLE_FREE', 'page 5 is already free');
  expect(physical.isPhysicalError(error)).toBe(true);
  expect(physical.isPhysicalError(error, 'DOUBLE_FREE')).toBe(true);
  expect(physical.isPhysicalError(error, 'FREED_HANDLE')).toBe(false);
  expect(physical.isPhysicalError(new Error('x'))).toBe(false);
});
