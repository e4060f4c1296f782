import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SharedStoreReader } from '../../src/index.js';
import { open, tempDir } from './support.js';

const WORKER = new URL('./fixtures/shared-reader-worker.mjs', import.meta.url);
let scratch = '';
let readerUrl = '';

beforeAll(() => {
  // Workers cannot load TypeScript; shared-reader.ts imports nothing, so transpiling it alone is enough.
  const source = readFileSync(new URL('../../src/store/shared-reader.ts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  scratch = mkdtempSync(join(tmpdir(), 'mmsb-shared-reader-'));
  const file = join(scratch, 'shared-reader.mjs');
  writeFileSync(file, outputText);
  readerUrl = pathToFileURL(file).href;
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

interface ReaderResult {
  reads: number;
  torn: number;
  partial: number;
  retries: number;
  gaveUp: number;
  backwards: number;
  distinct: number;
}

describe('worker readers of shared pages', () => {
  test('a worker reading two pages that every transaction updates together never sees a torn or partial transaction', async () => {
    const { dir, remove } = tempDir();
    const store = await open(dir);
    try {
      const a = await store.createPage({ size: 4096, location: 'shared' });
      const b = await store.createPage({ size: 4096, location: 'shared' });
      await store.createPage({ size: 64 });
      const descriptor = store.sharedState();
      expect(descriptor.pages.map((p) => p.id)).toEqual([a.id, b.id]);
      const control = new SharedArrayBuffer(8);
      const ctl = new Int32Array(control);
      const worker = new Worker(WORKER, { workerData: { descriptor, control, readerUrl } });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      const result = new Promise<ReaderResult>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const page = new Uint8Array(4096);
      // Commit until the reader has taken enough consistent reads to have overlapped many commits.
      let k = 0;
      while (k < 300 || (Atomics.load(ctl, 1) < 200 && k < 20_000)) {
        k++;
        page.fill(k & 0xff);
        const tx = store.begin();
        tx.stage(a.id, page);
        tx.stage(b.id, [{ offset: 0, bytes: page }]);
        await tx.commit();
      }
      Atomics.store(ctl, 0, 1);
      const r = await result;
      await worker.terminate();
      expect(r.torn).toBe(0);
      expect(r.partial).toBe(0);
      expect(r.backwards).toBe(0);
      expect(r.reads).toBeGreaterThan(0);
      expect(r.distinct).toBeGreaterThan(1);
    } finally {
      await store.close();
      remove();
    }
  });

  test('the reader on the same thread sees the last committed epoch and bytes', async () => {
    const { dir, remove } = tempDir();
    const store = await open(dir);
    try {
      const a = await store.createPage({ size: 8, location: 'shared' });
      await store.update(a.id, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
      const reader = new SharedStoreReader(store.sharedState());
      expect(reader.read()?.epoch).toBe(2);
      expect(Array.from(reader.bytes.get(a.id) ?? [])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      await store.close();
      remove();
    }
  });
});
