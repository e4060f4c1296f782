// @mmsb/dag — layer 3: the ShadowPageGraph (dependencies, cycle refusal, incremental
// topological order, recomputation registry, statistics, DOT/JSON).
export { DagCycleError, DagError, isDagError } from './errors.js';
export type { DagErrorCode } from './errors.js';

export { ShadowPageGraph } from './shadow-page-graph.js';
export type { RecomputeEntry, RecomputeFunction, ShadowPageGraphOptions } from './shadow-page-graph.js';
export type { TopologicalWorklist } from './topological-worklist.js';

export { findCycles, stronglyConnectedComponents } from './scc.js';
export type { EdgeTuple } from './scc.js';

export type { DistributionSummary, GraphStatistics } from './statistics.js';

export { DAG_JSON_FORMAT, DAG_JSON_VERSION, graphFromJson, graphToDot, graphToJson } from './serialization.js';
export type { DagJson, DotOptions, JsonWeight } from './serialization.js';

export { MAX_NODE_ID } from './internal/ids.js';
