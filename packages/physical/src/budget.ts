import { PhysicalError } from './errors.js';

/** How close an allocator is to its budget: below 50% `low`, below 75% `moderate`, below 90% `high`, else `critical`. */
export type PressureLevel = 'low' | 'moderate' | 'high' | 'critical';

/** A reading of memory pressure. */
export interface MemoryPressure {
  /** Bytes charged to the budget over the budget; 0 when there is no budget. */
  readonly ratio: number;
  readonly level: PressureLevel;
  /** Bytes charged to the budget now. */
  readonly usedBytes: number;
  /** The budget, or null when unbounded. */
  readonly budgetBytes: number | null;
}

/** What the allocator tells a spill hook: free pages until `bytesNeeded` more bytes fit. */
export interface SpillRequest {
  /** Bytes that must be released from the budget for the pending allocation to fit. */
  readonly bytesNeeded: number;
  /** Bytes charged to the budget now. */
  readonly usedBytes: number;
  readonly budgetBytes: number;
  /** Size of the page being allocated. */
  readonly pageBytes: number;
}

/**
 * Called synchronously when an allocation would exceed the budget. It should free pages (spilling
 * their contents wherever it likes, a mapped page say) through the same allocator; the allocator
 * then reclaims empty slabs and retries once. If it still does not fit, the allocation fails with
 * `BUDGET_EXCEEDED`. An allocation made inside the hook that does not fit fails at once rather
 * than calling the hook again.
 */
export type SpillHook = (request: SpillRequest) => void;

/** The level for a used/budget ratio. */
export function pressureLevel(ratio: number): PressureLevel {
  if (ratio < 0.5) return 'low';
  if (ratio < 0.75) return 'moderate';
  if (ratio < 0.9) return 'high';
  return 'critical';
}

/**
 * A byte budget: what has been charged against a limit. It only counts; the allocator decides
 * what to charge (reserved anonymous host memory) and what to do when a charge does not fit.
 */
export class MemoryBudget {
  /** The limit in bytes, or null for unbounded. */
  readonly limitBytes: number | null;
  private used = 0;

  /** @param limitBytes a positive safe integer, or null for no limit */
  constructor(limitBytes: number | null) {
    if (limitBytes !== null && (!Number.isSafeInteger(limitBytes) || limitBytes <= 0)) {
      throw new PhysicalError(
        'INVALID_OPTION',
        `budgetBytes ${String(limitBytes)} is not a positive safe integer (or null for no budget)`,
      );
    }
    this.limitBytes = limitBytes;
  }

  /** Bytes charged now. */
  get usedBytes(): number {
    return this.used;
  }

  /** Bytes that would have to be released for `bytes` more to fit; 0 when they fit. */
  shortfall(bytes: number): number {
    if (this.limitBytes === null) return 0;
    return Math.max(0, this.used + bytes - this.limitBytes);
  }

  /** Charges `bytes`; the caller has checked {@link shortfall}. */
  charge(bytes: number): void {
    this.used += bytes;
  }

  /** Returns `bytes` to the budget. */
  release(bytes: number): void {
    this.used -= bytes;
  }

  /** The current pressure. */
  pressure(): MemoryPressure {
    const ratio = this.limitBytes === null ? 0 : this.used / this.limitBytes;
    return { ratio, level: pressureLevel(ratio), usedBytes: this.used, budgetBytes: this.limitBytes };
  }
}
