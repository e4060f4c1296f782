// Kernels of @mmsb/native beside their peers: Buffer.copy, the pure-TS twin, @node-rs/crc32.
import { crc32c as nodeRsCrc32c } from '@node-rs/crc32';
import { capabilities, copyBytes, crc32c, nativeKernels, tsKernels } from '@mmsb/native';
import type { Kernels, SparseRuns } from '@mmsb/native';
import type { BenchCase } from '../harness.js';
import { filledBytes, sparseRuns } from '../workload.js';

const KiB = 1024;
const MiB = 1024 * KiB;

function denseCopyCase(size: number, label: string): BenchCase {
  const src = Buffer.from(filledBytes(size, 1));
  const dst = Buffer.alloc(size);
  const dstView = new Uint8Array(dst.buffer, dst.byteOffset, size);
  const srcView = new Uint8Array(src.buffer, src.byteOffset, size);
  return {
    name: `copy.dense.${label}`,
    unit: 'bytes',
    workPerCall: size,
    mmsb: { name: 'copyBytes', run: () => copyBytes(dstView, srcView) },
    peer: { name: 'Buffer.copy', run: () => void src.copy(dst) },
    goal: { kind: 'ratio-at-least', value: 0.8 },
  };
}

/**
 * Applies `batch` sparse deltas of `count` runs of `length` bytes per call, so each sample is well
 * above the timer's resolution. `pages` > 1 rotates over that many 4 KiB pages carved from one
 * buffer, so the figure is not flattered by one hot page (or one hot page lookup).
 */
function sparseApplyCase(kernels: Kernels, peerName: string, name: string, count: number, length: number, pages = 1): BenchCase {
  const pageSize = 4 * KiB;
  const slab = new ArrayBuffer(pageSize * pages);
  const views = Array.from({ length: pages }, (_, i) => new Uint8Array(slab, i * pageSize, pageSize));
  const runs: SparseRuns = sparseRuns(pageSize, count, length, 7);
  const batch = 1000;
  const mask = pages - 1;
  if ((pages & mask) !== 0) throw new Error(`pages must be a power of two, got ${pages}`);
  const first = views[0] ?? new Uint8Array(0);
  const apply = (k: Kernels) =>
    pages === 1
      ? () => {
          for (let i = 0; i < batch; i++) k.applySparseRuns(first, runs);
        }
      : () => {
          for (let i = 0; i < batch; i++) k.applySparseRuns(views[i & mask] ?? first, runs);
        };
  return {
    name,
    unit: 'ops',
    workPerCall: batch,
    mmsb: { name: 'native', run: apply(kernels) },
    peer: { name: peerName, run: apply(tsKernels) },
    goal: { kind: 'ratio-at-least', value: 5 },
  };
}

function diffCase(kernels: Kernels): BenchCase {
  const before = filledBytes(4 * KiB, 3);
  const after = before.slice();
  const runs = sparseRuns(after.length, 16, 16, 11);
  tsKernels.applySparseRuns(after, runs);
  const batch = 200;
  const diff = (k: Kernels) => () => {
    for (let i = 0; i < batch; i++) k.diffPages(before, after);
  };
  return {
    name: 'sparse.diff.4KiB.16runs',
    unit: 'ops',
    workPerCall: batch,
    mmsb: { name: 'native', run: diff(kernels) },
    peer: { name: 'ts-twin', run: diff(tsKernels) },
  };
}

function xorCase(kernels: Kernels): BenchCase {
  const size = 64 * KiB;
  const dst = filledBytes(size, 5);
  const src = filledBytes(size, 6);
  return {
    name: 'xor.merge.64KiB',
    unit: 'bytes',
    workPerCall: size,
    mmsb: { name: 'native', run: () => kernels.xorInto(dst, src) },
    peer: { name: 'ts-twin', run: () => tsKernels.xorInto(dst, src) },
  };
}

function crcCase(size: number, label: string): BenchCase {
  const data = filledBytes(size, 9);
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const batch = Math.max(1, Math.floor((256 * KiB) / size));
  return {
    name: `crc32c.${label}`,
    unit: 'bytes',
    workPerCall: size * batch,
    mmsb: {
      name: 'crc32c',
      run: () => {
        for (let i = 0; i < batch; i++) crc32c(data);
      },
    },
    peer: {
      name: '@node-rs/crc32',
      run: () => {
        for (let i = 0; i < batch; i++) nodeRsCrc32c(buffer);
      },
    },
    goal: { kind: 'ratio-at-least', value: 1 },
  };
}

/** The native suite; cases that compare native with its twin need the binary. */
export function nativeCases(): BenchCase[] {
  const cases: BenchCase[] = [
    denseCopyCase(64 * KiB, '64KiB'),
    denseCopyCase(MiB, '1MiB'),
    denseCopyCase(16 * MiB, '16MiB'),
    crcCase(4 * KiB, '4KiB'),
    crcCase(MiB, '1MiB'),
  ];
  if (nativeKernels) {
    cases.push(
      sparseApplyCase(nativeKernels, 'ts-twin', 'sparse.apply.4KiB.16runs', 16, 16),
      sparseApplyCase(nativeKernels, 'ts-twin', 'sparse.apply.4KiB.16x64B', 16, 64),
      sparseApplyCase(nativeKernels, 'ts-twin', 'sparse.apply.4KiB.16runs.rotating', 16, 16, 64),
      diffCase(nativeKernels),
      xorCase(nativeKernels),
    );
  }
  return cases;
}

/** What the suite ran on, for the results file. */
export function nativeContext(): Record<string, unknown> {
  const caps = capabilities();
  return { native: caps.native, reason: caps.reason, simd: caps.simd, crc32cHardware: caps.crc32cHardware, cudaCompiled: caps.cudaCompiled, devices: caps.devices.length };
}
