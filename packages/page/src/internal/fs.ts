// The file layer under the TLog. It is an interface so tests can swap in a simulated disk that
// tracks unsynced writes and "loses power" (test/support/crash-fs.ts); the real implementation is
// a thin wrapper over node:fs and adds nothing on the hot path.
import { constants as fsConstants, fdatasync, write as fsWrite, writeSync as fsWriteSync } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** How {@link LogFileSystem.open} opens a file. */
export type LogOpenMode =
  /** Read only; the file must exist. */
  | 'read'
  /** Read and write; the file must exist. */
  | 'readwrite'
  /** Read and write a new, empty file; fails when the name exists (O_CREAT | O_EXCL). */
  | 'create';

/** Extra ways {@link LogFileSystem.open} can open a file. */
export interface LogOpenOptions {
  /**
   * O_DSYNC: every `write`/`writeSync` returns only once its bytes, and the file size needed to
   * read them, are on stable storage (a pwrite and an fdatasync of its range in one call). It makes
   * nothing else durable: not other unsynced writes to the file, not the file's directory entry.
   */
  readonly dsync?: boolean;
}

/** An open file. Positions are explicit (pread/pwrite); there is no file cursor. */
export interface LogFile {
  /** Whether the file was opened with {@link LogOpenOptions.dsync}: each write is durable when it returns. */
  readonly dsync: boolean;
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves to the count read (0 at end of file). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Writes all of `data` at `position` (pwrite), extending the file when needed. */
  write(data: Uint8Array, position: number): Promise<void>;
  /**
   * {@link write} on the calling thread: blocks until every byte is written (and, on a `dsync`
   * file, durable). No threadpool round trip; it stalls the event loop for the call's duration.
   */
  writeSync(data: Uint8Array, position: number): void;
  /** fdatasync: the file's bytes (and the size needed to read them) reach stable storage. */
  datasync(): Promise<void>;
  /** fsync: bytes and all metadata reach stable storage. */
  sync(): Promise<void>;
  /** Sets the file's length (ftruncate); not durable until the next sync/datasync. */
  truncate(length: number): Promise<void>;
  /** The file's current length in bytes. */
  size(): Promise<number>;
  /** Closes the handle; unsynced bytes stay unsynced. */
  close(): Promise<void>;
}

/** The directory and file operations the TLog needs, and nothing more. */
export interface LogFileSystem {
  /** Opens `path`; see {@link LogOpenMode} and {@link LogOpenOptions}. */
  open(path: string, mode: LogOpenMode, options?: LogOpenOptions): Promise<LogFile>;
  /** Creates `path` and missing parents; resolves to true when `path` itself was created. */
  mkdir(path: string): Promise<boolean>;
  /** Names in the directory (files and subdirectories), in no particular order. */
  readdir(path: string): Promise<string[]>;
  /** Atomically renames `from` to `to`, replacing `to`; durable after {@link syncDir} of both parents. */
  rename(from: string, to: string): Promise<void>;
  /** Removes the name; durable after {@link syncDir} of its parent. */
  unlink(path: string): Promise<void>;
  /** fsync on the directory, so entries created, renamed or removed in it survive power loss. */
  syncDir(path: string): Promise<void>;
}

// write/datasync go through the callback API on the raw descriptor: one threadpool round trip with
// less overhead than FileHandle's promise wrappers. The FileHandle still owns the descriptor.
function pwrite(fd: number, data: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fsWrite(fd, data, offset, length, position, (error, written) => {
      if (error === null) resolve(written);
      else reject(error);
    });
  });
}

class NodeLogFile implements LogFile {
  private readonly fd: number;

  constructor(
    private readonly handle: FileHandle,
    readonly dsync: boolean,
  ) {
    this.fd = handle.fd;
  }

  async read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    const { bytesRead } = await this.handle.read(buffer, offset, length, position);
    return bytesRead;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    // pwrite may write short on some file systems; loop until every byte is down.
    while (done < data.byteLength) {
      done += await pwrite(this.fd, data, done, data.byteLength - done, position + done);
    }
  }

  writeSync(data: Uint8Array, position: number): void {
    let done = 0;
    while (done < data.byteLength) {
      done += fsWriteSync(this.fd, data, done, data.byteLength - done, position + done);
    }
  }

  datasync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fdatasync(this.fd, (error) => {
        if (error === null) resolve();
        else reject(error);
      });
    });
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

const OPEN_FLAGS: Record<LogOpenMode, number> = {
  read: fsConstants.O_RDONLY,
  readwrite: fsConstants.O_RDWR,
  create: fsConstants.O_RDWR | fsConstants.O_CREAT | fsConstants.O_EXCL,
};

/** The real file system (node:fs/promises), used when no `fs` is given. */
export const nodeLogFileSystem: LogFileSystem = {
  async open(path, mode, options) {
    const dsync = options?.dsync === true && mode !== 'read';
    return new NodeLogFile(await open(path, OPEN_FLAGS[mode] | (dsync ? fsConstants.O_DSYNC : 0), 0o644), dsync);
  },
  async mkdir(path) {
    const made = await mkdir(path, { recursive: true });
    // mkdir -p reports the first directory it made; `path` was made when that is path or an ancestor.
    return made !== undefined;
  },
  readdir(path) {
    return readdir(path);
  },
  rename(from, to) {
    return rename(from, to);
  },
  unlink(path) {
    return unlink(path);
  },
  async syncDir(path) {
    const handle = await open(path, fsConstants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** The parent directory of `path` (for directory fsyncs after create/rename/unlink). */
export function parentDir(path: string): string {
  return dirname(path);
}
