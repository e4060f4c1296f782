// The law of algebraic propagation: after every change, on random graphs (with cycles for the
// selective semirings, acyclic for all of them) and random change sequences (seed changes,
// weight increases and decreases, edge insertions and removals, node additions and removals,
// batches), every value equals a solve from scratch of the same graph — exactly for the
// selective semirings, within 1e-9 of the values' scale for plus-times and log-plus. Each run
// picks the native or TS kernels and thresholds that force or forbid sweeps and recomputes.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay inside arrays the test built */
import { nativeSemiringKernels, tsSemiringKernels } from '@mmsb/native';
import {
  booleanSemiring,
  logSemiring,
  maxMinSemiring,
  maxPlusSemiring,
  maxTimesSemiring,
  minPlusSemiring,
  plusTimesSemiring,
} from '@mmsb/semiring';
import type { Semiring } from '@mmsb/semiring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlgebraicSystem, PropagationError } from '../../src/index.js';
import type { AlgebraicChange } from '../../src/index.js';
import { Model } from './support/model.js';

interface Pools {
  readonly semiring: Semiring<number>;
  readonly weights: readonly number[];
  readonly seeds: readonly number[];
}

// Small pools make ties, zero-weight cycles and saturated max-min paths common.
const cyclicPools: readonly Pools[] = [
  { semiring: minPlusSemiring, weights: [0, 0, 1, 2, 3, 7], seeds: [0, 1, 4, 10, Infinity] },
  { semiring: maxPlusSemiring, weights: [0, 0, -1, -2, -5], seeds: [0, 3, 7, -2, -Infinity] },
  { semiring: maxTimesSemiring, weights: [1, 1, 0.5, 0.25, 0.75, 0.3], seeds: [0, 1, 0.5, 2] },
  { semiring: maxMinSemiring, weights: [1, 2, 3, 5, Infinity], seeds: [-Infinity, 1, 2, 4, Infinity] },
  { semiring: booleanSemiring, weights: [1], seeds: [0, 1] },
];

const acyclicPools: readonly Pools[] = [
  { semiring: plusTimesSemiring, weights: [0.5, 1, 2, -1, 0.1, 3], seeds: [0, 1, 2.5, -1] },
  { semiring: logSemiring, weights: [0, -1, -0.5, 1], seeds: [-Infinity, 0, 1, -3] },
  { semiring: minPlusSemiring, weights: [-2, -1, 0, 3, 5], seeds: [0, 1, Infinity] },
  { semiring: maxTimesSemiring, weights: [2, -1, 0.5, 3], seeds: [0, 1, -2] },
  { semiring: maxMinSemiring, weights: [1, 2, 5, Infinity], seeds: [-Infinity, 1, 3] },
];

/** A change with raw indices, resolved modulo the node count when it runs. */
type RawStep =
  | { readonly kind: 'seed'; readonly node: number; readonly pick: number }
  | { readonly kind: 'edge'; readonly from: number; readonly to: number; readonly pick: number }
  | { readonly kind: 'remove-edge'; readonly from: number; readonly to: number }
  | { readonly kind: 'remove-node'; readonly node: number }
  | { readonly kind: 'add-nodes'; readonly count: number; readonly pick: number }
  | { readonly kind: 'batch'; readonly steps: readonly RawStep[] };

const single: fc.Arbitrary<RawStep> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('seed' as const), node: fc.nat(), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edge' as const), from: fc.nat(), to: fc.nat(), pick: fc.nat() }) },
  // An existing edge, picked by rank, removed: most random pairs are not edges.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove-edge' as const), from: fc.nat(), to: fc.constant(-1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-node' as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add-nodes' as const), count: fc.integer({ min: 1, max: 3 }), pick: fc.nat() }) },
);
const step: fc.Arbitrary<RawStep> = fc.oneof(
  { weight: 5, arbitrary: single },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('batch' as const), steps: fc.array(single, { minLength: 2, maxLength: 5 }) }) },
);

interface Scenario {
  readonly nodes: number;
  readonly edges: readonly (readonly [number, number, number])[];
  readonly seeds: readonly (readonly [number, number])[];
  readonly steps: readonly RawStep[];
  readonly sweepFraction: number;
  readonly recomputeFraction: number;
  readonly native: boolean;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  nodes: fc.integer({ min: 1, max: 24 }),
  edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 80 }),
  seeds: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }),
  steps: fc.array(step, { minLength: 1, maxLength: 20 }),
  sweepFraction: fc.constantFrom(0, 1 / 16, 0.5, 1e9),
  recomputeFraction: fc.constantFrom(0, 0.25, 0.5, 1e9),
  native: fc.boolean(),
});

const pick = <T>(pool: readonly T[], k: number): T => pool[k % pool.length]!;

/** Whether `to` reaches `from` in the model (so from → to would close a cycle). */
function closesCycle(model: Model, from: number, to: number): boolean {
  if (from === to) return true;
  const seen = new Set([to]);
  const stack = [to];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const [a, b] of model.edges.values()) {
      if (a !== u || seen.has(b)) continue;
      if (b === from) return true;
      seen.add(b);
      stack.push(b);
    }
  }
  return false;
}

function expectClose(actual: readonly number[], expected: readonly number[], exact: boolean): void {
  if (exact) {
    expect(actual).toEqual(expected);
    return;
  }
  expect(actual.length).toBe(expected.length);
  for (let v = 0; v < actual.length; v++) {
    const a = actual[v]!;
    const e = expected[v]!;
    if (a === e) continue;
    const scale = Math.max(1, Math.abs(a), Math.abs(e));
    if (!(Math.abs(a - e) <= 1e-9 * scale)) expect.fail(`node ${v}: ${a} vs from-scratch ${e}`);
  }
}

/** Links of the support forest are tight edges and lead back to a seed without a cycle. */
function expectSupportsValid(system: AlgebraicSystem, model: Model): void {
  const { semiring } = model;
  const x = system.values();
  for (let v = 0; v < system.nodeCount; v++) {
    let node = v;
    for (let steps = 0; ; steps++) {
      expect(steps).toBeLessThanOrEqual(system.nodeCount);
      const u = system.predecessor(node);
      if (u === -1) {
        expect(x[node]).toBe(model.seeds[node]);
        break;
      }
      const w = system.edgeWeight(u, node);
      expect(w).not.toBe(semiring.zero);
      // Tight by ===: a DAG with negative weights may meet −0 against +0.
      expect(semiring.mul(x[u]!, w) === x[node]).toBe(true);
      node = u;
    }
  }
}

function run(pools: Pools, s: Scenario, acyclic: boolean): void {
  const { semiring } = pools;
  const kernels = s.native && nativeSemiringKernels !== null ? nativeSemiringKernels : tsSemiringKernels;
  const model = new Model(semiring, s.nodes);
  for (const [node, k] of s.seeds) model.seeds[node % s.nodes] = pick(pools.seeds, k);
  for (const [u0, v0, k] of s.edges) {
    const u = u0 % s.nodes;
    const v = v0 % s.nodes;
    if (acyclic && (u >= v || model.edges.has(`${u} ${v}`))) continue;
    model.setEdge(u, v, pick(pools.weights, k));
  }
  const edgeList = [...model.edges.values()];
  const system = new AlgebraicSystem({
    semiring,
    nodes: s.nodes,
    edges: { from: edgeList.map((e) => e[0]), to: edgeList.map((e) => e[1]), weights: edgeList.map((e) => e[2]) },
    seeds: model.seeds,
    acyclic,
    kernels,
    sweepFraction: s.sweepFraction,
    recomputeFraction: s.recomputeFraction,
  });
  const exact = semiring.properties.selective;
  const check = (): void => {
    const expected = acyclic ? model.solveInOrder() : model.solveByRounds();
    expectClose(Array.from(system.values()), expected, exact);
    if (exact) expectSupportsValid(system, model);
  };
  check();

  const resolve = (raw: RawStep, out: AlgebraicChange[]): void => {
    const n = model.nodes;
    switch (raw.kind) {
      case 'seed':
        out.push({ kind: 'seed', node: raw.node % n, value: pick(pools.seeds, raw.pick) });
        break;
      case 'edge': {
        // One pick in eight is the zero: a removal through a weight.
        const weight = raw.pick % 8 === 7 ? semiring.zero : pick(pools.weights, raw.pick);
        out.push({ kind: 'edge', from: raw.from % n, to: raw.to % n, weight });
        break;
      }
      case 'remove-edge': {
        const edges = [...model.edges.values()];
        if (edges.length === 0) break;
        const [u, v] = edges[raw.from % edges.length]!;
        out.push({ kind: 'remove-edge', from: u, to: v });
        break;
      }
      case 'remove-node':
        out.push({ kind: 'remove-node', node: raw.node % n });
        break;
      default:
        break;
    }
  };

  for (const raw of s.steps) {
    if (raw.kind === 'add-nodes') {
      const seeds = Array.from({ length: raw.count }, (_, k) => pick(pools.seeds, raw.pick + k));
      const first = system.addNodes(raw.count, seeds);
      expect(first).toBe(model.nodes);
      model.seeds.push(...seeds);
      check();
      continue;
    }
    const changes: AlgebraicChange[] = [];
    for (const r of raw.kind === 'batch' ? raw.steps : [raw]) resolve(r, changes);
    // What the system must refuse: a removed node, or (acyclic) an edge closing a cycle.
    const trial = new Model(semiring, model.nodes);
    for (const [key, e] of model.edges) trial.edges.set(key, e);
    for (const r of model.removed) trial.removed.add(r);
    // Node checks run over the whole batch before any cycle check.
    let refusal: string | null = null;
    for (const c of changes) {
      const named = c.kind === 'seed' || c.kind === 'remove-node' ? [c.node] : [c.from, c.to];
      if (named.some((v) => trial.removed.has(v))) refusal = 'NODE_NOT_FOUND';
      if (c.kind === 'remove-node') trial.removed.add(c.node);
    }
    for (const c of acyclic && refusal === null ? changes : []) {
      if (c.kind === 'edge' && c.weight !== semiring.zero && !trial.edges.has(`${c.from} ${c.to}`) && closesCycle(trial, c.from, c.to)) {
        refusal = 'GRAPH_CYCLE';
        break;
      }
      trial.apply([c]);
    }
    if (refusal !== null) {
      const before = system.values();
      const edgesBefore = system.edgeCount;
      let thrown: unknown = null;
      try {
        system.apply(changes);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PropagationError);
      expect((thrown as PropagationError).code).toBe(refusal);
      expect(system.values()).toEqual(before);
      expect(system.edgeCount).toBe(edgesBefore);
      continue;
    }
    const before = system.values();
    const update = system.apply(changes);
    model.apply(changes);
    expect(system.edgeCount).toBe(model.edges.size);
    const after = system.values();
    expect(update.changed).toBe(after.filter((value, v) => !Object.is(value, before[v])).length);
    check();
  }
}

describe('algebraic propagation equals a solve from scratch after every change', () => {
  for (const pools of cyclicPools) {
    it(`${pools.semiring.name} on graphs with cycles: exact, with a valid support forest`, () => {
      fc.assert(fc.property(scenario, (s) => run(pools, s, false)), { numRuns: 150 });
    });
  }
  for (const pools of acyclicPools) {
    it(`${pools.semiring.name} on DAGs: ${pools.semiring.properties.selective ? 'exact' : 'within 1e-9 of the scale'}, cycles refused and nothing changed`, () => {
      fc.assert(fc.property(scenario, (s) => run(pools, s, true)), { numRuns: 120 });
    });
  }
});
