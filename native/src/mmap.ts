// Memory-mapped files. Only the native binary can map memory: pure TS has no mmap, so without the
// binary mapFile throws NATIVE_UNAVAILABLE and callers choose another page location.
import type { MapFileOptions, MappedFile } from './api.js';
import { NativeError } from './errors.js';
import type { MappedFileHandle } from './internal/binding.js';
import { loaded } from './internal/loader.js';

class NativeMappedFile implements MappedFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly #handle: MappedFileHandle;

  constructor(path: string, handle: MappedFileHandle) {
    this.path = path;
    this.#handle = handle;
    this.bytes = handle.bytes;
  }

  sync(): void {
    this.#handle.sync();
  }

  close(): void {
    this.#handle.close();
  }
}

/**
 * Maps `size` bytes of the file at `path` read-write and shared (MAP_SHARED): every mapping of the
 * file, in this process or another, sees the same bytes. With `create` the file is created or grown
 * to `size`; otherwise a missing file is IO_ERROR and a short one MMAP_FAILED. After `close()`
 * (idempotent) `bytes` has length 0. Throws NATIVE_UNAVAILABLE without the native binary.
 */
export function mapFile(path: string, size: number, options: MapFileOptions = {}): MappedFile {
  if (loaded.binding === null) {
    throw new NativeError(
      'NATIVE_UNAVAILABLE',
      `mapFile(${path}): memory-mapped files need the native binary, which is not loaded. ${loaded.reason ?? ''}`,
    );
  }
  if (typeof path !== 'string' || path === '') {
    throw new NativeError('INVALID_ARGUMENT', 'mapFile: path must be a non-empty string');
  }
  const handle = new loaded.binding.MappedFileHandle(path, size, options.create ?? false);
  return new NativeMappedFile(path, handle);
}
