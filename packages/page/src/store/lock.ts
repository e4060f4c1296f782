import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PageError } from '../errors.js';

/** The name of the lock file inside a data directory. */
export const LOCK_FILE = 'LOCK';

/** Who holds a data directory: written into its LOCK file. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
}

/** A held lock on a data directory; `release()` is idempotent. */
export interface DirectoryLock {
  readonly path: string;
  readonly owner: LockOwner;
  release(): void;
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { pid, host } = parsed as { pid?: unknown; host?: unknown };
    return typeof pid === 'number' && typeof host === 'string' ? { pid, host } : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new PageError('IO_ERROR', `cannot create lock file ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    writeSync(fd, JSON.stringify(owner) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the single-writer lock of a data directory, or refuses with STORE_LOCKED naming the
 * holder. A lock left by a process that no longer exists on this host (a `kill -9`, a power
 * loss) is stale and is taken over: the LOCK file is renamed aside first, so of two processes
 * that find the same stale lock only one can break it.
 */
export function acquireDirectoryLock(dir: string): DirectoryLock {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, owner)) {
      let released = false;
      return {
        path,
        owner,
        release() {
          if (released) return;
          released = true;
          const current = readOwner(path);
          if (current && current.pid === owner.pid && current.host === owner.host) unlinkSync(path);
        },
      };
    }
    const holder = readOwner(path);
    if (holder && (holder.host !== owner.host || processAlive(holder.pid))) {
      const where = holder.host === owner.host ? `process ${holder.pid}` : `process ${holder.pid} on host ${holder.host}`;
      throw new PageError('STORE_LOCKED', `data directory ${dir} is held by ${where}; one writer at a time (its lock is ${path})`);
    }
    // Stale (or unreadable, e.g. torn by a crash while being written): move it aside and retry.
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new PageError('IO_ERROR', `cannot break stale lock ${path}: ${(error as Error).message}`, { cause: error });
      }
      continue;
    }
    const broken = readOwner(aside);
    if (broken && processAlive(broken.pid) && broken.host === owner.host) {
      // Another opener broke the stale lock and took the directory between our read and our
      // rename: what we moved aside is its live lock, so put it back and refuse.
      renameSync(aside, path);
      throw new PageError('STORE_LOCKED', `data directory ${dir} is held by process ${broken.pid}; one writer at a time`);
    }
    unlinkSync(aside);
  }
  throw new PageError('STORE_LOCKED', `could not take the lock of ${dir} after 3 attempts; another process keeps taking it`);
}

/** In-process locks of data directories on file systems other than node:fs (the crash simulator). */
const virtualLocks = new WeakMap<object, Set<string>>();

/**
 * The store's lock on `dir`. On the real file system it is {@link acquireDirectoryLock} (a LOCK
 * file naming the process, stale ones taken over). On any other {@link LogFileSystem} — an
 * in-memory simulated disk, which no other process can see — it is held in this process only,
 * keyed by that file system object, so a simulated crash (a fresh file system holding the old
 * disk) starts unlocked the way a rebooted machine does.
 */
export function acquireStoreLock(fs: object, dir: string, isNodeFs: boolean): DirectoryLock {
  if (isNodeFs) return acquireDirectoryLock(dir);
  const path = join(dir, LOCK_FILE);
  let held = virtualLocks.get(fs);
  if (held === undefined) {
    held = new Set();
    virtualLocks.set(fs, held);
  }
  if (held.has(path)) throw new PageError('STORE_LOCKED', `data directory ${dir} is held by this process; one writer at a time`);
  held.add(path);
  let released = false;
  const set = held;
  return {
    path,
    owner: { pid: process.pid, host: hostname() },
    release() {
      if (released) return;
      released = true;
      set.delete(path);
    },
  };
}

/**
 * Who holds `dir` now, or null when nobody does (no LOCK file, or one left by a dead process).
 * For a simulated file system (`isNodeFs` false) only this process's locks count.
 */
export function lockHolder(fs: object, dir: string, isNodeFs: boolean): LockOwner | null {
  const path = join(dir, LOCK_FILE);
  if (!isNodeFs) return virtualLocks.get(fs)?.has(path) === true ? { pid: process.pid, host: hostname() } : null;
  const owner = readOwner(path);
  if (owner === null) return null;
  return owner.host !== hostname() || processAlive(owner.pid) ? owner : null;
}
