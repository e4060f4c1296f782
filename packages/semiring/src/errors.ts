/**
 * Every way layer 2 refuses a request. Callers switch on the code, never on the message.
 *
 * - `INVALID_ARGUMENT`: a value outside its domain (a negative size, a non-integer vertex id).
 * - `DIMENSION_MISMATCH`: operands whose shapes do not fit (an n×m matrix times a vector of length k ≠ m).
 * - `INDEX_OUT_OF_RANGE`: a row, column or vertex index outside its matrix or vector.
 * - `DUPLICATE_ENTRY`: an edge list that gives one (row, column) twice with no ⊕ to combine them.
 * - `MTX_PARSE`: a Matrix Market file that does not parse; the message names the line.
 * - `NEGATIVE_WEIGHT`: Dijkstra met a negative (or NaN) edge weight.
 * - `NEGATIVE_CYCLE`: Bellman–Ford found a cycle of negative total weight reachable from the source.
 * - `UNSUPPORTED`: a request the layer understands but does not implement (a complex Matrix Market field).
 * - `UNKNOWN_PAGE`: the delta router met a delta for a page it was told to expect registered, and it is not.
 * - `SIZE_MISMATCH`: a delta whose page size disagrees with the size registered (or first seen) for its page,
 *   or a typed page whose size is not a whole number of elements.
 * - `MISALIGNED_RUN`: a run of a delta to a typed page that does not start and end on element boundaries.
 * - `UNKNOWN_LAYOUT`: a typed page registered with an element type the router does not know.
 * - `ROUTE_CONFLICT`: two deltas to one page with the same (epoch, writer), whose order nothing decides;
 *   or a page re-registered while deltas for it wait.
 */
export type SemiringErrorCode =
  | 'INVALID_ARGUMENT'
  | 'DIMENSION_MISMATCH'
  | 'INDEX_OUT_OF_RANGE'
  | 'DUPLICATE_ENTRY'
  | 'MTX_PARSE'
  | 'NEGATIVE_WEIGHT'
  | 'NEGATIVE_CYCLE'
  | 'UNSUPPORTED'
  // delta router
  | 'UNKNOWN_PAGE'
  | 'SIZE_MISMATCH'
  | 'MISALIGNED_RUN'
  | 'UNKNOWN_LAYOUT'
  | 'ROUTE_CONFLICT';

/** The one error class of `@mmsb/semiring`. A refused call leaves its operands unchanged. */
export class SemiringError extends Error {
  /** What went wrong, as a literal callers can switch on. */
  readonly code: SemiringErrorCode;

  /**
   * @param code what went wrong
   * @param message names the wrong value and what was expected
   * @param options `cause`: the underlying error
   */
  constructor(code: SemiringErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SemiringError';
    this.code = code;
  }
}

/** True when `error` is a {@link SemiringError}, optionally of the given code. */
export function isSemiringError(error: unknown, code?: SemiringErrorCode): error is SemiringError {
  return error instanceof SemiringError && (code === undefined || error.code === code);
}
