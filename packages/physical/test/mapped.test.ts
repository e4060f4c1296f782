import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { PageAllocator, mappedSupported, openMappedFile } from '../src/index.js';
import { codeOf, physicalErrorOf } from './support/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mmsb-physical-mapped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = 64 * 1024;
const supported = mappedSupported();
const CHILD = fileURLToPath(new URL('./fixtures/mapped-child.mjs', import.meta.url));
// The child maps through @mmsb/native's build output; it exists once `nx build @mmsb/native` ran
// (the nx test target builds it first).
const nativeDist = fileURLToPath(new URL('../../../native/dist/index.js', import.meta.url));
const distMaps = existsSync(nativeDist) && readFileSync(nativeDist, 'utf8').includes('mapFile');

describe.runIf(supported)('mapped pages (native module loaded)', () => {
  test('a mapped page is the file: writes through it reach the file and a second mapping sees them', () => {
    const a = new PageAllocator();
    const path = join(dir, 'page-a.bin');
    const h = a.allocate(SIZE, { kind: 'mapped', path });
    expect(a.kindOf(h)).toBe('mapped');
    expect(a.location(h)).toBe('mapped');
    const bytes = a.view(h);
    expect(bytes.length).toBe(SIZE);
    expect(bytes.byteOffset % 64).toBe(0);
    bytes.fill(0x5a);
    a.sync(h);
    const second = openMappedFile(path, SIZE, { create: false });
    try {
      expect(second.bytes.every((b) => b === 0x5a)).toBe(true);
      second.bytes[7] = 0x11;
      expect(a.view(h)[7]).toBe(0x11);
    } finally {
      second.close();
    }
    expect(readFileSync(path)[7]).toBe(0x11);
    a.free(h);
    expect(readFileSync(path).length).toBe(SIZE);
  });

  test('another process sees the bytes of a mapped page, and the page sees what that process writes', () => {
    const a = new PageAllocator();
    const path = join(dir, 'page-b.bin');
    const h = a.allocate(SIZE, { kind: 'mapped', path });
    a.write(h, new Uint8Array(SIZE).fill(0x42));
    a.sync(h);
    // The child reads and writes the file through the OS page cache, which the mapping shares.
    const script = `
      const fs = require('node:fs');
      const b = fs.readFileSync(${JSON.stringify(path)});
      const fd = fs.openSync(${JSON.stringify(path)}, 'r+');
      fs.writeSync(fd, Buffer.from([0x99]), 0, 1, 100);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      process.stdout.write(JSON.stringify({ length: b.length, uniform: b.every((x) => x === b[0]), first: b[0] }));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ length: SIZE, uniform: true, first: 0x42 });
    const one = new Uint8Array(1);
    a.read(h, one, 100);
    expect(one[0]).toBe(0x99);
    a.free(h);
  });

  test.runIf(distMaps)('a second process that maps the file through @mmsb/native shares the same bytes', () => {
    const a = new PageAllocator();
    const path = join(dir, 'page-c.bin');
    const h = a.allocate(SIZE, { kind: 'mapped', path });
    a.view(h).fill(0x37);
    a.sync(h);
    const child = spawnSync(process.execPath, [CHILD, path, String(SIZE), '200', '123'], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ first: 0x37, uniform: true, length: SIZE });
    expect(a.view(h)[200]).toBe(123);
    a.free(h);
  });

  test('mapped pages are backed by their files, so they are reported but not charged to the budget', () => {
    const a = new PageAllocator({ budgetBytes: 4096 });
    const h = a.allocate(1 << 20, { kind: 'mapped', path: join(dir, 'big.bin') });
    const s = a.stats();
    expect(s.budgetBytesUsed).toBe(0);
    expect(s.bytesReservedByLocation.mapped).toBe(1 << 20);
    expect(s.pagesLiveByKind.mapped).toBe(1);
    a.free(h);
    expect(a.stats().bytesReservedByLocation.mapped).toBe(0);
  });

  test('mapping a missing file without create is MAPPED_FAILED and allocates nothing', () => {
    const a = new PageAllocator();
    const error = physicalErrorOf(() =>
      a.allocate(4096, { kind: 'mapped', path: join(dir, 'missing', 'nope.bin'), create: false }),
    );
    expect(error.code).toBe('MAPPED_FAILED');
    expect(error.message).toContain('nope.bin');
    expect(error.cause).toBeDefined();
    expect(a.stats().pagesLive).toBe(0);
  });

  test('close unmaps every mapped page', () => {
    const a = new PageAllocator();
    const path = join(dir, 'closed.bin');
    const h = a.allocate(4096, { kind: 'mapped', path });
    a.view(h).fill(1);
    a.close();
    expect(readFileSync(path).every((b) => b === 1)).toBe(true);
  });
});

describe.runIf(!supported)('mapped pages (native module not loaded)', () => {
  test('a mapped page is refused with MAPPED_UNAVAILABLE naming the file, and nothing is allocated', () => {
    const a = new PageAllocator();
    const error = physicalErrorOf(() => a.allocate(4096, { kind: 'mapped', path: join(dir, 'x.bin') }));
    expect(error.code).toBe('MAPPED_UNAVAILABLE');
    expect(error.message).toContain('x.bin');
    expect(a.stats().pagesLive).toBe(0);
  });
});

describe('mapped pages: input checks', () => {
  test('an empty path is INVALID_OPTION; only mapped pages can be synced (WRONG_KIND)', () => {
    const a = new PageAllocator();
    expect(codeOf(() => a.allocate(64, { kind: 'mapped', path: '' }))).toBe('INVALID_OPTION');
    expect(codeOf(() => a.sync(a.allocate(64)))).toBe('WRONG_KIND');
    expect(codeOf(() => a.allocate(64, { kind: 'mapped', path: join(dir, 'y.bin'), create: 'no' as never }))).toBe(
      'INVALID_OPTION',
    );
  });
});
