import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isPageError } from '../../src/errors.js';
import { acquireDirectoryLock, LOCK_FILE } from '../../src/store/lock.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmsb-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the data-directory lock', () => {
  test('a second writer is refused with STORE_LOCKED naming the holder', () => {
    const lock = acquireDirectoryLock(dir);
    let refusal: unknown;
    try {
      acquireDirectoryLock(dir);
    } catch (error) {
      refusal = error;
    }
    expect(isPageError(refusal, 'STORE_LOCKED')).toBe(true);
    expect((refusal as Error).message).toContain(`process ${process.pid}`);
    lock.release();
  });

  test('release frees the directory for the next writer and is idempotent', () => {
    acquireDirectoryLock(dir).release();
    const again = acquireDirectoryLock(dir);
    again.release();
    again.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  test('a lock left by a dead process is taken over', () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname() }));
    const lock = acquireDirectoryLock(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, host: hostname() });
    lock.release();
  });

  test('a torn lock file (crash while writing it) counts as stale', () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    acquireDirectoryLock(dir).release();
  });

  test('a lock held by a live process elsewhere on the machine is refused', () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname() }));
    expect(() => acquireDirectoryLock(dir)).toThrow(/held by process/);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.ppid);
  });

  test('a missing directory is an IO_ERROR, not a crash', () => {
    let refusal: unknown;
    try {
      acquireDirectoryLock(join(dir, 'missing'));
    } catch (error) {
      refusal = error;
    }
    expect(isPageError(refusal, 'IO_ERROR')).toBe(true);
  });
});
