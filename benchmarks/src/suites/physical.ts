// Page allocation beside allocating a fresh typed array, the thing an allocator must beat.
import { PageAllocator, physicalCapabilities } from '@mmsb/physical';
import type { PageHandle } from '@mmsb/physical';
import type { BenchCase } from '../harness.js';

/**
 * Allocates `batch` pages, then frees them, per call: one operation is an allocate + free pair.
 * The peer allocates as many `Uint8Array`s and drops them (the GC frees them later, which the
 * peer's figure only partly pays for, so the ratio flatters the peer).
 */
function allocateFreeCase(kind: 'heap' | 'shared', size: number, label: string): BenchCase {
  const allocator = new PageAllocator();
  const batch = 1024;
  const handles: PageHandle[] = new Array<PageHandle>(batch);
  const options = { kind } as const;
  const sink: Uint8Array[] = new Array<Uint8Array>(batch);
  const peer =
    kind === 'heap'
      ? () => {
          for (let i = 0; i < batch; i++) sink[i] = new Uint8Array(size);
        }
      : () => {
          for (let i = 0; i < batch; i++) sink[i] = new Uint8Array(new SharedArrayBuffer(size));
        };
  return {
    name: `page.allocate-free.${kind}.${label}`,
    unit: 'ops',
    workPerCall: batch,
    mmsb: {
      name: 'PageAllocator',
      run: () => {
        for (let i = 0; i < batch; i++) handles[i] = allocator.allocate(size, options);
        for (let i = 0; i < batch; i++) allocator.free(handles[i] as PageHandle);
      },
    },
    peer: { name: kind === 'heap' ? 'new Uint8Array' : 'new SharedArrayBuffer', run: peer },
    goal: { kind: 'ns-per-op-at-most', value: 100 },
    note: 'goal: an allocate + free pair in at most 100 ns (the predecessor quotes about 5 µs)',
  };
}

/** The physical suite. */
export function physicalCases(): BenchCase[] {
  return [
    allocateFreeCase('heap', 4096, '4KiB'),
    allocateFreeCase('heap', 64 * 1024, '64KiB'),
    allocateFreeCase('shared', 4096, '4KiB'),
  ];
}

/** What the suite ran on, for the results file. */
export function physicalContext(): Record<string, unknown> {
  return { native: physicalCapabilities().native };
}
