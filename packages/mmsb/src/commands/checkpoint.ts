// `mmsb checkpoint`: open an existing data directory, write a checkpoint, close it.
import { inspectStore, openStore } from '@mmsb/page';
import type { CheckpointInfo, ProgressCallback } from '@mmsb/page';
import { formatBytes, formatMs } from '../internal/format.js';

/** A checkpoint written by `mmsb checkpoint`, with how long it took. */
export interface CheckpointReport extends CheckpointInfo {
  readonly dir: string;
  readonly ms: number;
}

/**
 * Checkpoints the store in `dir`. The directory must already be a store (`NOT_A_STORE`
 * otherwise — this command never creates one) and not held by another writer (`STORE_LOCKED`).
 */
export async function checkpointDir(dir: string, onProgress?: ProgressCallback): Promise<CheckpointReport> {
  await inspectStore(dir); // refuses a directory that is not a store, before open would create one
  const store = await openStore({ dir, ...(onProgress ? { onProgress } : {}) });
  try {
    const t0 = performance.now();
    const info = await store.checkpoint(onProgress ? { onProgress } : {});
    return { ...info, dir: store.dir, ms: performance.now() - t0 };
  } finally {
    await store.close();
  }
}

/** The checkpoint report as a line a person reads. */
export function formatCheckpoint(report: CheckpointReport): string {
  return [
    `mmsb checkpoint ${report.dir}`,
    `  epoch ${report.epoch}: ${report.pagesWritten} of ${report.pages} pages written (${formatBytes(report.bytesWritten)}) in ${formatMs(report.ms)}`,
    `  ${report.path}`,
  ].join('\n');
}
