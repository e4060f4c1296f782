// The layer table of DESIGN.md §1, in one place: package scaffolding and the lint constraints read it.
export const layers = [
  { dir: 'native', name: '@mmsb/native', tag: 'scope:native', owns: 'C++ Node-API module: CPU kernels (SIMD), CUDA kernels when a toolkit and a device exist, mmap, CRC32C — each with a pure-TS twin.' },
  { dir: 'packages/physical', name: '@mmsb/physical', tag: 'layer:0', owns: 'page memory (heap, SharedArrayBuffer, mmapped files, device), per-state allocator, memory budget and pressure, device discovery, GPU memory pool' },
  { dir: 'packages/page', name: '@mmsb/page', tag: 'layer:1', owns: 'Page, Delta (dense, sparse runs, compressed), epochs, TLog, checkpoints, replay, diffing, transactions and isolation, corruption detection' },
  { dir: 'packages/semiring', name: '@mmsb/semiring', tag: 'layer:2', owns: 'Semiring<T> and the standard semirings, sparse matrices/vectors over them, delta router and merge' },
  { dir: 'packages/dag', name: '@mmsb/dag', tag: 'layer:3', owns: 'ShadowPageGraph: dependency tracking, cycle detection, topological order, recomputation registry, depth/fan-out stats' },
  { dir: 'packages/propagation', name: '@mmsb/propagation', tag: 'layer:4', owns: 'glitch-free propagation of page changes; reactive cells; algebraic (semiring) propagation; CPU/GPU batch propagation' },
  { dir: 'packages/adaptive', name: '@mmsb/adaptive', tag: 'layer:5', owns: 'layout optimization (co-access clustering), graph rewriting, entropy reduction' },
  { dir: 'packages/utility', name: '@mmsb/utility', tag: 'layer:6', owns: 'cost functions, telemetry, entropy measurement, Prometheus/OpenTelemetry export' },
  { dir: 'packages/intention', name: '@mmsb/intention', tag: 'layer:7', owns: 'goals, preferences, attractor states, goal emergence' },
  { dir: 'packages/reasoning', name: '@mmsb/reasoning', tag: 'layer:8', owns: 'structural inference, constraint solving, logic rules, belief propagation, causal inference, patterns' },
  { dir: 'packages/planning', name: '@mmsb/planning', tag: 'layer:9', owns: 'MCTS/PUCT, goal decomposition, HTN, RL planning with ONNX policies, replanning, plan explanation' },
  { dir: 'packages/agent-interface', name: '@mmsb/agent-interface', tag: 'layer:10', owns: 'checkpoint API, event subscription, agent protocol (observe / act)' },
  { dir: 'packages/agents', name: '@mmsb/agents', tag: 'layer:11', owns: 'RL, symbolic, planning and hybrid agents' },
  { dir: 'packages/applications', name: '@mmsb/applications', tag: 'layer:12', owns: 'LLM tools (MCP server), world simulation, multi-agent, finance' },
  { dir: 'packages/mmsb', name: 'mmsb', tag: 'layer:top', owns: 'the façade users import and the `mmsb` command line' },
];

/** Layers 0–4 may bind the native module (DESIGN.md §1). */
export const NATIVE_BINDING_MAX_LAYER = 4;

/**
 * depConstraints for @nx/enforce-module-boundaries: a layer may import only strictly lower
 * layers, and only layers 0–4 may import @mmsb/native.
 */
export function layerConstraints() {
  const constraints = [{ sourceTag: 'scope:native', onlyDependOnLibsWithTags: [] }];
  for (let n = 0; n <= 12; n++) {
    const allowed = [];
    if (n <= NATIVE_BINDING_MAX_LAYER) allowed.push('scope:native');
    for (let m = 0; m < n; m++) allowed.push(`layer:${m}`);
    constraints.push({ sourceTag: `layer:${n}`, onlyDependOnLibsWithTags: allowed });
  }
  const all = [];
  for (let m = 0; m <= 12; m++) all.push(`layer:${m}`);
  constraints.push({ sourceTag: 'layer:top', onlyDependOnLibsWithTags: all });
  constraints.push({ sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] });
  return constraints;
}
