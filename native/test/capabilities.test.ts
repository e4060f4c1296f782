import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { capabilities, nativeKernels } from '../src/index.js';
import { INDEX_URL, runChild } from './support/child.js';

describe('capabilities', () => {
  test('report native true with the binary path, or native false with the reason, never both', () => {
    const caps = capabilities();
    expect(caps.native).toBe(nativeKernels !== null);
    if (caps.native) {
      expect(caps.reason).toBeNull();
      expect(caps.binaryPath).toMatch(/mmsb_native\.node$/);
      expect(['avx2', 'sse4.2', 'scalar']).toContain(caps.simd);
    } else {
      expect(caps.reason).toMatch(/Tried .*mmsb_native\.node|MMSB_NATIVE=0/);
      expect(caps.binaryPath).toBeNull();
      expect(caps.devices).toEqual([]);
    }
  });

  test('a binary that the build produced is the one in use (the build deletes it when it cannot compile)', () => {
    const built = join(import.meta.dirname, '..', 'build', 'Release', 'mmsb_native.node');
    const required = process.env['MMSB_REQUIRE_NATIVE'] === '1';
    if (!required && !existsSync(built)) {
      // No toolchain here: the TS twin runs, and capabilities must say why.
      expect(capabilities().reason).toMatch(/\S/);
      return;
    }
    if (process.env['MMSB_NATIVE'] === '0' || process.env['MMSB_NATIVE_PATH']) return;
    expect(capabilities().reason).toBeNull();
    expect(capabilities().native).toBe(true);
    expect(capabilities().binaryPath).toBe(built);
  });

  test('under MMSB_NATIVE=0 a child process reports native false, the reason, and runs the TS twin', () => {
    const r = runChild(
      `const m = await import(${JSON.stringify(INDEX_URL)});
       const caps = m.capabilities();
       console.log(JSON.stringify({ native: caps.native, reason: caps.reason, simd: caps.simd, same: m.kernels === m.tsKernels,
         nk: m.nativeKernels, crc: m.crc32c(new TextEncoder().encode('123456789')) }));`,
      { MMSB_NATIVE: '0' },
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      native: false,
      reason: 'MMSB_NATIVE=0 forces the pure-TS kernels',
      simd: 'scalar',
      same: true,
      nk: null,
      crc: 0xe3069283,
    });
  });

  test('MMSB_GPU=0 reports the GPU as not allowed and no devices', () => {
    const r = runChild(
      `const m = await import(${JSON.stringify(INDEX_URL)});
       const caps = m.capabilities();
       console.log(JSON.stringify({ gpuAllowed: caps.gpuAllowed, devices: caps.devices }));`,
      { MMSB_GPU: '0' },
    );
    expect(JSON.parse(r.stdout)).toEqual({ gpuAllowed: false, devices: [] });
  });
});
