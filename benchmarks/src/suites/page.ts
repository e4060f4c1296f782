// The page store beside better-sqlite3 and lmdb, with the same payloads and the same durability:
// every contender's commit is on disk (fsynced) before it counts. Replay and checkpoint are
// compared with what the disk does at its best — one sequential write of the same size, fsynced —
// measured in the same run.
//
// Durability of the peers:
//   - better-sqlite3: WAL journal, `synchronous = FULL` (each commit fsyncs the WAL);
//   - lmdb: its default (sync on; `overlappingSync` lets the flush trail the commit, so each
//     commit also awaits `db.flushed`, the promise that the flush happened).
// Keyed payloads: where MMSB writes 64 bytes at slot s of page p, the peers put a 64-byte value
// under key p × 64 + s; where MMSB writes a 4 KiB page, they put a 4 KiB value under its id.
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, replayStore } from '@mmsb/page';
import type { PageStore } from '@mmsb/page';
import { physicalCapabilities } from '@mmsb/physical';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { open as openLmdb } from 'lmdb';
import type { Database as LmdbDatabase, RootDatabase } from 'lmdb';
import type { BenchCase, Contender } from '../harness.js';
import { filledBytes, seededGenerator } from '../workload.js';

const PAGES = 64;
const PAGE_SIZE = 4096;
const SLOTS = PAGE_SIZE / 64;

let root: string | null = null;
let dirCount = 0;

/** A fresh directory under one temp root for the suite, removed by {@link pageCleanup}. */
function freshDir(label: string): string {
  root ??= mkdtempSync(join(tmpdir(), 'mmsb-bench-page-'));
  const dir = join(root, `${label}-${dirCount++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes every directory the suite made. */
export function pageCleanup(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
}

/** MMSB: a store with `PAGES` pages of `PAGE_SIZE` bytes. */
class MmsbSide {
  store: PageStore | null = null;
  ids: number[] = [];

  async open(durability: 'sync' | 'group' | 'none', pages = PAGES, pageSize = PAGE_SIZE): Promise<string> {
    const dir = freshDir('mmsb');
    this.store = await openStore({ dir, durability });
    for (let i = 0; i < pages; i++) this.ids.push((await this.store.createPage({ size: pageSize })).id);
    return dir;
  }

  get s(): PageStore {
    if (!this.store) throw new Error('store not open');
    return this.store;
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = null;
    this.ids = [];
  }
}

/** better-sqlite3 in WAL mode with synchronous=FULL, one key-value table. */
class SqliteSide {
  db: SqliteDatabase | null = null;
  put: Statement<[number, Uint8Array]> | null = null;

  open(): void {
    const db = new Database(join(freshDir('sqlite'), 'bench.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE kv (k INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    this.db = db;
    this.put = db.prepare<[number, Uint8Array]>('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.put = null;
  }
}

/** lmdb with its default durability, binary values, integer keys. */
class LmdbSide {
  root: RootDatabase<Uint8Array, number> | null = null;

  open(): void {
    this.root = openLmdb<Uint8Array, number>({ path: freshDir('lmdb'), encoding: 'binary', keyEncoding: 'uint32' });
  }

  get db(): LmdbDatabase<Uint8Array, number> {
    if (!this.root) throw new Error('lmdb not open');
    return this.root;
  }

  async close(): Promise<void> {
    await this.root?.close();
    this.root = null;
  }
}

/** (a) One 64-byte update a commit, each durable before the next: commits per second. */
function commitCase(): BenchCase {
  const mmsb = new MmsbSide();
  const sqlite = new SqliteSide();
  const lmdb = new LmdbSide();
  const perCall = 8;
  const payloads = Array.from({ length: 16 }, (_, i) => filledBytes(64, 100 + i));
  const next = seededGenerator(7);
  const target = (): { page: number; slot: number; bytes: Uint8Array } => {
    const r = next();
    return { page: r % PAGES, slot: (r >>> 8) % SLOTS, bytes: payloads[(r >>> 16) % payloads.length] as Uint8Array };
  };
  return {
    name: 'store.commit.sync.64B',
    unit: 'ops',
    workPerCall: perCall,
    setup: async () => {
      await mmsb.open('sync');
      sqlite.open();
      lmdb.open();
    },
    teardown: async () => {
      await mmsb.close();
      sqlite.close();
      await lmdb.close();
    },
    mmsb: {
      name: 'mmsb sync',
      run: async () => {
        for (let i = 0; i < perCall; i++) {
          const { page, slot, bytes } = target();
          await mmsb.s.update(mmsb.ids[page] as number, [{ offset: slot * 64, bytes }]);
        }
      },
    },
    peer: {
      name: 'sqlite FULL',
      run: () => {
        for (let i = 0; i < perCall; i++) {
          const { page, slot, bytes } = target();
          sqlite.put?.run(page * SLOTS + slot, bytes);
        }
      },
    },
    otherPeers: [
      {
        name: 'lmdb',
        run: async () => {
          for (let i = 0; i < perCall; i++) {
            const { page, slot, bytes } = target();
            await lmdb.db.put(page * SLOTS + slot, bytes);
            await lmdb.db.flushed;
          }
        },
      },
    ],
    ratioAgainst: 'best',
    goal: { kind: 'ratio-at-least', value: 1 },
    note: 'each commit one 64-byte update, fsynced before the next starts; ratio against the faster peer; goal ≥ 1.0×',
  };
}

/** (b) 1000 updates of 64 bytes a commit: updates per second. */
function batchCase(): BenchCase {
  const mmsb = new MmsbSide();
  const sqlite = new SqliteSide();
  const lmdb = new LmdbSide();
  const batch = 1000;
  const payloads = Array.from({ length: 16 }, (_, i) => filledBytes(64, 200 + i));
  const next = seededGenerator(11);
  const targets = (): { page: number; slot: number; bytes: Uint8Array }[] =>
    Array.from({ length: batch }, () => {
      const r = next();
      return { page: r % PAGES, slot: (r >>> 8) % SLOTS, bytes: payloads[(r >>> 16) % payloads.length] as Uint8Array };
    });
  // Precomputed so the generator is not timed; each call takes the next batch.
  const batches = Array.from({ length: 8 }, targets);
  let turn = 0;
  const nextBatch = () => batches[turn++ % batches.length] as ReturnType<typeof targets>;
  let sqliteBatch: ((items: ReturnType<typeof targets>) => void) | null = null;
  return {
    name: 'store.commit.sync.1000x64B',
    unit: 'ops',
    workPerCall: batch,
    setup: async () => {
      await mmsb.open('sync');
      sqlite.open();
      const put = sqlite.put;
      sqliteBatch = sqlite.db?.transaction((items: ReturnType<typeof targets>) => {
        for (const { page, slot, bytes } of items) put?.run(page * SLOTS + slot, bytes);
      }) ?? null;
      lmdb.open();
    },
    teardown: async () => {
      await mmsb.close();
      sqlite.close();
      await lmdb.close();
    },
    mmsb: {
      name: 'mmsb sync',
      run: async () => {
        const tx = mmsb.s.begin();
        for (const { page, slot, bytes } of nextBatch()) tx.stage(mmsb.ids[page] as number, [{ offset: slot * 64, bytes }]);
        await tx.commit();
      },
    },
    peer: {
      name: 'lmdb',
      run: async () => {
        const items = nextBatch();
        await lmdb.db.transaction(() => {
          for (const { page, slot, bytes } of items) void lmdb.db.put(page * SLOTS + slot, bytes);
        });
        await lmdb.db.flushed;
      },
    },
    otherPeers: [{ name: 'sqlite FULL', run: () => sqliteBatch?.(nextBatch()) }],
    goal: { kind: 'ratio-at-least', value: 2 },
    note: 'each commit 1000 updates of 64 bytes over 64 pages of 4 KiB, fsynced; goal ≥ 2× lmdb',
  };
}

/** (c) Whole 4 KiB pages, 64 a commit: bytes per second. */
function pageWriteCase(): BenchCase {
  const mmsb = new MmsbSide();
  const sqlite = new SqliteSide();
  const lmdb = new LmdbSide();
  const perCommit = 64;
  // Four rounds of distinct page images, so every write changes its page.
  const images = Array.from({ length: 4 }, (_, round) => Array.from({ length: perCommit }, (_, i) => filledBytes(PAGE_SIZE, 1000 + round * perCommit + i)));
  let turn = 0;
  const nextImages = () => images[turn++ % images.length] as Uint8Array[];
  let sqliteBatch: ((items: Uint8Array[]) => void) | null = null;
  return {
    name: 'store.write.4KiB-pages.sync',
    unit: 'bytes',
    workPerCall: perCommit * PAGE_SIZE,
    setup: async () => {
      await mmsb.open('sync', perCommit);
      sqlite.open();
      const put = sqlite.put;
      sqliteBatch = sqlite.db?.transaction((items: Uint8Array[]) => items.forEach((bytes, i) => put?.run(i, bytes))) ?? null;
      lmdb.open();
    },
    teardown: async () => {
      await mmsb.close();
      sqlite.close();
      await lmdb.close();
    },
    mmsb: {
      name: 'mmsb sync',
      run: async () => {
        const tx = mmsb.s.begin();
        nextImages().forEach((bytes, i) => tx.stage(mmsb.ids[i] as number, bytes));
        await tx.commit();
      },
    },
    peer: {
      name: 'lmdb',
      run: async () => {
        const items = nextImages();
        await lmdb.db.transaction(() => items.forEach((bytes, i) => void lmdb.db.put(i, bytes)));
        await lmdb.db.flushed;
      },
    },
    otherPeers: [{ name: 'sqlite FULL', run: () => sqliteBatch?.(nextImages()) }],
    ratioAgainst: 'best',
    note: 'each commit 64 whole pages of 4 KiB (256 KiB of noise), fsynced; ratio against the faster peer',
  };
}

/** The disk at its best: `bytes` written sequentially to a new file and fsynced. */
function sequentialWrite(bytes: number): Contender {
  const chunk = filledBytes(1 << 20, 77);
  let dir: string | null = null;
  let turn = 0;
  return {
    name: 'sequential write+fsync',
    beforeEach: () => {
      dir ??= freshDir('seq');
      try {
        unlinkSync(join(dir, `file-${turn % 2}`));
      } catch {
        // not there yet
      }
    },
    run: () => {
      const fd = openSync(join(dir as string, `file-${turn++ % 2}`), 'w');
      try {
        for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/**
 * Memory at its best: `work.bytes` copied in memory (8 MiB at a time), the ceiling for writing that
 * many decoded bytes into pages. The peer of the logical replay rate, whose bytes never touch a disk.
 */
function memoryCopy(work: { readonly bytes: number }): Contender {
  const chunk = 8 << 20;
  const src = filledBytes(chunk, 78);
  const dst = new Uint8Array(chunk);
  return {
    name: 'memcpy',
    run: () => {
      for (let done = 0; done < work.bytes; done += chunk) dst.set(done + chunk <= work.bytes ? src : src.subarray(0, work.bytes - done));
    },
  };
}

/** A store of 1024 pages of 4 KiB and ~32 MiB of log, written once and replayed by two cases. */
interface ReplayStore {
  dir: string;
  /** Bytes a replay reads (the log as stored) and decodes (the records once decompressed). */
  bytesRead: number;
  logicalBytes: number;
}

/**
 * Writes the store a replay case reads, once per kind: with `distinct`, every staged image is fresh
 * seeded noise, so nothing compresses and the bytes read are the bytes applied; without it 8 images
 * repeat and the log compresses (LZ4, about 9:1), so replay reads little but decodes much.
 */
function replayFixture(distinct: boolean): () => Promise<ReplayStore> {
  let made: Promise<ReplayStore> | null = null;
  return () =>
    (made ??= (async () => {
      const mmsb = new MmsbSide();
      const pages = 1024;
      const logBytes = 32 << 20;
      const dir = await mmsb.open('none', pages);
      const images = Array.from({ length: 8 }, (_, i) => filledBytes(PAGE_SIZE, 5000 + i));
      let fresh = 0;
      const image = (k: number): Uint8Array => (distinct ? filledBytes(PAGE_SIZE, 9000 + fresh++) : (images[k % images.length] as Uint8Array));
      for (let written = 0, turn = 0; written < logBytes; turn++) {
        const tx = mmsb.s.begin();
        for (let i = 0; i < 64; i++) tx.stage(mmsb.ids[(turn * 64 + i) % pages] as number, image(turn + i));
        written += (await tx.commit()).recordBytes;
      }
      await mmsb.close();
      // The first replay warms the page cache and says how many bytes a replay reads and decodes.
      const first = await replayStore(dir);
      return { dir, bytesRead: first.bytesRead, logicalBytes: first.logicalBytes };
    })());
}

/**
 * Replay of a store holding ~32 MiB of log, from the page cache. `rate` says what a second counts:
 * 'read', the bytes of log read (as stored, compressed where it was); 'logical', the same replays'
 * records once decompressed (what replay decodes and applies). For an incompressible log the two
 * are the same.
 */
function replayCase(fixture: () => Promise<ReplayStore>, distinct: boolean, rate: 'read' | 'logical'): BenchCase {
  const work = { bytes: 32 << 20 };
  let dir = '';
  const label = distinct ? 'store.replay.page-cache.incompressible' : 'store.replay.page-cache';
  return {
    name: rate === 'read' ? label : `${label}.logical`,
    unit: 'bytes',
    get workPerCall() {
      return work.bytes;
    },
    iterations: 8,
    setup: async () => {
      const store = await fixture();
      dir = store.dir;
      work.bytes = rate === 'read' ? store.bytesRead : store.logicalBytes;
    },
    teardown: () => undefined,
    mmsb: { name: 'mmsb replay', run: async () => void (await replayStore(dir)) },
    peer: rate === 'read' ? sequentialWrite(32 << 20) : memoryCopy(work),
    ...(rate === 'read' ? { goal: { kind: 'rate-at-least' as const, value: 1e9 } } : {}),
    note:
      `replay to the last epoch of a store of 1024 pages of 4 KiB and ~32 MiB of log (dense page images${distinct ? ', every one fresh noise so nothing compresses' : ', 8 images repeating so the log compresses (LZ4)'}, no checkpoint), from the page cache; ` +
      (rate === 'read'
        ? 'rate = bytes of log read (as stored); the peer is the disk writing as much sequentially; goal ≥ 1 GB/s'
        : 'rate = logical bytes: the same replays\' records once decompressed (what replay decodes and applies); no goal, reported beside the bytes-read rate; the peer copies as many bytes in memory'),
  };
}

/** A checkpoint of 16 MiB of changed pages against one sequential write of 16 MiB. */
function checkpointCase(): BenchCase {
  const mmsb = new MmsbSide();
  const pages = 1024;
  const pageSize = 16 * 1024;
  const bytes = pages * pageSize;
  const images = Array.from({ length: 2 }, (_, i) => filledBytes(pageSize, 9000 + i));
  let turn = 0;
  return {
    name: 'store.checkpoint.16MiB',
    unit: 'bytes',
    workPerCall: bytes,
    iterations: 8,
    setup: async () => {
      // `sync`, not `none`: under `none` a checkpoint skips its fsyncs, which the peer pays for.
      await mmsb.open('sync', pages, pageSize);
    },
    teardown: () => mmsb.close(),
    mmsb: {
      name: 'mmsb checkpoint',
      beforeEach: async () => {
        // Dirty every page, untimed, so each checkpoint writes all 16 MiB.
        const tx = mmsb.s.begin();
        const image = images[turn++ % images.length] as Uint8Array;
        for (const id of mmsb.ids) tx.stage(id, image);
        await tx.commit();
      },
      run: async () => void (await mmsb.s.checkpoint()),
    },
    peer: sequentialWrite(bytes),
    goal: { kind: 'ratio-at-least', value: 0.7 },
    note: 'a checkpoint of 1024 changed pages of 16 KiB (manifest, fsync, rename included) against writing 16 MiB to a new file and fsyncing it; goal ≥ 0.7×',
  };
}

/** The page suite. */
export function pageCases(): BenchCase[] {
  const compressible = replayFixture(false);
  const incompressible = replayFixture(true);
  return [
    commitCase(),
    batchCase(),
    pageWriteCase(),
    replayCase(compressible, false, 'read'),
    replayCase(compressible, false, 'logical'),
    replayCase(incompressible, true, 'read'),
    checkpointCase(),
  ];
}

/** What the suite ran on, for the results file. */
export function pageContext(): Record<string, unknown> {
  return {
    native: physicalCapabilities().native,
    tmpdir: tmpdir(),
    durability: { mmsb: 'sync', sqlite: 'WAL, synchronous=FULL', lmdb: 'default (sync), each commit awaits db.flushed' },
  };
}
