// Types of kill9.mjs, for test/kill9.test.ts.
export declare const KILL9_PAGES: number;
export declare const KILL9_PAGE_SIZE: number;
export declare const RUN_BYTES: number;
export declare const CHECKPOINT_EVERY: number;

export interface Kill9Write {
  readonly slot: number;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface Kill9Run {
  /** The epoch the child started from; null when it was killed before the store opened. */
  readonly readyEpoch: number | null;
  readonly acks: readonly { readonly epoch: number; readonly what: string }[];
  readonly stderr: string;
}

export declare function seeded(seed: number): () => number;
export declare function writesAt(epoch: number): Kill9Write[];
export declare function modelAt(epoch: number): Uint8Array[];
export declare function describeWrites(writes: readonly Kill9Write[]): string;
export declare function runAndKill(dir: string, delayMs: number, options?: { readonly afterReady?: boolean }): Promise<Kill9Run>;
export declare function checkAfterKill(dir: string, run: Kill9Run, previousEpoch: number): Promise<number>;
