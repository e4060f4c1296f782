import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { candidatePaths, loaded, loadNative, PACKAGE_ROOT } from '../../src/internal/loader.js';

const empty = mkdtempSync(join(tmpdir(), 'mmsb-native-loader-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('loader', () => {
  test('finds the binary relative to the package root, not the working directory', () => {
    expect(join(PACKAGE_ROOT, 'package.json')).toMatch(/native[\\/]package\.json$/);
    expect(candidatePaths({})).toEqual([
      join(PACKAGE_ROOT, 'build', 'Release', 'mmsb_native.node'),
      join(PACKAGE_ROOT, 'build', 'Debug', 'mmsb_native.node'),
    ]);
  });

  test('tries MMSB_NATIVE_PATH first', () => {
    expect(candidatePaths({ MMSB_NATIVE_PATH: '/opt/mmsb.node' })[0]).toBe('/opt/mmsb.node');
  });

  test('when nothing loads, the reason names every path tried, why each failed, and how to fix it', () => {
    const garbage = join(empty, 'garbage.node');
    writeFileSync(garbage, 'not a shared object');
    const result = loadNative({ MMSB_NATIVE_PATH: garbage }, empty);
    expect(result.binding).toBeNull();
    expect(result.reason).toContain(`${garbage}: `);
    expect(result.reason).toMatch(/garbage\.node: .*(invalid ELF|file too short|not a valid)/i);
    expect(result.reason).toContain(`${join(empty, 'build', 'Release', 'mmsb_native.node')}: not found`);
    expect(result.reason).toContain('npx nx run @mmsb/native:build-native');
  });

  test('a file that loads but lacks the expected exports is refused as a stale build', () => {
    const result = loadNative({ MMSB_NATIVE_PATH: join(PACKAGE_ROOT, 'package.json') }, empty);
    expect(result.reason).toMatch(/package\.json: loaded but lacks init, capabilities/);
  });

  test('loading the same binary again reuses its first initialisation', () => {
    const first = loadNative({});
    const again = loadNative({});
    expect(again.binding).toBe(first.binding);
    expect(again.stage).toBe(first.stage);
    if (loaded.binding !== null) expect(again.stage).toBe(loaded.stage);
  });

  test('MMSB_NATIVE=0 loads nothing and says so; MMSB_GPU=0 forbids the GPU', () => {
    const result = loadNative({ MMSB_NATIVE: '0', MMSB_GPU: '0' });
    expect(result.binding).toBeNull();
    expect(result.reason).toBe('MMSB_NATIVE=0 forces the pure-TS kernels');
    expect(result.gpuAllowed).toBe(false);
  });
});
