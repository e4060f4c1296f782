/** A graph on dense nodes 0 … n-1 in compressed sparse rows: `targets[offsets[v] … offsets[v+1])` are v's successors. */
export interface DenseGraph {
  readonly nodeCount: number;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** Builds CSR rows from parallel `from`/`to` arrays of dense nodes (a counting sort, stable). */
export function denseGraphFromEdges(nodeCount: number, from: Int32Array, to: Int32Array, edgeCount: number): DenseGraph {
  const offsets = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) {
    const row = (from[e] as number) + 1;
    offsets[row] = (offsets[row] as number) + 1;
  }
  for (let v = 0; v < nodeCount; v++) offsets[v + 1] = (offsets[v + 1] as number) + (offsets[v] as number);
  const cursor = offsets.slice(0, nodeCount);
  const targets = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const u = from[e] as number;
    const at = cursor[u] as number;
    cursor[u] = at + 1;
    targets[at] = to[e] as number;
  }
  return { nodeCount, offsets, targets };
}

/**
 * Tarjan's strongly connected components without recursion: an explicit call stack of
 * (node, next edge) pairs, so a path of a million nodes needs no deeper JS stack.
 * Returns each node's component number and the count; components are numbered in reverse
 * topological order of the condensation (a component is numbered before any that reach it).
 */
export function tarjan(graph: DenseGraph): { component: Int32Array; count: number } {
  const { nodeCount: n, offsets, targets } = graph;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const component = new Int32Array(n);
  let sp = 0;
  let csp = 0;
  let counter = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    callNode[csp] = root;
    callEdge[csp++] = offsets[root] as number;
    while (csp > 0) {
      const v = callNode[csp - 1] as number;
      const e = callEdge[csp - 1] as number;
      if (e < (offsets[v + 1] as number)) {
        callEdge[csp - 1] = e + 1;
        const w = targets[e] as number;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[csp] = w;
          callEdge[csp++] = offsets[w] as number;
        } else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) {
          low[v] = index[w] as number;
        }
        continue;
      }
      csp--;
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp] as number;
          onStack[w] = 0;
          component[w] = count;
        } while (w !== v);
        count++;
      }
      if (csp > 0) {
        const u = callNode[csp - 1] as number;
        if ((low[v] as number) < (low[u] as number)) low[u] = low[v] as number;
      }
    }
  }
  return { component, count };
}

/**
 * One cycle through `root` inside its component (nodes whose `component` equals root's), in
 * edge order starting at root, found by a breadth-first search (so it is a shortest one).
 * Returns null when root lies on no cycle.
 */
export function cycleThrough(graph: DenseGraph, component: Int32Array, root: number): number[] | null {
  const { offsets, targets } = graph;
  const c = component[root] as number;
  const parent = new Map<number, number>();
  const queue: number[] = [root];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (let e = offsets[v] as number, end = offsets[v + 1] as number; e < end; e++) {
      const w = targets[e] as number;
      if (w === root) {
        const path: number[] = [];
        for (let n: number | undefined = v; n !== undefined && n !== root; n = parent.get(n)) path.push(n);
        path.push(root);
        return path.reverse();
      }
      if (component[w] === c && !parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return null;
}
