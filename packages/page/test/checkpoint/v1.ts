// The checkpoint writer of format 1 (one image file per page), kept in the tests so a store
// written by the previous version can be made and opened with the current code. It rewrites the
// format-2 checkpoints of a store as format-1 ones, byte by byte as format 1 lays them out
// (docs/formats/checkpoint.md, "Format 1"), and removes the packs.
import { crc32c } from '@mmsb/native';
import { decodeManifest, imageName, manifestEpoch, packName, writeEntryHead } from '../../src/checkpoint/format.js';
import type { ManifestEntry } from '../../src/checkpoint/format.js';
import type { CrashFileSystem } from '../support/crash-fs.js';

const MAGIC = new TextEncoder().encode('MMSBCKPT');
const TWO_32 = 0x1_0000_0000;

function putU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % TWO_32, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

/** A format-1 manifest: 32-byte header, 48-byte entries, CRC32C. */
export function encodeManifestV1(epoch: number, entries: readonly ManifestEntry[]): Uint8Array {
  const out = new Uint8Array(32 + 48 * entries.length + 4);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, 1, true);
  putU64(view, 16, epoch);
  view.setUint32(24, entries.length, true);
  view.setUint32(28, 48, true);
  let at = 32;
  for (const e of entries) {
    writeEntryHead(view, at, e);
    view.setUint32(at + 28, e.storedBytes, true);
    view.setUint32(at + 32, e.storedCrc, true);
    view.setUint32(at + 36, e.rawCrc, true);
    at += 48;
  }
  view.setUint32(at, crc32c(out.subarray(0, at)), true);
  return out;
}

async function put(fs: CrashFileSystem, path: string, bytes: Uint8Array): Promise<void> {
  const file = await fs.open(path, 'create');
  await file.write(bytes, 0);
  await file.sync();
  await file.close();
}

/** Rewrites every checkpoint under `dir` (a store's `checkpoints/`) in format 1; returns their epochs. */
export async function downgradeToV1(fs: CrashFileSystem, dir: string): Promise<number[]> {
  const epochs: number[] = [];
  const packs = new Set<number>();
  await fs.mkdir(`${dir}/images`);
  for (const path of fs.list(dir)) {
    const epoch = manifestEpoch(path.slice(dir.length + 1));
    if (epoch === null) continue;
    const m = decodeManifest(fs.bytes(path));
    if (typeof m === 'string') throw new Error(m);
    for (const e of m.entries) {
      const pack = e.pack as number;
      packs.add(pack);
      const image = `${dir}/images/${imageName(e.id, e.epoch)}`;
      if (fs.list(`${dir}/images`).includes(image)) continue;
      await put(fs, image, fs.bytes(`${dir}/${packName(pack)}`).subarray(e.offset, e.offset + e.storedBytes));
    }
    await fs.unlink(path);
    await put(fs, path, encodeManifestV1(epoch, m.entries));
    epochs.push(epoch);
  }
  for (const p of packs) await fs.unlink(`${dir}/${packName(p)}`);
  await fs.syncDir(`${dir}/images`);
  await fs.syncDir(dir);
  return epochs.sort((a, b) => a - b);
}
