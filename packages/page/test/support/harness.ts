// Shared fixtures of the TLog tests: deterministic payloads and a log on the crash simulator.
import { TLog } from '../../src/index.js';
import type { TLogOpened, TLogOptions, TLogRecord } from '../../src/index.js';
import { CrashFileSystem } from './crash-fs.js';

/** The log directory the simulated-disk tests use. */
export const LOG_DIR = '/data/tlog';

/** A payload that names its epoch in every byte, so a misplaced or mixed-up one shows. */
export function payloadFor(epoch: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (epoch * 31 + i * 7) & 0xff;
  return out;
}

/** Opens the log in {@link LOG_DIR} of `fs` with small segments unless told otherwise. */
export function openLog(fs: CrashFileSystem, options: Partial<TLogOptions> = {}): Promise<TLogOpened> {
  return TLog.open({ dir: LOG_DIR, durability: 'sync', segmentBytes: 512, fs, ...options });
}

/** Every acknowledged record, payloads copied. */
export async function readAll(log: TLog, from?: number, to?: number): Promise<TLogRecord[]> {
  const out: TLogRecord[] = [];
  for await (const r of log.scan(from, to, { copy: true })) out.push(r);
  return out;
}

/** A log on a fresh simulated disk holding `epochs`, each appended and acknowledged in turn. */
export async function writtenLog(
  epochs: readonly number[],
  bytes: (epoch: number) => number,
  options: Partial<TLogOptions> = {},
): Promise<CrashFileSystem> {
  const fs = new CrashFileSystem();
  const { log } = await openLog(fs, options);
  for (const e of epochs) await log.append(e, payloadFor(e, bytes(e)));
  await log.close();
  return fs;
}

/** Every file under `dir` of `fs` with its bytes, for "nothing changed" checks. */
export function snapshotFiles(fs: CrashFileSystem, dirs: readonly string[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const d of dirs) for (const p of fs.list(d)) out.set(p, fs.bytes(p));
  return out;
}
