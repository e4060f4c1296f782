/**
 * @mmsb/semiring — layer 2 of MMSB: Semiring<T> and the standard semirings, sparse matrices and
 * vectors over them, GraphBLAS-style operations, graph algorithms, delta router and merge.
 */
export { isSemiringError, SemiringError } from './errors.js';
export type { SemiringErrorCode } from './errors.js';

// algebra
export { defineSemiring, isStandardSemiring, sameValue } from './semiring.js';
export type { BinaryOp, Semiring, SemiringDefinition, SemiringProperties, StandardSemiring } from './semiring.js';
export type { SemiringOp } from './internal/native-bridge.js';
export {
  booleanSemiring,
  logAddExp,
  logSemiring,
  maxMinSemiring,
  maxPlusSemiring,
  maxTimesSemiring,
  minPlusSemiring,
  plusTimesSemiring,
  standardSemiring,
  standardSemirings,
} from './standard.js';

// delta router
export { elementWidth, ELEMENT_TYPES, isElementType } from './router/layout.js';
export type { ElementType } from './router/layout.js';
export { DeltaRouter, stageRouted } from './router/router.js';
export type {
  DeltaRouterOptions,
  RoutedDelta,
  RouteOptions,
  RouteResult,
  RouteStats,
  TaggedDelta,
  TypedPageOptions,
  WriterTag,
} from './router/router.js';

// matrices and vectors
export { SparseMatrix } from './matrix.js';
export type { DuplicatePolicy, EdgeList, FromEdgesOptions } from './matrix.js';
export { DenseVector, SparseVector } from './vector.js';
export type { ValueArray } from './internal/kernels.js';
export { matrixFromMarket, MatrixMarketParser, parseMatrixMarket, readMatrixMarketFile } from './mtx.js';
export type { MatrixMarketData, MatrixMarketField, MatrixMarketFormat, MatrixMarketSymmetry } from './mtx.js';

// operations (GraphBLAS)
export { apply } from './operations/apply.js';
export type { ApplyOptions } from './operations/apply.js';
export { ewiseAdd, ewiseMult } from './operations/ewise.js';
export { mxm } from './operations/mxm.js';
export { mxv, vxm } from './operations/mxv.js';
export type { MaskOptions, MatrixOutputOptions, VectorOutputOptions } from './operations/options.js';
export { reduceRows, reduceToScalar } from './operations/reduce.js';
export { transpose } from './operations/transpose.js';

// graph algorithms
export { bfsLevels } from './algorithms/bfs.js';
export type { BfsOptions, BfsResult } from './algorithms/bfs.js';
export { reachable } from './algorithms/reachability.js';
export { bellmanFord, dijkstra } from './algorithms/sssp.js';
export type { BellmanFordOptions, ShortestPathOptions, ShortestPaths } from './algorithms/sssp.js';
export { widestPaths } from './algorithms/widest.js';
export type { WidestPathOptions, WidestPaths } from './algorithms/widest.js';
