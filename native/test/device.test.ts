import { describe, expect, test } from 'vitest';

import { capabilities, type DeviceBuffer, deviceAlloc, deviceKernels, NativeError, tsKernels } from '../src/index.js';
import { codeOf } from './support/arbitraries.js';
import { INDEX_URL, runChild } from './support/child.js';

const hasDevice = capabilities().devices.length > 0;

describe('deviceAlloc', () => {
  test.runIf(!hasDevice)('throws NO_DEVICE when no CUDA device is present', () => {
    let caught: unknown;
    try {
      deviceAlloc(4096);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NativeError);
    expect((caught as NativeError).code).toBe('NO_DEVICE');
  });

  test('throws NO_DEVICE under MMSB_GPU=0 even where a device exists', () => {
    const r = runChild(
      `const m = await import(${JSON.stringify(INDEX_URL)});
       try { m.deviceAlloc(64); console.log('allocated'); } catch (e) { console.log(e.code); }`,
      { MMSB_GPU: '0' },
    );
    expect(r.stdout.trim()).toBe('NO_DEVICE');
  });

  test('device kernels refuse objects that are not device buffers with INVALID_ARGUMENT', () => {
    const nothing = (): void => undefined;
    const fake: DeviceBuffer = { device: 0, size: 4, upload: nothing, download: nothing, free: nothing };
    expect(codeOf(() => deviceKernels.zeroBytes(fake))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => deviceKernels.crc32c(fake))).toBe('INVALID_ARGUMENT');
  });
});

describe.runIf(hasDevice)('device kernels on a CUDA device match the CPU kernels', () => {
  const size = 1 << 16;
  const bytes = (seed: number): Uint8Array => Uint8Array.from({ length: size }, (_, i) => (i * seed + (i >> 9)) & 0xff);

  test('upload then download round-trips, and copy, zero and xor give the CPU result', () => {
    const a = deviceAlloc(size);
    const b = deviceAlloc(size);
    const host = bytes(7);
    a.upload(host);
    b.upload(bytes(13));
    deviceKernels.xorInto(a, b);
    const expected = host.slice();
    tsKernels.xorInto(expected, bytes(13));
    const out = new Uint8Array(size);
    a.download(out);
    expect(out).toEqual(expected);
    deviceKernels.copyBytes(b, a);
    b.download(out);
    expect(out).toEqual(expected);
    deviceKernels.zeroBytes(a);
    a.download(out);
    expect(out.every((x) => x === 0)).toBe(true);
    a.free();
    a.free();
    b.free();
  });

  test('crc32c, diffPages and applySparseRuns give the CPU results', () => {
    const before = bytes(3);
    const after = before.slice();
    for (let i = 0; i < size; i += 997) after[i] = (after[i] ?? 0) ^ 0x5a;
    const a = deviceAlloc(size);
    const b = deviceAlloc(size);
    a.upload(before);
    b.upload(after);
    expect(deviceKernels.crc32c(a, 12345)).toBe(tsKernels.crc32c(before, 12345));
    const runs = deviceKernels.diffPages(a, b, 4);
    const cpu = tsKernels.diffPages(before, after, 4);
    expect([...runs.offsets]).toEqual([...cpu.offsets]);
    expect([...runs.data]).toEqual([...cpu.data]);
    deviceKernels.applySparseRuns(a, runs);
    const out = new Uint8Array(size);
    a.download(out);
    expect(out).toEqual(after);
    a.free();
    b.free();
  });
});
