/**
 * Every way layer 3 refuses a request. Callers switch on the code, never on the message.
 *
 * - `INVALID_ID`: a node id that is not an integer in [0, 2^31 - 1].
 * - `INVALID_WEIGHT`: an edge weight that is not a number, or NaN.
 * - `INVALID_ARGUMENT`: any other value outside its domain (an option, a callback).
 * - `NODE_NOT_FOUND`: no node with that id.
 * - `NODE_EXISTS`: a node id that is already taken.
 * - `EDGE_NOT_FOUND`: no edge between those nodes.
 * - `EDGE_EXISTS`: the edge is already there (edges are a set, not a multiset).
 * - `SELF_LOOP`: an edge from a node to itself.
 * - `CYCLE`: an edge (or an imported graph) that would close a cycle; see {@link DagCycleError}.
 * - `ALREADY_REGISTERED`: a recompute entry for a node that already has one.
 * - `INVALID_JSON`: a serialized graph that does not have the documented shape.
 * - `GRAPH_CHANGED`: a worklist used after the graph's order changed under it.
 */
export type DagErrorCode =
  | 'INVALID_ID'
  | 'INVALID_WEIGHT'
  | 'INVALID_ARGUMENT'
  | 'NODE_NOT_FOUND'
  | 'NODE_EXISTS'
  | 'EDGE_NOT_FOUND'
  | 'EDGE_EXISTS'
  | 'SELF_LOOP'
  | 'CYCLE'
  | 'ALREADY_REGISTERED'
  | 'INVALID_JSON'
  | 'GRAPH_CHANGED';

/** The one error class of `@mmsb/dag`. A refused request leaves the graph unchanged. */
export class DagError extends Error {
  /** What went wrong, as a literal callers can switch on. */
  readonly code: DagErrorCode;

  /**
   * @param code what went wrong
   * @param message names the wrong value and what was expected
   * @param options `cause`: the underlying error (a JSON syntax error, for instance)
   */
  constructor(code: DagErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DagError';
    this.code = code;
  }
}

/**
 * The refusal of an edge, or of an imported graph, that would close a cycle. `cycle` names the
 * node ids along one cycle in edge order: `cycle[i] → cycle[i + 1]`, and the last back to the
 * first. For a single refused edge `from → to`, `cycle` starts with `from, to`.
 */
export class DagCycleError extends DagError {
  /** One cycle, in edge order; the edge from the last id back to the first closes it. */
  readonly cycle: readonly number[];
  /** One cycle per strongly connected component that has one (the first is `cycle`). */
  readonly cycles: readonly (readonly number[])[];

  /**
   * @param cycles at least one cycle, each in edge order
   * @param message names the edge or the import that was refused
   */
  constructor(cycles: readonly (readonly number[])[], message: string) {
    super('CYCLE', message);
    this.name = 'DagCycleError';
    this.cycles = cycles;
    this.cycle = cycles[0] ?? [];
  }
}

/** True when `error` is a {@link DagError}, optionally of the given code. */
export function isDagError(error: unknown, code?: DagErrorCode): error is DagError {
  return error instanceof DagError && (code === undefined || error.code === code);
}
