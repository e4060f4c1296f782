// Whole-file helpers over the LogFileSystem, so checkpoints and the store's marker go through the
// same file layer as the log and the crash simulator can test them.
import { PageError } from '../errors.js';
import type { LogFileSystem } from '../internal/fs.js';

/** A PageError of code IO_ERROR naming what failed; a PageError passes through. */
export function ioError(what: string, cause: unknown): PageError {
  return cause instanceof PageError ? cause : new PageError('IO_ERROR', `${what}: ${String(cause)}`, { cause });
}

/** The system error code of `error` ('ENOENT', …), or undefined. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The whole content of `path`. */
export async function readWhole(fs: LogFileSystem, path: string): Promise<Uint8Array> {
  const file = await fs.open(path, 'read');
  try {
    const size = await file.size();
    const out = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const n = await file.read(out, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? out : out.subarray(0, got);
  } finally {
    await file.close();
  }
}

/** Removes `path`; a missing file is not an error. */
export async function unlinkIfPresent(fs: LogFileSystem, path: string): Promise<boolean> {
  try {
    await fs.unlink(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes `bytes` to `path` the crash-safe way: into `path.tmp` (replacing a leftover), fsynced
 * when `durable`, then renamed over `path`. The caller fsyncs the directory (once for many files).
 */
export async function writeFileAtomic(fs: LogFileSystem, path: string, bytes: Uint8Array, durable: boolean): Promise<void> {
  const tmp = `${path}.tmp`;
  let file;
  try {
    file = await fs.open(tmp, 'create');
  } catch (error) {
    // A leftover of an interrupted write: remove it and create afresh (the usual case, no
    // leftover, costs no extra call).
    if (errnoOf(error) !== 'EEXIST') throw error;
    await unlinkIfPresent(fs, tmp);
    file = await fs.open(tmp, 'create');
  }
  try {
    await file.write(bytes, 0);
    if (durable) await file.datasync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, path);
}

/** Names in `dir`, or an empty list when it does not exist. */
export async function listDir(fs: LogFileSystem, dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw error;
  }
}
