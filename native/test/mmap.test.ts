import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';

import { capabilities, mapFile, NativeError } from '../src/index.js';
import { codeOf } from './support/arbitraries.js';
import { INDEX_URL, runChild } from './support/child.js';

const dir = mkdtempSync(join(tmpdir(), 'mmsb-native-mmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(capabilities().native)('mapFile with the native binary', () => {
  test('two mappings of one file see each other’s writes, and sync puts them in the file', () => {
    const path = join(dir, 'two.bin');
    const a = mapFile(path, 8192, { create: true });
    const b = mapFile(path, 8192);
    a.bytes[100] = 42;
    b.bytes[8191] = 7;
    expect(b.bytes[100]).toBe(42);
    expect(a.bytes[8191]).toBe(7);
    a.sync();
    expect(readFileSync(path)[100]).toBe(42);
    a.close();
    b.close();
  });

  test('a child process writing through its own mapping is seen by the parent’s mapping', () => {
    const path = join(dir, 'child.bin');
    const mine = mapFile(path, 4096, { create: true });
    const r = runChild(
      `const { mapFile } = await import(${JSON.stringify(INDEX_URL)});
       const m = mapFile(${JSON.stringify(path)}, 4096);
       m.bytes.set([1, 2, 3], 2000);
       m.sync();
       m.close();`,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect([...mine.bytes.subarray(2000, 2003)]).toEqual([1, 2, 3]);
    mine.close();
  });

  test('close is idempotent and leaves bytes empty instead of pointing at unmapped memory', () => {
    const m = mapFile(join(dir, 'close.bin'), 4096, { create: true });
    const view = new Uint8Array(m.bytes.buffer, 16, 16);
    m.close();
    m.close();
    expect(m.bytes.length).toBe(0);
    expect(view.length).toBe(0);
    expect(codeOf(() => m.sync())).toBe('INVALID_ARGUMENT');
  });

  test('create grows a short file with zeros, and without create a short file is MMAP_FAILED', () => {
    const path = join(dir, 'short.bin');
    writeFileSync(path, Uint8Array.of(9, 9));
    let caught: unknown;
    try {
      mapFile(path, 4096);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NativeError);
    expect((caught as NativeError).code).toBe('MMAP_FAILED');
    expect((caught as NativeError).message).toContain('is 2 bytes, smaller than the 4096 requested');
    const m = mapFile(path, 4096, { create: true });
    expect([...m.bytes.subarray(0, 3)]).toEqual([9, 9, 0]);
    m.close();
  });

  test('a missing file without create is IO_ERROR with the OS reason as cause, and size 0 is INVALID_ARGUMENT', () => {
    let caught: unknown;
    try {
      mapFile(join(dir, 'missing.bin'), 4096);
    } catch (error) {
      caught = error;
    }
    expect((caught as NativeError).code).toBe('IO_ERROR');
    expect(String(((caught as NativeError).cause as Error).message)).toMatch(/No such file/);
    expect(codeOf(() => mapFile(join(dir, 'zero.bin'), 0, { create: true }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => mapFile(join(dir, 'neg.bin'), -5, { create: true }))).toBe('INVALID_ARGUMENT');
  });
});

describe('mapFile without the native binary', () => {
  test('throws NATIVE_UNAVAILABLE, since pure TS cannot map memory', () => {
    const r = runChild(
      `const { mapFile } = await import(${JSON.stringify(INDEX_URL)});
       try { mapFile(${JSON.stringify(join(dir, 'ts.bin'))}, 4096, { create: true }); console.log('mapped'); }
       catch (e) { console.log(e.name, e.code); }`,
      { MMSB_NATIVE: '0' },
    );
    expect(r.stdout.trim()).toBe('NativeError NATIVE_UNAVAILABLE');
  });
});
