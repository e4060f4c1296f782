// A plain model of an algebraic system (seeds, an edge map, removed nodes) and a from-scratch
// solver over it that shares no code with the system: label-correcting rounds with the
// semiring's own ⊕/⊗ closures for graphs with cycles, a Kahn order for DAGs.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the reference model indexes arrays it sized itself */
import type { Semiring } from '@mmsb/semiring';
import type { AlgebraicChange } from '../../../src/index.js';

/** Seeds, edges (key "u v") and removed nodes, changed the way the system is. */
export class Model {
  readonly seeds: number[];
  readonly edges = new Map<string, readonly [number, number, number]>();
  readonly removed = new Set<number>();

  constructor(
    readonly semiring: Semiring<number>,
    nodes: number,
  ) {
    this.seeds = new Array<number>(nodes).fill(semiring.zero);
  }

  get nodes(): number {
    return this.seeds.length;
  }

  setEdge(u: number, v: number, w: number): void {
    if (w === this.semiring.zero) this.edges.delete(`${u} ${v}`);
    else this.edges.set(`${u} ${v}`, [u, v, w]);
  }

  apply(changes: readonly AlgebraicChange[]): void {
    for (const c of changes) {
      if (c.kind === 'seed') this.seeds[c.node] = c.value;
      else if (c.kind === 'edge') this.setEdge(c.from, c.to, c.weight);
      else if (c.kind === 'remove-edge') this.setEdge(c.from, c.to, this.semiring.zero);
      else {
        this.seeds[c.node] = this.semiring.zero;
        for (const [key, [u, v]] of this.edges) if (u === c.node || v === c.node) this.edges.delete(key);
        this.removed.add(c.node);
      }
    }
  }

  /** The least fixpoint of x = x·A ⊕ b, by rounds of xⱼ ⊕= xᵢ ⊗ w until nothing changes. */
  solveByRounds(): number[] {
    const { add, mul, zero } = this.semiring;
    const x = this.seeds.map((b) => (b === zero ? zero : b));
    for (let round = 0; ; round++) {
      if (round > this.nodes + 2) throw new Error('reference rounds did not settle');
      let changed = false;
      for (const [u, v, w] of this.edges.values()) {
        const next = add(x[v]!, mul(x[u]!, w));
        if (!Object.is(next, x[v]) && !(next === 0 && x[v] === 0)) {
          x[v] = next;
          changed = true;
        }
      }
      if (!changed) return x;
    }
  }

  /** The unique solution on a DAG: Kahn order, each node its seed ⊕ its in-edges. */
  solveInOrder(): number[] {
    const { add, mul } = this.semiring;
    const n = this.nodes;
    const indegree = new Array<number>(n).fill(0);
    const ins: (readonly [number, number])[][] = Array.from({ length: n }, () => []);
    const outs: number[][] = Array.from({ length: n }, () => []);
    for (const [u, v, w] of this.edges.values()) {
      indegree[v]!++;
      ins[v]!.push([u, w]);
      outs[u]!.push(v);
    }
    const x = this.seeds.slice();
    const queue: number[] = [];
    for (let v = 0; v < n; v++) if (indegree[v] === 0) queue.push(v);
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      let acc = this.seeds[v]!;
      for (const [u, w] of ins[v]!) acc = add(acc, mul(x[u]!, w));
      x[v] = acc;
      for (const t of outs[v]!) if (--indegree[t]! === 0) queue.push(t);
    }
    if (queue.length !== n) throw new Error('reference graph has a cycle');
    return x;
  }
}
