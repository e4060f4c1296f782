// A LogFileSystem around the crash simulator that can also cut the power at the nth directory
// operation (create, rename, unlink, directory fsync), which the simulator's own triggers (file
// writes and fsyncs) do not reach, and counts the bytes read from pack files.
import type { LogFile, LogFileSystem, LogOpenMode, LogOpenOptions } from '../../src/index.js';
import { PowerLossError } from '../support/crash-fs.js';
import type { CrashFileSystem } from '../support/crash-fs.js';

export class ProbeFileSystem implements LogFileSystem {
  /** Directory operations that completed. */
  dirOps = 0;
  /** Bytes read from `*.pack` files. */
  packBytesRead = 0;
  private crashAt: number | null = null;

  constructor(readonly inner: CrashFileSystem) {}

  /** Cuts the power just before the nth directory operation from now. */
  crashAtDirOp(n: number): void {
    this.crashAt = this.dirOps + n;
  }

  private gate(): void {
    if (this.crashAt !== null && this.dirOps + 1 === this.crashAt) {
      this.crashAt = null;
      this.inner.crash();
      throw new PowerLossError();
    }
  }

  private async dirOp<T>(body: () => Promise<T>): Promise<T> {
    this.gate();
    const out = await body();
    this.dirOps++;
    return out;
  }

  async open(path: string, mode: LogOpenMode, options?: LogOpenOptions): Promise<LogFile> {
    const file = mode === 'create' ? await this.dirOp(() => this.inner.open(path, mode, options)) : await this.inner.open(path, mode, options);
    if (!path.endsWith('.pack')) return file;
    const read = file.read.bind(file);
    file.read = async (buffer, offset, length, position) => {
      const n = await read(buffer, offset, length, position);
      this.packBytesRead += n;
      return n;
    };
    return file;
  }

  mkdir(path: string): Promise<boolean> {
    return this.inner.mkdir(path);
  }

  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path);
  }

  rename(from: string, to: string): Promise<void> {
    return this.dirOp(() => this.inner.rename(from, to));
  }

  unlink(path: string): Promise<void> {
    return this.dirOp(() => this.inner.unlink(path));
  }

  syncDir(path: string): Promise<void> {
    return this.dirOp(() => this.inner.syncDir(path));
  }
}
