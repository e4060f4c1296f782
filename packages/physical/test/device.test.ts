import { describe, expect, test } from 'vitest';
import { NativeError, capabilities } from '@mmsb/native';
import {
  CudaDeviceMemoryPool,
  PageAllocator,
  allocateDeviceBuffer,
  deviceAvailable,
  deviceUnavailableReason,
  discoverDevices,
  physicalCapabilities,
} from '../src/index.js';
import { codeOf, physicalErrorOf } from './support/errors.js';

// These run against the real @mmsb/native of this machine: the refusal and the host fallback
// without a device, real device memory with one. device-mocked.test.ts covers both on every machine.
const hasDevice = deviceAvailable(0);

describe('device discovery', () => {
  test('layer 0 reports the native capabilities unchanged, for upper layers that may not import @mmsb/native', () => {
    expect(physicalCapabilities()).toEqual(capabilities());
  });

  test('discovered devices are the native devices when the GPU is allowed, else none', () => {
    const caps = capabilities();
    expect(discoverDevices()).toEqual(caps.gpuAllowed ? caps.devices : []);
    expect(deviceAvailable(0)).toBe(discoverDevices().some((d) => d.index === 0));
    expect(deviceUnavailableReason(0) === null).toBe(hasDevice);
  });
});

describe.runIf(!hasDevice)('device pages on a machine without a usable device', () => {
  test('a device page is refused with DEVICE_UNAVAILABLE saying why, and nothing is allocated', () => {
    const a = new PageAllocator();
    const before = a.stats();
    const error = physicalErrorOf(() => a.allocate(4096, { kind: 'device' }));
    expect(error.code).toBe('DEVICE_UNAVAILABLE');
    expect(error.message).toContain(deviceUnavailableReason(0) as string);
    expect(a.stats()).toEqual(before);
  });

  test('a raw device buffer is refused with DEVICE_UNAVAILABLE wrapping the native NO_DEVICE error', () => {
    const error = physicalErrorOf(() => allocateDeviceBuffer(4096));
    expect(error.code).toBe('DEVICE_UNAVAILABLE');
    expect(error.cause).toBeInstanceOf(NativeError);
    expect((error.cause as NativeError).code).toBe('NO_DEVICE');
  });

  test('the CUDA memory pool refuses to exist without a device', () => {
    expect(codeOf(() => new CudaDeviceMemoryPool())).toBe('DEVICE_UNAVAILABLE');
  });

  test('with fallback allowed a device page is placed on the host and says so', () => {
    const a = new PageAllocator({ budgetBytes: 1 << 20 });
    const h = a.allocate(5000, { kind: 'device', fallback: 'host' });
    expect(a.kindOf(h)).toBe('device');
    expect(a.location(h)).toBe('cpu');
    expect(a.view(h).every((b) => b === 0)).toBe(true);
    a.write(h, Uint8Array.of(1, 2, 3), 10);
    const out = new Uint8Array(3);
    a.read(h, out, 10);
    expect(Array.from(out)).toEqual([1, 2, 3]);
    const s = a.stats();
    expect(s.pagesLiveByKind.device).toBe(1);
    expect(s.bytesReservedByLocation.gpu).toBe(0);
    expect(s.budgetBytesUsed).toBeGreaterThan(0); // host memory is charged
    a.free(h);
    expect(a.stats().pagesLive).toBe(0);
  });

  test('host fallback is still held to the budget', () => {
    const a = new PageAllocator({ budgetBytes: 4096 });
    a.allocate(4096);
    expect(codeOf(() => a.allocate(4096, { kind: 'device', fallback: 'host' }))).toBe('BUDGET_EXCEEDED');
  });
});

describe.runIf(hasDevice)('device pages on a machine with a CUDA device', () => {
  test('a device page lives on the GPU, round-trips bytes, starts zeroed and has no view', () => {
    const a = new PageAllocator();
    const h = a.allocate(5000, { kind: 'device' });
    expect(a.location(h)).toBe('gpu');
    const out = new Uint8Array(5000).fill(7);
    a.read(h, out);
    expect(out.every((b) => b === 0)).toBe(true);
    a.write(h, new Uint8Array(100).fill(9), 4900);
    const tail = new Uint8Array(100);
    a.read(h, tail, 4900);
    expect(tail.every((b) => b === 9)).toBe(true);
    expect(codeOf(() => a.view(h))).toBe('WRONG_KIND');
    expect(a.stats().bytesReservedByLocation.gpu).toBeGreaterThanOrEqual(5000);
    a.free(h);
    a.close();
  });

  test('the CUDA pool caches freed blocks and reuses them zeroed', () => {
    const pool = new CudaDeviceMemoryPool();
    const b = pool.allocate(1000);
    b.upload(new Uint8Array(1000).fill(3));
    pool.free(b);
    const again = pool.allocate(1000);
    const out = new Uint8Array(1000).fill(1);
    again.download(out);
    expect(out.every((x) => x === 0)).toBe(true);
    expect(pool.stats().reuses).toBe(1);
    pool.free(again);
    expect(pool.trim()).toBeGreaterThan(0);
    pool.close();
  });

  test('with a device present, fallback is not used', () => {
    const a = new PageAllocator();
    expect(a.location(a.allocate(64, { kind: 'device', fallback: 'host' }))).toBe('gpu');
    a.close();
  });
});
