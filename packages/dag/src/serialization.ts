import { DagCycleError, DagError } from './errors.js';
import { checkId } from './internal/ids.js';
import { findCycles } from './scc.js';
import type { EdgeTuple } from './scc.js';
import { ShadowPageGraph } from './shadow-page-graph.js';

/** Format tag of {@link DagJson}. */
export const DAG_JSON_FORMAT = 'mmsb-dag';
/** Version of {@link DagJson} this package writes and reads. */
export const DAG_JSON_VERSION = 1;

/** A weight in JSON: a number, or the strings `"Infinity"` / `"-Infinity"` that JSON has no number for. */
export type JsonWeight = number | 'Infinity' | '-Infinity';

/**
 * A ShadowPageGraph as plain JSON: node ids in a topological order, and edges `[from, to]`
 * (weight 1) or `[from, to, weight]`. The registry is not included (functions do not serialize).
 */
export interface DagJson {
  readonly format: typeof DAG_JSON_FORMAT;
  readonly version: typeof DAG_JSON_VERSION;
  readonly nodes: readonly number[];
  readonly edges: readonly (readonly [number, number] | readonly [number, number, JsonWeight])[];
}

/** `graph` as {@link DagJson}: nodes in its topological order, edges grouped by source in that order. */
export function graphToJson(graph: ShadowPageGraph<unknown, unknown>): DagJson {
  const edges: ([number, number] | [number, number, JsonWeight])[] = [];
  graph.forEachEdge((from, to, weight) => {
    if (weight === 1) edges.push([from, to]);
    else edges.push([from, to, Number.isFinite(weight) ? weight : weight > 0 ? 'Infinity' : '-Infinity']);
  });
  return { format: DAG_JSON_FORMAT, version: DAG_JSON_VERSION, nodes: Array.from(graph.topologicalOrder()), edges };
}

/**
 * A new graph from {@link DagJson} (or its text). Refuses a malformed document (INVALID_JSON),
 * bad ids (INVALID_ID, NODE_EXISTS, NODE_NOT_FOUND), bad weights (INVALID_WEIGHT), self loops,
 * duplicate edges, and cycles: a {@link DagCycleError} whose `cycles` holds one cycle per
 * strongly connected component, so every problem is reported at once.
 */
export function graphFromJson<R = (id: number) => unknown, M = unknown>(json: unknown): ShadowPageGraph<R, M> {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (error) {
      throw new DagError('INVALID_JSON', 'graph JSON does not parse', { cause: error });
    }
  }
  if (typeof doc !== 'object' || doc === null) throw invalid('a graph document must be an object');
  const { format, version, nodes, edges } = doc as Record<string, unknown>;
  if (format !== DAG_JSON_FORMAT) throw invalid(`format ${JSON.stringify(format)} is not "${DAG_JSON_FORMAT}"`);
  if (version !== DAG_JSON_VERSION) throw invalid(`version ${JSON.stringify(version)} is not ${DAG_JSON_VERSION}`);
  if (!Array.isArray(nodes)) throw invalid('"nodes" must be an array of node ids');
  if (!Array.isArray(edges)) throw invalid('"edges" must be an array of [from, to] or [from, to, weight]');

  const tuples: [number, number, number][] = [];
  for (let e = 0; e < edges.length; e++) {
    const edge: unknown = edges[e];
    if (!Array.isArray(edge) || edge.length < 2 || edge.length > 3) {
      throw invalid(`edge ${e} must be [from, to] or [from, to, weight]`);
    }
    const [from, to, raw] = edge as unknown[];
    checkId(from, `edge ${e} source`);
    checkId(to, `edge ${e} target`);
    const weight = raw === undefined ? 1 : raw === 'Infinity' ? Infinity : raw === '-Infinity' ? -Infinity : raw;
    if (typeof weight !== 'number') throw new DagError('INVALID_WEIGHT', `edge ${e} weight ${JSON.stringify(raw)} is not a number`);
    tuples.push([from, to, weight]);
  }

  const graph = new ShadowPageGraph<R, M>({ nodeCapacity: nodes.length, edgeCapacity: tuples.length });
  for (const id of nodes as unknown[]) {
    checkId(id, 'node id');
    graph.addNode(id);
  }
  for (const [from, to] of tuples) {
    for (const id of [from, to]) {
      if (!graph.hasNode(id)) throw new DagError('NODE_NOT_FOUND', `edge ${from} → ${to} names node ${id}, which is not in "nodes"`);
    }
    if (from === to) throw new DagError('SELF_LOOP', `edge ${from} → ${to} is a self loop`);
  }
  const cycles = findCycles(tuples as EdgeTuple[]);
  if (cycles.length > 0) {
    throw new DagCycleError(
      cycles,
      `graph JSON holds ${cycles.length} cycle(s), e.g. ${[...(cycles[0] ?? []), cycles[0]?.[0]].join(' → ')}`,
    );
  }
  // Acyclic now, so the only refusals left are duplicates and weights; adding edges in the
  // document's node order costs no reordering when the document came from graphToJson.
  for (const [from, to, weight] of tuples) graph.addEdge(from, to, weight);
  return graph;
}

/** Options of {@link graphToDot}. */
export interface DotOptions {
  /** The digraph's name (default "ShadowPageGraph"). */
  readonly name?: string;
  /** A label per node (default: none, so the id shows). */
  readonly nodeLabel?: (id: number) => string | undefined;
  /** Whether edges show weights other than 1 as labels (default true). */
  readonly weights?: boolean;
}

/** `graph` in Graphviz DOT: nodes in topological order, edges `from -> to` with weights as labels. */
export function graphToDot(graph: ShadowPageGraph<unknown, unknown>, options: DotOptions = {}): string {
  const lines = [`digraph ${dotString(options.name ?? 'ShadowPageGraph')} {`];
  for (const id of graph.topologicalOrder()) {
    const label = options.nodeLabel?.(id);
    lines.push(label === undefined ? `  ${id};` : `  ${id} [label=${dotString(label)}];`);
  }
  const showWeights = options.weights ?? true;
  graph.forEachEdge((from, to, weight) => {
    lines.push(showWeights && weight !== 1 ? `  ${from} -> ${to} [label=${dotString(String(weight))}];` : `  ${from} -> ${to};`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function invalid(message: string): DagError {
  return new DagError('INVALID_JSON', message);
}
