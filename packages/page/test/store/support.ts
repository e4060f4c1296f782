// Fixtures of the store tests: temporary data directories and small deterministic pages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/index.js';
import type { PageStore, StoreOptions } from '../../src/index.js';

/** A fresh temporary directory and a function removing it. */
export function tempDir(prefix = 'mmsb-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store in `dir` with small segments and no fsyncs unless told otherwise. */
export function open(dir: string, options: Partial<StoreOptions> = {}): Promise<PageStore> {
  return openStore({ dir, durability: 'none', segmentBytes: 4096, ...options });
}

/** `n` bytes that name `seed` in every byte, so misplaced bytes show. */
export function bytesOf(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed * 31 + i * 7) & 0xff;
  return out;
}

/** The refusal of `body` (a rejected promise or a throw), for asserting on its code. */
export async function refusal(body: () => unknown): Promise<unknown> {
  try {
    await body();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal, got success');
}
