// A simulated disk in the spirit of SQLite's crash VFS and LazyFS. It keeps, for every file, the
// bytes that have reached "stable storage" (fsynced) and the writes since then; for every
// directory, the entry changes not yet fsynced. A test arms a crash ("power loss at the Nth
// fsync", "after N writes"); from then on every call fails, and `afterCrash` builds the disk a
// power loss would leave, deciding per unsynced write whether it survived whole, was dropped,
// torn (a prefix survived), garbled (random bytes from some point on) or split into sectors that
// each did or did not land (the disk reordered them). Randomness is a seeded generator.
//
// A file opened with `dsync` (O_DSYNC) behaves as Linux's: each write is a pwrite followed by an
// fdatasync of just its range. It counts as a write and as an fsync (a crash can fire at either:
// at the write, or at its flush, which `completes` or not), and once it returns its bytes are
// durable — and only its bytes: other unsynced writes to the file stay unsynced, the directory
// entry stays as unsynced as it was. So a power loss can tear, drop or garble only the O_DSYNC write
// in flight, never one that returned.
import { basename, dirname, posix } from 'node:path';
import type { LogFile, LogFileSystem, LogOpenMode, LogOpenOptions } from '../../src/index.js';

/** A seeded 32-bit generator (mulberry32): the same seed gives the same crash. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What power loss does to one unsynced write. */
export type WriteFate = 'keep' | 'drop' | 'torn' | 'garble' | 'sectors';

/** How {@link CrashFileSystem.afterCrash} treats what was not yet durable. */
export interface CrashPlan {
  /** Fate of every unsynced write, or 'mixed' to draw one per write. */
  readonly writes: WriteFate | 'mixed';
  /** Unsynced directory changes (create, rename, unlink): all kept, all lost, or a random prefix (default). */
  readonly dirOps?: 'keep' | 'drop' | 'prefix';
  /** Seed of the draws. */
  readonly seed: number;
}

/** When the armed crash fires. */
export interface CrashTrigger {
  /** The kind of call counted. */
  readonly at: 'fsync' | 'write';
  /** Fire on the nth such call (1-based), counted from when the trigger is armed. */
  readonly n: number;
  /**
   * For 'fsync': whether that fsync reached the disk before the power went (default false). For
   * 'write': the nth write always lands in the page cache first (then the power goes).
   */
  readonly completes?: boolean;
}

/** The error every call gets once the simulated power is gone. */
export class PowerLossError extends Error {
  constructor() {
    super('simulated power loss');
    this.name = 'PowerLossError';
  }
}

type DataOp = { readonly kind: 'write'; readonly offset: number; readonly data: Uint8Array } | { readonly kind: 'truncate'; readonly size: number };
type DirOp =
  | { readonly kind: 'link'; readonly path: string; readonly inode: Inode }
  | { readonly kind: 'unlink'; readonly path: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'mkdir'; readonly path: string };

/** One simulated file: its durable bytes, its writes since the last fsync and its current bytes. */
export class Inode {
  durable: Uint8Array;
  pending: DataOp[] = [];
  buf: Uint8Array;
  size: number;

  constructor(bytes: Uint8Array) {
    this.durable = bytes;
    this.buf = bytes.slice();
    this.size = bytes.byteLength;
  }

  current(): Uint8Array {
    return this.buf.subarray(0, this.size);
  }

  write(data: Uint8Array, offset: number): void {
    const end = offset + data.byteLength;
    if (end > this.buf.byteLength) {
      const next = new Uint8Array(Math.max(end, this.buf.byteLength * 2));
      next.set(this.buf.subarray(0, this.size));
      this.buf = next;
    }
    if (offset > this.size) this.buf.fill(0, this.size, offset);
    this.buf.set(data, offset);
    this.size = Math.max(this.size, end);
    this.pending.push({ kind: 'write', offset, data: data.slice() });
  }

  truncate(size: number): void {
    if (size > this.size) {
      this.write(new Uint8Array(size - this.size), this.size);
      return;
    }
    this.buf.fill(0, size, this.size);
    this.size = size;
    this.pending.push({ kind: 'truncate', size });
  }

  sync(): void {
    this.durable = this.current().slice();
    this.pending = [];
  }

  /**
   * An O_DSYNC write just made (the last pending op) reaches stable storage, range only. Earlier
   * unsynced writes stay unsynced but lose the bytes it covered (those reached the disk with its
   * newer bytes), so replaying them after a crash can never undo it. A pending truncate changed
   * the size, which the flush's journal commit makes durable: then the whole file is synced (more
   * than a range flush may do, only in a case the TLog never makes).
   */
  syncLastWrite(): void {
    const op = this.pending.at(-1);
    if (op?.kind !== 'write') throw new Error('syncLastWrite: the last pending op is not a write');
    if (this.pending.some((p) => p.kind === 'truncate')) {
      this.sync();
      return;
    }
    this.pending.pop();
    const from = op.offset;
    const to = op.offset + op.data.byteLength;
    this.durable = applyWrite(this.durable.slice(), from, op.data);
    this.pending = this.pending.flatMap((p): DataOp[] => {
      if (p.kind !== 'write') return [p];
      const end = p.offset + p.data.byteLength;
      if (end <= from || p.offset >= to) return [p];
      const out: DataOp[] = [];
      if (p.offset < from) out.push({ kind: 'write', offset: p.offset, data: p.data.subarray(0, from - p.offset) });
      if (end > to) out.push({ kind: 'write', offset: to, data: p.data.subarray(to - p.offset) });
      return out;
    });
  }
}

function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

function applyWrite(bytes: Uint8Array, offset: number, data: Uint8Array): Uint8Array {
  const end = offset + data.byteLength;
  let out = bytes;
  if (end > bytes.byteLength) {
    out = new Uint8Array(end);
    out.set(bytes);
  }
  out.set(data, offset);
  return out;
}

/** Applies an unsynced write to the surviving bytes as `fate` says. */
function landWrite(bytes: Uint8Array, op: { offset: number; data: Uint8Array }, fate: WriteFate, rnd: () => number): Uint8Array {
  const { offset, data } = op;
  switch (fate) {
    case 'keep':
      return applyWrite(bytes, offset, data);
    case 'drop':
      return bytes;
    case 'torn': {
      const keep = Math.floor(rnd() * data.byteLength);
      return keep === 0 ? bytes : applyWrite(bytes, offset, data.subarray(0, keep));
    }
    case 'garble': {
      const from = Math.floor(rnd() * data.byteLength);
      const garbled = data.slice();
      for (let i = from; i < garbled.byteLength; i++) garbled[i] = Math.floor(rnd() * 256);
      return applyWrite(bytes, offset, garbled);
    }
    case 'sectors': {
      let out = bytes;
      // Sectors of 512 bytes at file offsets land independently, in any order.
      let at = offset;
      while (at < offset + data.byteLength) {
        const next = Math.min(offset + data.byteLength, (Math.floor(at / 512) + 1) * 512);
        if (rnd() < 0.5) out = applyWrite(out, at, data.subarray(at - offset, next - offset));
        at = next;
      }
      return out;
    }
  }
}

const FATES: readonly WriteFate[] = ['keep', 'drop', 'torn', 'garble', 'sectors'];

/** An in-memory {@link LogFileSystem} that can lose power. Paths are POSIX, absolute. */
export class CrashFileSystem implements LogFileSystem {
  private files = new Map<string, Inode>();
  private dirs = new Set<string>(['/']);
  private durableFiles = new Map<string, Inode>();
  private durableDirs = new Set<string>(['/']);
  private pendingDirOps: DirOp[] = [];
  private trigger: CrashTrigger | null = null;
  private triggerCount = 0;
  private failures: { op: 'write' | 'fsync'; n: number; count: number } | null = null;
  /** True once the simulated power is gone. */
  crashed = false;
  /** fsync + fdatasync calls on files that completed, and the flushes of O_DSYNC writes that completed. */
  fsyncs = 0;
  /** Writes to O_DSYNC files that completed (durable); counted in {@link writes} and {@link fsyncs} too. */
  dsyncWrites = 0;
  /** Explicit fsync/fdatasync calls on files that completed (no O_DSYNC write flushes). */
  syncCalls = 0;
  /** fsync calls on directories that completed. */
  dirSyncs = 0;
  /** write calls that completed. */
  writes = 0;

  /** Arms a crash; see {@link CrashTrigger}. */
  crashAt(trigger: CrashTrigger): void {
    this.trigger = trigger;
    this.triggerCount = 0;
  }

  /** Makes the nth call of `op` (from now) fail with EIO once, without a crash. */
  failAt(op: 'write' | 'fsync', n: number): void {
    this.failures = { op, n, count: 0 };
  }

  /** Cuts the power now. */
  crash(): void {
    this.crashed = true;
  }

  /** The disk a power loss leaves (the power must be gone: see {@link crash}). A fresh file system on it. */
  afterCrash(plan: CrashPlan): CrashFileSystem {
    if (!this.crashed) throw new Error('afterCrash needs a crash first');
    const rnd = seededRandom(plan.seed);
    const files = new Map(this.durableFiles);
    const dirs = new Set(this.durableDirs);
    const mode = plan.dirOps ?? 'prefix';
    const kept = mode === 'keep' ? this.pendingDirOps.length : mode === 'drop' ? 0 : Math.floor(rnd() * (this.pendingDirOps.length + 1));
    for (const op of this.pendingDirOps.slice(0, kept)) applyDirOp(files, dirs, op);
    const out = new CrashFileSystem();
    out.dirs = dirs;
    out.durableDirs = new Set(dirs);
    const landed = new Map<Inode, Inode>();
    for (const [path, inode] of files) {
      let fresh = landed.get(inode);
      if (fresh === undefined) {
        let bytes: Uint8Array = inode.durable.slice();
        for (const op of inode.pending) {
          const fate = plan.writes === 'mixed' ? (FATES[Math.floor(rnd() * FATES.length)] ?? 'keep') : plan.writes;
          if (op.kind === 'write') bytes = landWrite(bytes, op, fate, rnd);
          else if (fate !== 'drop') bytes = bytes.slice(0, Math.min(op.size, bytes.byteLength));
        }
        fresh = new Inode(bytes);
        landed.set(inode, fresh);
      }
      out.files.set(path, fresh);
      out.durableFiles.set(path, fresh);
    }
    return out;
  }

  /** A separate file system holding this one's current state, all of it durable (a copy of the disk after a clean shutdown). */
  clone(): CrashFileSystem {
    const out = new CrashFileSystem();
    out.dirs = new Set(this.dirs);
    out.durableDirs = new Set(this.dirs);
    for (const [path, inode] of this.files) {
      const copy = new Inode(inode.current().slice());
      out.files.set(path, copy);
      out.durableFiles.set(path, copy);
    }
    return out;
  }

  /** Paths of the files in `dir`, sorted. */
  list(dir: string): string[] {
    return [...this.files.keys()].filter((p) => dirname(p) === dir).sort();
  }

  /** A copy of the current bytes of `path` (synced or not). */
  bytes(path: string): Uint8Array {
    const inode = this.files.get(path);
    if (inode === undefined) throw fsError('ENOENT', path);
    return inode.current().slice();
  }

  private live(): void {
    if (this.crashed) throw new PowerLossError();
  }

  private count(op: 'write' | 'fsync'): 'crash-before' | 'crash-after' | 'fail' | 'ok' {
    if (this.failures !== null && this.failures.op === op && ++this.failures.count === this.failures.n) {
      this.failures = null;
      return 'fail';
    }
    if (this.trigger !== null && this.trigger.at === op && ++this.triggerCount === this.trigger.n) {
      this.trigger = null;
      return op === 'write' ? 'crash-after' : 'crash-before';
    }
    return 'ok';
  }

  private fsyncOutcome(completes: boolean): 'crash-before' | 'crash-after' | 'fail' | 'ok' {
    const outcome = this.count('fsync');
    if (outcome === 'crash-before' && completes) return 'crash-after';
    return outcome;
  }

  open(path: string, mode: LogOpenMode, options?: LogOpenOptions): Promise<LogFile> {
    const dsync = options?.dsync === true && mode !== 'read';
    return this.op(() => {
      const existing = this.files.get(path);
      if (mode === 'create') {
        if (existing !== undefined) throw fsError('EEXIST', path);
        if (!this.dirs.has(dirname(path))) throw fsError('ENOENT', dirname(path));
        const inode = new Inode(new Uint8Array(0));
        this.files.set(path, inode);
        this.pendingDirOps.push({ kind: 'link', path, inode });
        return new CrashFile(this, inode, dsync);
      }
      if (existing === undefined) throw fsError('ENOENT', path);
      return new CrashFile(this, existing, dsync);
    });
  }

  mkdir(path: string): Promise<boolean> {
    return this.op(() => {
      if (this.dirs.has(path)) return false;
      const parent = dirname(path);
      if (parent !== path && !this.dirs.has(parent)) {
        this.mkdirSync(parent);
      }
      this.mkdirSync(path);
      return true;
    });
  }

  private mkdirSync(path: string): void {
    const parent = dirname(path);
    if (parent !== path && !this.dirs.has(parent)) this.mkdirSync(parent);
    this.dirs.add(path);
    this.pendingDirOps.push({ kind: 'mkdir', path });
  }

  readdir(path: string): Promise<string[]> {
    return this.op(() => {
      if (!this.dirs.has(path)) throw fsError('ENOENT', path);
      const names = [...this.files.keys()].filter((p) => dirname(p) === path).map((p) => basename(p));
      for (const d of this.dirs) if (d !== path && dirname(d) === path) names.push(basename(d));
      return names;
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.op(() => {
      const inode = this.files.get(from);
      if (inode === undefined) throw fsError('ENOENT', from);
      if (!this.dirs.has(dirname(to))) throw fsError('ENOENT', dirname(to));
      this.files.delete(from);
      this.files.set(to, inode);
      this.pendingDirOps.push({ kind: 'rename', from, to });
    });
  }

  unlink(path: string): Promise<void> {
    return this.op(() => {
      if (!this.files.delete(path)) throw fsError('ENOENT', path);
      this.pendingDirOps.push({ kind: 'unlink', path });
    });
  }

  syncDir(path: string): Promise<void> {
    return this.op(() => {
      if (!this.dirs.has(path)) throw fsError('ENOENT', path);
      // A journaling file system commits metadata in order: fsyncing a directory makes every
      // earlier entry change durable too, up to the last one touching this directory.
      let last = -1;
      this.pendingDirOps.forEach((op, i) => {
        if (touches(op, path)) last = i;
      });
      for (const op of this.pendingDirOps.splice(0, last + 1)) applyDirOp(this.durableFiles, this.durableDirs, op);
      this.dirSyncs++;
    });
  }

  /**
   * @internal file calls route through here so the power check and triggers live in one place.
   * Synchronous (throws); `write` wraps it in a promise, `writeSync` calls it as is. A `dsync`
   * write is the write, then the flush of its range, each counted and each a place to crash.
   */
  fileWrite(inode: Inode, data: Uint8Array, position: number, dsync: boolean): void {
    this.live();
    const outcome = this.count('write');
    if (outcome === 'fail') throw fsError('EIO', 'injected write failure');
    inode.write(data, position);
    this.writes++;
    if (outcome === 'crash-after') {
      this.crashed = true;
      throw new PowerLossError();
    }
    if (!dsync) return;
    // The flush: on EIO or a power loss before it completes, the bytes sit in the page cache only.
    this.flush(() => inode.syncLastWrite(), 'injected O_DSYNC flush failure');
    this.dsyncWrites++;
  }

  /** @internal */
  fileSync(inode: Inode): Promise<void> {
    return this.op(() => {
      this.flush(() => inode.sync(), 'injected fsync failure');
      this.syncCalls++;
    });
  }

  /** One fsync-like flush, counted: fails, loses power before or after it reaches the disk, or completes. */
  private flush(land: () => void, failure: string): void {
    const completes = this.trigger?.at === 'fsync' && this.trigger.completes === true;
    const outcome = this.fsyncOutcome(completes);
    if (outcome === 'fail') throw fsError('EIO', failure);
    if (outcome === 'crash-before') {
      this.crashed = true;
      throw new PowerLossError();
    }
    land();
    this.fsyncs++;
    if (outcome === 'crash-after') {
      this.crashed = true;
      throw new PowerLossError();
    }
  }

  /** @internal */
  op<T>(body: () => T): Promise<T> {
    try {
      this.live();
      return Promise.resolve(body());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

function touches(op: DirOp, dir: string): boolean {
  switch (op.kind) {
    case 'rename':
      return dirname(op.from) === dir || dirname(op.to) === dir;
    default:
      return dirname(op.path) === dir;
  }
}

function applyDirOp(files: Map<string, Inode>, dirs: Set<string>, op: DirOp): void {
  switch (op.kind) {
    case 'link':
      files.set(op.path, op.inode);
      break;
    case 'unlink':
      files.delete(op.path);
      break;
    case 'rename': {
      const inode = files.get(op.from);
      if (inode !== undefined) {
        files.delete(op.from);
        files.set(op.to, inode);
      }
      break;
    }
    case 'mkdir':
      dirs.add(op.path);
      break;
  }
}

class CrashFile implements LogFile {
  private closed = false;

  constructor(
    private readonly fs: CrashFileSystem,
    private readonly inode: Inode,
    readonly dsync: boolean,
  ) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return this.fs.op(() => {
      this.check();
      const cur = this.inode.current();
      const n = Math.max(0, Math.min(length, cur.byteLength - position));
      buffer.set(cur.subarray(position, position + n), offset);
      return n;
    });
  }

  write(data: Uint8Array, position: number): Promise<void> {
    if (this.closed) return Promise.reject(fsError('EBADF', 'closed'));
    return this.fs.op(() => this.fs.fileWrite(this.inode, data, position, this.dsync));
  }

  writeSync(data: Uint8Array, position: number): void {
    this.check();
    this.fs.fileWrite(this.inode, data, position, this.dsync);
  }

  datasync(): Promise<void> {
    if (this.closed) return Promise.reject(fsError('EBADF', 'closed'));
    return this.fs.fileSync(this.inode);
  }

  sync(): Promise<void> {
    return this.datasync();
  }

  truncate(length: number): Promise<void> {
    return this.fs.op(() => {
      this.check();
      this.inode.truncate(length);
    });
  }

  size(): Promise<number> {
    return this.fs.op(() => {
      this.check();
      return this.inode.size;
    });
  }

  close(): Promise<void> {
    // Closing after the power is gone must not throw: the process is gone, not the handle.
    this.closed = true;
    return Promise.resolve();
  }

  private check(): void {
    if (this.closed) throw fsError('EBADF', 'closed');
  }
}

/** Joins POSIX path parts (the crash file system's paths). */
export const vpath = posix.join;
