/**
 * A distribution of non-negative integers over the nodes (fan-in, fan-out, depth).
 * `histogram[0]` counts zeros and `histogram[k]` (k ≥ 1) counts values in [2^(k-1), 2^k).
 * Percentiles are exact: the smallest value that at least that share of nodes do not exceed.
 */
export interface DistributionSummary {
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly histogram: readonly number[];
}

/** Size, shape and memory of a ShadowPageGraph at one moment. */
export interface GraphStatistics {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Nodes with no dependencies (fan-in 0). */
  readonly sourceCount: number;
  /** Nodes with no dependents (fan-out 0). */
  readonly sinkCount: number;
  /** Longest path, in edges, from any source to each node. */
  readonly depth: DistributionSummary;
  /** Dependencies per node. */
  readonly fanIn: DistributionSummary;
  /** Dependents per node. */
  readonly fanOut: DistributionSummary;
  /** The graph's estimated footprint (see `ShadowPageGraph.memoryBytes`). */
  readonly memoryBytes: number;
}

/** Summarises the first `n` entries of `values` (non-negative integers). */
export function summarize(values: Int32Array, n: number): DistributionSummary {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    sum += x;
    if (x > max) max = x;
  }
  const counts = new Float64Array(max + 1);
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    counts[x] = (counts[x] as number) + 1;
  }
  const histogram: number[] = [];
  for (let x = 0; x <= max && n > 0; x++) {
    const bucket = x === 0 ? 0 : 32 - Math.clz32(x);
    while (histogram.length <= bucket) histogram.push(0);
    histogram[bucket] = (histogram[bucket] as number) + (counts[x] as number);
  }
  const percentile = (p: number): number => {
    if (n === 0) return 0;
    const need = Math.ceil(p * n);
    let seen = 0;
    for (let x = 0; x <= max; x++) {
      seen += counts[x] as number;
      if (seen >= need) return x;
    }
    return max;
  };
  return { max, mean: n === 0 ? 0 : sum / n, p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), histogram };
}
