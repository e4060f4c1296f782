// `mmsb graph bfs|sssp|widest`: the semiring algorithms of layer 2 on a Matrix Market file.
// Vertex ids on the command line and in the output are 1-based, as in the file; entry (i, j) of
// the matrix is an edge i → j with the entry's value as its weight.
import { open } from 'node:fs/promises';
import {
  bellmanFord,
  bfsLevels,
  dijkstra,
  MatrixMarketParser,
  matrixFromMarket,
  maxMinSemiring,
  minPlusSemiring,
  SemiringError,
  widestPaths,
} from '@mmsb/semiring';
import type { MatrixMarketData, SparseMatrix } from '@mmsb/semiring';
import type { ProgressCallback } from '@mmsb/page';
import { formatMs } from '../internal/format.js';

/** The algorithms `mmsb graph` runs. */
export const GRAPH_ALGORITHMS = ['bfs', 'sssp', 'widest'] as const;
/** One of {@link GRAPH_ALGORITHMS}. */
export type GraphAlgorithm = (typeof GRAPH_ALGORITHMS)[number];

/** What `mmsb graph` is asked to do. */
export interface GraphCommandOptions {
  readonly algorithm: GraphAlgorithm;
  /** Path of a Matrix Market file. */
  readonly mtx: string;
  /** 1-based source vertex. */
  readonly source: number;
  /** 1-based vertex whose path from the source is reported. */
  readonly target?: number;
  /** sssp only: 'auto' (default) runs Dijkstra unless a weight is negative, then Bellman–Ford. */
  readonly method?: 'auto' | 'dijkstra' | 'bellman-ford';
  readonly onProgress?: ProgressCallback;
}

/** A path from the source to the target, 1-based, with the target's value. */
export interface GraphPath {
  readonly target: number;
  /** Null when the target is unreachable. */
  readonly value: number | null;
  /** Source first, target last; empty when unreachable. */
  readonly vertices: readonly number[];
}

/**
 * What `mmsb graph` found. `values[v - 1]` belongs to vertex v; null where unreachable. The
 * source's widest-path capacity is +∞ (JSON output writes it as the string "Infinity").
 */
export interface GraphReport {
  readonly algorithm: GraphAlgorithm;
  /** What ran: 'bfs (direction-optimising)', 'dijkstra', 'bellman-ford' or 'widest path (max-min)'. */
  readonly method: string;
  readonly file: string;
  readonly vertices: number;
  /** Stored entries after symmetric expansion and merging duplicates. */
  readonly edges: number;
  readonly field: MatrixMarketData['field'];
  readonly symmetry: MatrixMarketData['symmetry'];
  readonly source: number;
  /** What a value means: 'hops', 'distance' or 'capacity'. */
  readonly valueName: 'hops' | 'distance' | 'capacity';
  readonly reached: number;
  /** The reached vertex with the largest value other than the source, or null. */
  readonly farthest: { readonly vertex: number; readonly value: number } | null;
  readonly values: readonly (number | null)[];
  readonly path: GraphPath | null;
  readonly loadMs: number;
  readonly runMs: number;
}

/** Streams and parses the file, reporting bytes read. */
async function readMarket(path: string, onProgress: ProgressCallback | undefined): Promise<MatrixMarketData> {
  const file = await open(path, 'r');
  try {
    const total = (await file.stat()).size;
    const parser = new MatrixMarketParser();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buffer = new Uint8Array(1 << 20);
    let done = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      done += bytesRead;
      let text: string;
      try {
        text = decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
      } catch (cause) {
        throw new SemiringError('MTX_PARSE', `${path} is not UTF-8 text (a Matrix Market file is ASCII)`, { cause });
      }
      parser.push(text);
      onProgress?.(done, total, 'bytes');
    }
    parser.push(decoder.decode());
    return parser.finish();
  } finally {
    await file.close();
  }
}

function checkVertex(name: string, vertex: number, n: number): number {
  if (!Number.isSafeInteger(vertex) || vertex < 1 || vertex > n) {
    throw new SemiringError('INDEX_OUT_OF_RANGE', `--${name} ${vertex} is not a vertex of this graph (1 to ${n}; ids are 1-based as in Matrix Market)`);
  }
  return vertex - 1;
}

function pathTo(parents: Int32Array, source: number, target: number): number[] {
  if (parents[target] === -1) return [];
  const reversed = [target];
  for (let v = target; v !== source; ) {
    v = parents[v] as number;
    reversed.push(v);
    if (reversed.length > parents.length) throw new Error('the parent array has a cycle');
  }
  return reversed.reverse().map((v) => v + 1);
}

function hasNegativeWeight(matrix: SparseMatrix<number>): boolean {
  const values = matrix.csrArrays().values;
  if (values === null) return false;
  for (let k = 0; k < values.length; k++) if ((values[k] as number) < 0) return true;
  return false;
}

/** Loads the file and runs the algorithm from the source. */
export async function runGraphCommand(options: GraphCommandOptions): Promise<GraphReport> {
  const loadStart = performance.now();
  const data = await readMarket(options.mtx, options.onProgress);
  if (data.nrows !== data.ncols) {
    throw new SemiringError('DIMENSION_MISMATCH', `${options.mtx} is ${data.nrows}×${data.ncols}; a graph's adjacency matrix must be square`);
  }
  const n = data.nrows;
  const source = checkVertex('source', options.source, n);
  const target = options.target === undefined ? null : checkVertex('target', options.target, n);
  // Duplicate entries are parallel edges: the shortest (sssp), the widest (widest) wins.
  const semiring = options.algorithm === 'widest' ? maxMinSemiring : minPlusSemiring;
  const matrix = matrixFromMarket(semiring, data, { duplicates: 'add' });
  const loadMs = performance.now() - loadStart;

  const runStart = performance.now();
  let method: string;
  let values: Float64Array | Int32Array;
  let parents: Int32Array | null;
  let reachedValue: (value: number) => boolean;
  let valueName: GraphReport['valueName'];
  if (options.algorithm === 'bfs') {
    const result = bfsLevels(matrix, source, { parents: true });
    method = 'bfs (direction-optimising)';
    values = result.levels;
    parents = result.parents;
    reachedValue = (v) => v >= 0;
    valueName = 'hops';
  } else if (options.algorithm === 'sssp') {
    const wanted = options.method ?? 'auto';
    const useBellmanFord = wanted === 'bellman-ford' || (wanted === 'auto' && hasNegativeWeight(matrix));
    const result = useBellmanFord ? bellmanFord(matrix, source, { parents: true }) : dijkstra(matrix, source, { parents: true });
    method = useBellmanFord ? 'bellman-ford' : 'dijkstra';
    values = result.distances;
    parents = result.parents;
    reachedValue = (v) => v !== Number.POSITIVE_INFINITY;
    valueName = 'distance';
  } else {
    const result = widestPaths(matrix, source, { parents: true });
    method = 'widest path (max-min)';
    values = result.widths;
    parents = result.parents;
    reachedValue = (v) => v !== Number.NEGATIVE_INFINITY;
    valueName = 'capacity';
  }
  const runMs = performance.now() - runStart;

  const out: (number | null)[] = new Array<number | null>(n);
  let reached = 0;
  let farthest: { vertex: number; value: number } | null = null;
  for (let v = 0; v < n; v++) {
    const value = values[v] as number;
    if (!reachedValue(value)) {
      out[v] = null;
      continue;
    }
    out[v] = value;
    reached++;
    // For widest paths the "farthest" vertex is the narrowest bottleneck.
    const further = farthest === null || (valueName === 'capacity' ? value < farthest.value : value > farthest.value);
    if (v !== source && further) farthest = { vertex: v + 1, value };
  }
  const path: GraphPath | null =
    target === null || parents === null ? null : { target: target + 1, value: out[target] ?? null, vertices: pathTo(parents, source, target) };
  return {
    algorithm: options.algorithm,
    method,
    file: options.mtx,
    vertices: n,
    edges: matrix.nnz,
    field: data.field,
    symmetry: data.symmetry,
    source: options.source,
    valueName,
    reached,
    farthest,
    values: out,
    path,
    loadMs,
    runMs,
  };
}

const formatValue = (value: number): string => (Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, ''));

/** The report as lines a person reads; lists at most `limit` reached vertices. */
export function formatGraphReport(report: GraphReport, limit = 20): string {
  const r = report;
  const lines = [
    `mmsb graph ${r.algorithm} ${r.file}`,
    `  graph        ${r.vertices} vertices, ${r.edges} edges (${r.field}, ${r.symmetry}), loaded in ${formatMs(r.loadMs)}`,
    `  method       ${r.method}, ${formatMs(r.runMs)}`,
    `  source       ${r.source}`,
    `  reached      ${r.reached} of ${r.vertices} vertices`,
  ];
  if (r.farthest) {
    const label = r.valueName === 'capacity' ? 'narrowest' : 'farthest';
    lines.push(`  ${label.padEnd(12)} vertex ${r.farthest.vertex} (${r.valueName} ${formatValue(r.farthest.value)})`);
  }
  if (r.path) {
    if (r.path.value === null) lines.push(`  path         vertex ${r.path.target} is unreachable from ${r.source}`);
    else lines.push(`  path         ${r.path.vertices.join(' → ')} (${r.valueName} ${formatValue(r.path.value)})`);
  }
  lines.push(`  vertex     ${r.valueName}`);
  let shown = 0;
  for (let v = 0; v < r.values.length && shown < limit; v++) {
    const value = r.values[v];
    if (value === null || value === undefined) continue;
    lines.push(`  ${String(v + 1).padStart(6)}     ${formatValue(value)}`);
    shown++;
  }
  if (r.reached > shown) lines.push(`  … ${r.reached - shown} more reached vertices (--limit N, or --json for all)`);
  return lines.join('\n');
}
