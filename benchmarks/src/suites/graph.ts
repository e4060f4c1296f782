// Layers 2 and 3 on one seeded random graph: semiring SpMV (native, the TS kernel, and a loop
// that calls the semiring's ⊕/⊗ closures per element, which is what the specialised kernels
// exist to beat), SSSP and BFS against graphology, and Pearce–Kelly insertion into a 1M-node DAG
// against storing the same edges in a graphology graph, which keeps no order at all.
import { ShadowPageGraph } from '@mmsb/dag';
import { nativeSemiringKernels, tsSemiringKernels } from '@mmsb/native';
import type { CsrArrays, SemiringOp } from '@mmsb/native';
import { bfsLevels, dijkstra, maxTimesSemiring, minPlusSemiring, plusTimesSemiring, SparseMatrix } from '@mmsb/semiring';
import type { Semiring } from '@mmsb/semiring';
import graphology from 'graphology';
import { dijkstra as graphologyDijkstra, unweighted } from 'graphology-shortest-path';
import type { BenchCase } from '../harness.js';
import { seededGenerator } from '../workload.js';

const NODES = 100_000;
const EDGES = 1_000_000;
const SOURCE = 0;

/** A seeded random directed graph: `edges` distinct-enough (u, v, w) with w in [1, 101). */
interface EdgeArrays {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly weight: Float64Array;
}

function randomEdges(nodes: number, edges: number, seed: number): EdgeArrays {
  const next = seededGenerator(seed);
  const from = new Int32Array(edges);
  const to = new Int32Array(edges);
  const weight = new Float64Array(edges);
  for (let e = 0; e < edges; e++) {
    from[e] = next() % nodes;
    let v = next() % nodes;
    if (v === from[e]) v = (v + 1) % nodes;
    to[e] = v;
    weight[e] = 1 + (next() % 10_000) / 100;
  }
  return { from, to, weight };
}

interface GraphFixture {
  readonly edges: EdgeArrays;
  readonly matrix: SparseMatrix<number>;
  readonly csr: CsrArrays;
  readonly graph: InstanceType<typeof graphology.DirectedGraph>;
}

let fixture: GraphFixture | null = null;

/** Built once per run: the same graph for every case, as CSR and as a graphology graph. */
function graphFixture(): GraphFixture {
  if (fixture) return fixture;
  const edges = randomEdges(NODES, EDGES, 0x5eed);
  // Parallel edges keep the lighter weight, as graphology's dijkstra would pick the lighter one.
  const matrix = SparseMatrix.fromEdges(minPlusSemiring, { nrows: NODES, ncols: NODES, rows: edges.from, cols: edges.to, values: edges.weight }, { duplicates: 'add' });
  const graph = new graphology.DirectedGraph({ allowSelfLoops: false, multi: false });
  for (let v = 0; v < NODES; v++) graph.addNode(v);
  const csr = matrix.csrArrays();
  for (let r = 0; r < NODES; r++) {
    for (let k = csr.rowPtr[r] ?? 0; k < (csr.rowPtr[r + 1] ?? 0); k++) graph.addEdge(r, csr.colIdx[k], { weight: csr.values?.[k] ?? 1 });
  }
  fixture = { edges, matrix, csr, graph };
  return fixture;
}

/** The per-element closure loop the specialised kernels replace: y[i] = ⊕_k A[i,k] ⊗ x[k]. */
function closureSpmv(semiring: Semiring<number>, a: CsrArrays, x: Float64Array, y: Float64Array): void {
  const { rowPtr, colIdx, values } = a;
  const add = semiring.add;
  const mul = semiring.mul;
  for (let i = 0; i < a.nrows; i++) {
    let acc = semiring.zero;
    const end = rowPtr[i + 1] as number;
    for (let k = rowPtr[i] as number; k < end; k++) acc = add(acc, mul(values === null ? semiring.one : (values[k] as number), x[colIdx[k] as number] as number));
    y[i] = acc;
  }
}

function denseX(op: SemiringOp): Float64Array {
  const next = seededGenerator(7);
  const x = new Float64Array(NODES);
  // Values in (0, 1] keep max-times and plus-times finite; min-plus sees ordinary distances.
  for (let i = 0; i < NODES; i++) x[i] = op === 'min-plus' ? next() % 1000 : ((next() % 1000) + 1) / 1000;
  return x;
}

const semirings: Record<'min-plus' | 'max-times' | 'plus-times', Semiring<number>> = {
  'min-plus': minPlusSemiring,
  'max-times': maxTimesSemiring,
  'plus-times': plusTimesSemiring,
};

/** SpMV of one semiring: native (or the TS kernel) beside the closure loop and the other kernel. */
function spmvCase(op: 'min-plus' | 'max-times' | 'plus-times', side: 'native' | 'ts'): BenchCase | null {
  const kernels = side === 'native' ? nativeSemiringKernels : tsSemiringKernels;
  if (kernels === null) return null;
  const other = side === 'native' ? tsSemiringKernels : nativeSemiringKernels;
  let a: CsrArrays | null = null;
  let x: Float64Array = new Float64Array(0);
  const y = new Float64Array(NODES);
  const csr = (): CsrArrays => a ?? (a = graphFixture().csr);
  return {
    name: `graph.spmv.${op}.${side}`,
    unit: 'ops',
    workPerCall: EDGES,
    setup: () => {
      csr();
      x = denseX(op);
    },
    mmsb: { name: `${side} kernel`, run: () => kernels.spmv(op, csr(), x, y) },
    peer: { name: 'closure loop', run: () => closureSpmv(semirings[op], csr(), x, y) },
    ...(other ? { otherPeers: [{ name: `${side === 'native' ? 'ts' : 'native'} kernel`, run: () => other.spmv(op, csr(), x, y) }] } : {}),
    goal: { kind: 'rate-at-least', value: side === 'native' ? 600e6 : 150e6 },
    iterations: 8,
    note: `y = A ⊗ x over ${op} on a seeded random graph of ${NODES} nodes and ${EDGES} edges (CSR, f64 weights, one thread); rate = edges per second; goal ≥ ${side === 'native' ? '600M' : '150M'} edges/s`,
  };
}

/** Single-source shortest paths from one vertex: MMSB's Dijkstra against graphology's. */
function ssspCase(): BenchCase {
  return {
    name: 'graph.sssp.dijkstra',
    unit: 'ops',
    workPerCall: 1,
    setup: () => void graphFixture(),
    mmsb: { name: 'mmsb dijkstra', run: () => void dijkstra(graphFixture().matrix, SOURCE) },
    peer: { name: 'graphology dijkstra', run: () => void graphologyDijkstra.singleSource(graphFixture().graph, SOURCE, 'weight') },
    goal: { kind: 'ratio-at-least', value: 50 },
    iterations: 4,
    note: `single-source shortest paths from vertex ${SOURCE} on the same ${NODES}-node, ${EDGES}-edge graph (all vertices); rate = searches per second; goal ≥ 50× graphology-shortest-path`,
  };
}

/** BFS levels from one vertex: MMSB's direction-optimising BFS against graphology's. */
function bfsCase(): BenchCase {
  return {
    name: 'graph.bfs',
    unit: 'ops',
    workPerCall: 1,
    setup: () => void graphFixture(),
    mmsb: { name: 'mmsb bfs', run: () => void bfsLevels(graphFixture().matrix, SOURCE) },
    peer: { name: 'graphology bfs', run: () => void unweighted.singleSourceLength(graphFixture().graph, SOURCE) },
    iterations: 4,
    note: `BFS levels from vertex ${SOURCE} on the same graph, weights ignored; rate = searches per second`,
  };
}

const DAG_NODES = 1_000_000;
const DAG_BATCH = 200_000;
/** Creation order agrees with the hidden topological order up to shuffles inside blocks this big. */
const DAG_SHUFFLE_BLOCK = 64;

/**
 * Pearce–Kelly insertion into a 1M-node DAG that already holds 2M edges (loaded in one
 * `addEdges`), the way a state bus grows: pages are created roughly in dependency order, so the
 * hidden topological order agrees with creation order except inside blocks of 64 consecutive
 * nodes, which are shuffled. Each of the 200k inserted edges goes forward in the hidden order,
 * mostly a short hop, one in eight a long one; the short ones inside a block often violate the
 * current order and make Pearce–Kelly reorder. Each call inserts the batch; an untimed hook
 * removes it again. (Random edges over a random hidden order of 1M nodes make each reorder touch
 * much of the graph — Pearce–Kelly's worst case, left to a bounded two-way search; see the dag
 * README.)
 */
function topologicalInsertCase(): BenchCase {
  const next = seededGenerator(0xda9);
  // hidden[rank] = node: edges always go from lower to higher rank, so the graph stays acyclic.
  const hidden = new Int32Array(DAG_NODES);
  for (let i = 0; i < DAG_NODES; i++) hidden[i] = i;
  for (let block = 0; block < DAG_NODES; block += DAG_SHUFFLE_BLOCK) {
    const end = Math.min(DAG_NODES, block + DAG_SHUFFLE_BLOCK);
    for (let i = end - 1; i > block; i--) {
      const j = block + (next() % (i - block + 1));
      const t = hidden[i] as number;
      hidden[i] = hidden[j] as number;
      hidden[j] = t;
    }
  }
  const edgeBatch = (count: number): { from: Int32Array; to: Int32Array } => {
    const from = new Int32Array(count);
    const to = new Int32Array(count);
    for (let e = 0; e < count; e++) {
      const a = next() % (DAG_NODES - 1);
      const room = DAG_NODES - 1 - a;
      const span = next() % 8 === 0 ? 1 + (next() % room) : 1 + (next() % Math.min(DAG_SHUFFLE_BLOCK, room));
      from[e] = hidden[a] as number;
      to[e] = hidden[a + span] as number;
    }
    return { from, to };
  };
  /** Drops repeats of one edge and edges `dag` already has, keeping at most `limit`. */
  const distinct = (dag: ShadowPageGraph, edges: { from: Int32Array; to: Int32Array }, limit: number): { from: Int32Array; to: Int32Array } => {
    const seen = new Set<number>();
    const from: number[] = [];
    const to: number[] = [];
    for (let e = 0; e < edges.from.length && from.length < limit; e++) {
      const u = edges.from[e] as number;
      const v = edges.to[e] as number;
      const key = u * DAG_NODES + v;
      if (seen.has(key) || dag.hasEdge(u, v)) continue;
      seen.add(key);
      from.push(u);
      to.push(v);
    }
    return { from: Int32Array.from(from), to: Int32Array.from(to) };
  };
  let dag: ShadowPageGraph | null = null;
  let peer: InstanceType<typeof graphology.DirectedGraph> | null = null;
  let batch: { from: Int32Array; to: Int32Array } = { from: new Int32Array(0), to: new Int32Array(0) };
  let violating = 0;
  let inserted = 0;
  const removeInserted = (): void => {
    const g = dag as ShadowPageGraph;
    for (let e = 0; e < inserted; e++) g.removeEdge(batch.from[e] as number, batch.to[e] as number);
    inserted = 0;
  };
  return {
    name: 'dag.topological-insert',
    unit: 'ops',
    workPerCall: DAG_BATCH,
    setup: () => {
      const g = new ShadowPageGraph();
      for (let v = 0; v < DAG_NODES; v++) g.addNode(v);
      const base = distinct(g, edgeBatch(2 * DAG_NODES), 2 * DAG_NODES);
      g.addEdges(base.from, base.to);
      batch = distinct(g, edgeBatch(DAG_BATCH * 2), DAG_BATCH);
      if (batch.from.length !== DAG_BATCH) throw new Error(`only ${batch.from.length} fresh edges for the batch`);
      violating = 0;
      for (let e = 0; e < DAG_BATCH; e++) if (g.orderOf(batch.from[e] as number) > g.orderOf(batch.to[e] as number)) violating++;
      console.log(`  dag.topological-insert: ${violating} of ${DAG_BATCH} inserted edges (${((100 * violating) / DAG_BATCH).toFixed(1)}%) violate the order they arrive in`);
      dag = g;
      peer = new graphology.DirectedGraph({ multi: false });
      for (let v = 0; v < DAG_NODES; v++) peer.addNode(v);
    },
    mmsb: {
      name: 'ShadowPageGraph',
      beforeEach: removeInserted,
      run: () => {
        const g = dag as ShadowPageGraph;
        const { from, to } = batch;
        for (let e = 0; e < from.length; e++) {
          g.addEdge(from[e] as number, to[e] as number);
          inserted = e + 1;
        }
      },
    },
    peer: {
      name: 'graphology addEdge (no order kept)',
      beforeEach: () => (peer as InstanceType<typeof graphology.DirectedGraph>).clearEdges(),
      run: () => {
        const g = peer as InstanceType<typeof graphology.DirectedGraph>;
        const { from, to } = batch;
        for (let e = 0; e < from.length; e++) g.addEdge(from[e], to[e]);
      },
    },
    goal: { kind: 'ns-per-op-at-most', value: 1000 },
    iterations: 3,
    note: `${DAG_BATCH} edge insertions into a ${DAG_NODES}-node DAG already holding ~${2 * DAG_NODES} edges; creation order agrees with the topological order up to shuffles inside blocks of ${DAG_SHUFFLE_BLOCK} nodes, so a share of the edges (printed at setup) violates the current order and Pearce–Kelly reorders; the peer stores the same edges in graphology and keeps no order; goal ≤ 1 µs amortised per insertion`,
    teardown: () => {
      dag = null;
      peer = null;
    },
  };
}

/** The graph suite. */
export function graphCases(): BenchCase[] {
  const cases: (BenchCase | null)[] = [];
  for (const op of ['min-plus', 'max-times', 'plus-times'] as const) cases.push(spmvCase(op, 'native'), spmvCase(op, 'ts'));
  cases.push(ssspCase(), bfsCase(), topologicalInsertCase());
  return cases.filter((c): c is BenchCase => c !== null);
}

/** What the suite ran on, for the results file. */
export function graphContext(): Record<string, unknown> {
  return { native: nativeSemiringKernels !== null, nodes: NODES, edges: EDGES, dagNodes: DAG_NODES };
}

/** Drops the fixture so a later suite in the same process gets its memory back. */
export function graphCleanup(): void {
  fixture = null;
}
