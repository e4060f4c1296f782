// The data directory's layout (DESIGN.md §4): `tlog/`, `checkpoints/`, `LOCK`, and a marker file
// that tells an MMSB directory from any other, so a store never writes into a directory it did
// not make.
import { join } from 'node:path';
import { PageError } from '../errors.js';
import type { LogFileSystem } from '../internal/fs.js';
import { errnoOf, ioError, readWhole, writeFileAtomic } from './files.js';
import { LOCK_FILE } from './lock.js';

/** The marker file's name in a data directory. */
export const MARKER_FILE = 'MMSB';

/** The marker's content: names the layout version. */
export const MARKER_TEXT = 'mmsb data directory, layout 1\n';

/** What {@link classifyStoreDir} found. */
export type StoreDirKind = 'store' | 'fresh';

/** Names a crashed creation may leave before the marker is in place: such a directory is still fresh. */
const FRESH_NAMES = new Set([LOCK_FILE, `${MARKER_FILE}.tmp`]);

/**
 * Whether `dir` is an MMSB data directory (`store`), empty or missing (`fresh`), or something else
 * (NOT_A_STORE, naming what was found). Changes nothing on disk.
 */
export async function classifyStoreDir(fs: LogFileSystem, dir: string): Promise<StoreDirKind> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') return 'fresh';
    if (code === 'ENOTDIR') throw new PageError('NOT_A_STORE', `${dir} is a file, not an MMSB data directory`, { cause: error });
    throw ioError(`store: cannot read ${dir}`, error);
  }
  if (names.includes(MARKER_FILE)) {
    let text: string;
    try {
      text = new TextDecoder().decode(await readWhole(fs, join(dir, MARKER_FILE)));
    } catch (error) {
      throw ioError(`store: cannot read ${join(dir, MARKER_FILE)}`, error);
    }
    if (text !== MARKER_TEXT) {
      throw new PageError('NOT_A_STORE', `${join(dir, MARKER_FILE)} holds ${JSON.stringify(text.slice(0, 40))}, expected ${JSON.stringify(MARKER_TEXT)}`);
    }
    return 'store';
  }
  const foreign = names.filter((n) => !FRESH_NAMES.has(n)).sort();
  if (foreign.length === 0) return 'fresh';
  throw new PageError(
    'NOT_A_STORE',
    `${dir} is not empty and has no ${MARKER_FILE} marker (it holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); refusing to use it as an MMSB data directory`,
  );
}

/** Writes the marker of a fresh data directory (temporary name, fsync, rename, directory fsync). */
export async function writeMarker(fs: LogFileSystem, dir: string, durable: boolean): Promise<void> {
  try {
    await writeFileAtomic(fs, join(dir, MARKER_FILE), new TextEncoder().encode(MARKER_TEXT), durable);
    if (durable) await fs.syncDir(dir);
  } catch (error) {
    throw ioError(`store: cannot write the marker of ${dir}`, error);
  }
}
