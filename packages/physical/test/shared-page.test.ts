import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PageAllocator, SharedPageView, seqlockRead, seqlockVersion, seqlockWrite } from '../src/index.js';
import type { SharedPageDescriptor } from '../src/index.js';
import { codeOf } from './support/errors.js';

const PAGE = 64 * 1024;
const WORKER = new URL('./fixtures/seqlock-worker.mjs', import.meta.url);
let dir = '';
let seqlockUrl = '';

beforeAll(() => {
  // Workers cannot load TypeScript; seqlock.ts imports nothing, so transpiling it alone is enough.
  const source = readFileSync(new URL('../src/seqlock.ts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  dir = mkdtempSync(join(tmpdir(), 'mmsb-physical-seqlock-'));
  const file = join(dir, 'seqlock.mjs');
  writeFileSync(file, outputText);
  seqlockUrl = pathToFileURL(file).href;
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

interface ReaderResult {
  snapshots: number;
  torn: number;
  retries: number;
  contended: number;
  distinct: number;
}

function start(role: 'reader' | 'writer', descriptor: SharedPageDescriptor, control: SharedArrayBuffer, pauseMs = 0) {
  const worker = new Worker(WORKER, { workerData: { role, descriptor, control, seqlockUrl, pauseMs } });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const result = ready.then(
    () =>
      new Promise<unknown>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  return { worker, ready, result };
}

function uniform(bytes: Uint8Array): boolean {
  const first = bytes[0];
  return bytes.every((b) => b === first);
}

describe('shared pages', () => {
  test('a shared page lives in a SharedArrayBuffer slab and its descriptor names its sequence word', () => {
    const a = new PageAllocator();
    const h = a.allocate(1000, { kind: 'shared' });
    expect(a.location(h)).toBe('shared');
    const d = a.sharedDescriptor(h);
    expect(d.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(d.byteOffset % 64).toBe(0);
    expect(d.byteLength).toBe(1000);
    expect(d.seqBuffer).toBeInstanceOf(SharedArrayBuffer);
    expect(codeOf(() => a.sharedDescriptor(a.allocate(10)))).toBe('WRONG_KIND');
  });

  test('every write bumps the sequence word by two and leaves it even', () => {
    const a = new PageAllocator();
    const h = a.allocate(128, { kind: 'shared' });
    const view = new SharedPageView(a.sharedDescriptor(h));
    const v0 = view.version();
    a.write(h, Uint8Array.of(1, 2, 3));
    view.write(Uint8Array.of(4), 100);
    expect(view.version()).toBe(v0 + 4);
    expect(view.version() & 1).toBe(0);
    const snap = view.snapshot();
    expect(Array.from(snap.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(snap[100]).toBe(4);
    expect(codeOf(() => view.read(new Uint8Array(2), 127))).toBe('OUT_OF_RANGE');
  });

  test('large shared pages have their own buffer and sequence word', () => {
    const a = new PageAllocator({ maxClassBytes: 4096 });
    const h = a.allocate(10_000, { kind: 'shared' });
    const d = a.sharedDescriptor(h);
    expect(d.buffer.byteLength).toBe(10_000);
    a.write(h, new Uint8Array(10_000).fill(5));
    expect(uniform(new SharedPageView(d).snapshot())).toBe(true);
  });

  test('a reader gives up with a retry count of -1 (SEQLOCK_CONTENDED) while a write never completes', () => {
    const a = new PageAllocator();
    const h = a.allocate(64, { kind: 'shared' });
    const d = a.sharedDescriptor(h);
    const seq = new Int32Array(d.seqBuffer);
    Atomics.store(seq, d.seqIndex, 1); // a writer that died mid-copy
    expect(seqlockRead(seq, d.seqIndex, new Uint8Array(d.buffer, d.byteOffset, 64), new Uint8Array(64), 10)).toBe(-1);
    expect(codeOf(() => new SharedPageView(d, 10).read(new Uint8Array(64)))).toBe('SEQLOCK_CONTENDED');
  });

  test('the sequence counter keeps its parity when it wraps past 2^31', () => {
    const seq = new Int32Array(new SharedArrayBuffer(4));
    seq[0] = 0x7ffffffe;
    const target = new Uint8Array(4);
    seqlockWrite(seq, 0, target, Uint8Array.of(9), 0);
    expect(seqlockVersion(seq, 0) & 1).toBe(0);
    expect(seqlockVersion(seq, 0)).toBe(-0x80000000);
    const out = new Uint8Array(1);
    expect(seqlockRead(seq, 0, target.subarray(0, 1), out)).toBe(0);
    expect(out[0]).toBe(9);
  });

  test('a descriptor that does not describe a shared page is refused', () => {
    const ok: SharedPageDescriptor = {
      buffer: new SharedArrayBuffer(128),
      byteOffset: 64,
      byteLength: 64,
      seqBuffer: new SharedArrayBuffer(4),
      seqIndex: 0,
    };
    expect(() => new SharedPageView(ok)).not.toThrow();
    expect(codeOf(() => new SharedPageView({ ...ok, buffer: new ArrayBuffer(128) as unknown as SharedArrayBuffer }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => new SharedPageView({ ...ok, byteLength: 65 }))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => new SharedPageView({ ...ok, seqIndex: 1 }))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => new SharedPageView(ok, -1))).toBe('INVALID_OPTION');
  });

  test('readers in worker threads never see a torn write while the main thread rewrites whole pages', async () => {
    const a = new PageAllocator();
    const h = a.allocate(PAGE, { kind: 'shared' });
    const descriptor = a.sharedDescriptor(h);
    const control = new SharedArrayBuffer(16);
    const ctl = new Int32Array(control);
    const readers = [start('reader', descriptor, control), start('reader', descriptor, control)];
    try {
      await Promise.all(readers.map((r) => r.ready));
      const src = new Uint8Array(PAGE);
      let writes = 0;
      // Write until the readers have taken enough snapshots (bounded, so a stuck reader fails the test instead of hanging it).
      while (Atomics.load(ctl, 1) < 2000 && writes < 2_000_000) {
        writes++;
        src.fill(writes & 0xff);
        a.write(h, src);
        // An occasional pause, so a loaded machine cannot starve the readers (see the writer worker).
        if ((writes & 63) === 0) Atomics.wait(ctl, 3, 0, 0.05);
      }
      Atomics.store(ctl, 0, 1);
      const results = (await Promise.all(readers.map((r) => r.result))) as ReaderResult[];
      const total = results.reduce((n, r) => n + r.snapshots, 0);
      expect(total).toBeGreaterThanOrEqual(2000);
      for (const r of results) expect(r.torn).toBe(0);
      expect(Math.max(...results.map((r) => r.distinct))).toBeGreaterThan(1);
      expect(writes).toBeGreaterThan(1);
    } finally {
      Atomics.store(ctl, 0, 1);
      await Promise.all(readers.map((r) => r.worker.terminate()));
    }
  });

  test('while a worker thread rewrites whole pages, reads on this thread are never torn', async () => {
    const a = new PageAllocator();
    const h = a.allocate(PAGE, { kind: 'shared' });
    const descriptor = a.sharedDescriptor(h);
    const view = new SharedPageView(descriptor);
    const control = new SharedArrayBuffer(16);
    const ctl = new Int32Array(control);
    const writer = start('writer', descriptor, control, 0.02);
    try {
      await writer.ready;
      const dst = new Uint8Array(PAGE);
      const seen = new Set<number>();
      let snapshots = 0;
      let torn = 0;
      while (snapshots < 2000 || Atomics.load(ctl, 2) < 10) {
        if (snapshots % 2 === 0) a.read(h, dst);
        else view.read(dst);
        snapshots++;
        if (!uniform(dst)) torn++;
        seen.add(dst[0] as number);
        if (snapshots > 1_000_000) break;
      }
      Atomics.store(ctl, 0, 1);
      const { writes } = (await writer.result) as { writes: number };
      expect(torn).toBe(0);
      expect(writes).toBeGreaterThan(1);
      expect(seen.size).toBeGreaterThan(1);
    } finally {
      Atomics.store(ctl, 0, 1);
      await writer.worker.terminate();
    }
  });
});
