// Shared by the derived-page tests: throwaway stores and small recompute functions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@mmsb/page';
import type { PageStore, StoreOptions } from '@mmsb/page';
import type { DerivedRecompute } from '../../src/index.js';

const dirs: string[] = [];
const stores: PageStore[] = [];

/** A fresh directory, removed by {@link cleanup}. */
export function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmsb-derived-'));
  dirs.push(dir);
  return dir;
}

/** Opens a store (durability `none`) in `dir` (a fresh one by default), closed by {@link cleanup}. */
export async function openTestStore(dir = freshDir(), options: StoreOptions = {}): Promise<PageStore> {
  const store = await openStore({ durability: 'none', ...options, dir });
  stores.push(store);
  return store;
}

/** Closes every store and removes every directory the tests made. */
export async function cleanup(): Promise<void> {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Creates `n` source pages of `size` bytes. */
export async function sources(store: PageStore, n: number, size = 8): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await store.createPage({ size })).id);
  return ids;
}

/** out[k] = 1 + Σ inputs[i][k] (mod 256): changes whenever exactly one input byte changes. */
export const sumPlusOne: DerivedRecompute = (inputs, previous) => {
  const out = new Uint8Array(previous.length);
  for (let k = 0; k < out.length; k++) {
    let s = 1;
    for (const input of inputs) s += input[k] ?? 0;
    out[k] = s & 0xff;
  }
  return out;
};

/** A page of `size` bytes, each `value`. */
export function filled(size: number, value: number): Uint8Array {
  return new Uint8Array(size).fill(value);
}
