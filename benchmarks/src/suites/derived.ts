// Derived pages of @mmsb/propagation: (a) one hop from a source commit to its recomputed derived
// page, and (b) one wave through a DAG of 100k derived pages. Every store runs with durability
// 'none' (the log is written to the OS, never fsynced), so the figures are the commit path and the
// wave, not the disk.
//
// What a one-hop figure includes: stage the source change, compute the source's new image,
// recompute the derived page (64 bytes: out = source + 1), stage its bytes, and the store's
// in-memory commit of both (apply, before-images, encode the one TLog record, queue it) — the
// derived page holds its new bytes when `update` returns. The log write itself runs behind it:
// each call of `run` issues 256 commits and awaits the last, so the record writes overlap the
// next commits and their cost shows only where they hold the event loop.
//
// The peers of (a): the same hop done as two commits without the engine (commit the source, read
// it, compute, commit the derived page — two records, two epochs, what an application does by
// hand), and the same hop in memory with the reactive cells (signal → computed, read once; no
// store, no log). The wave's own share is `mmsb` minus the `store only` case (a plain commit of
// the same change to a page nobody derives from), both in this run.
//
// (b) layers of 1,000 pages of 64 bytes: 1,000 sources, then 100 layers of 1,000 derived pages,
// page i of a layer reading pages i and i + 1 (mod 1,000) of the layer before
// (out = a + 2·b + 1 byte-wise, so a change always changes the output: no cutoff). One wave = one
// batch rewriting all 1,000 sources; it recomputes all 100,000 derived pages and commits 101,000
// deltas as one record. The unit is a recomputed page; waves/s = rate / 100,000. The peer is the
// same 100,000 recomputes as a plain loop over arrays in the same order (no store, no log, no
// graph): the floor of the work itself; and the store alone committing the same 101,000 page
// images without a wave (the page layer's share of the figure).
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below the lengths the suite built */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@mmsb/page';
import type { PageStore } from '@mmsb/page';
import { computed, openDerivedPages, signal } from '@mmsb/propagation';
import type { DerivedPages, DerivedRecompute } from '@mmsb/propagation';
import type { BenchCase } from '../harness.js';

const PAGE = 64;
const HOPS_PER_CALL = 256;
const WIDTH = 1000;
const LAYERS = 100;

let root: string | null = null;
let dirCount = 0;

function freshDir(label: string): string {
  root ??= mkdtempSync(join(tmpdir(), 'mmsb-bench-derived-'));
  const dir = join(root, `${label}-${dirCount++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes every directory the suite made. */
export function derivedCleanup(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
}

/** The suite's context for the results file. */
export function derivedContext(): Record<string, unknown> {
  return { durability: 'none', pageBytes: PAGE, hopsPerCall: HOPS_PER_CALL, dag: { width: WIDTH, layers: LAYERS, derivedPages: WIDTH * LAYERS, inputsPerPage: 2 } };
}

const plusOne: DerivedRecompute = ([source]) => {
  const s = source as Uint8Array;
  const out = new Uint8Array(PAGE);
  for (let k = 0; k < PAGE; k++) out[k] = (s[k] as number) + 1;
  return out;
};

const mix = (a: Uint8Array, b: Uint8Array, out: Uint8Array): Uint8Array => {
  for (let k = 0; k < PAGE; k++) out[k] = (a[k] as number) + 2 * (b[k] as number) + 1;
  return out;
};

const mixPages: DerivedRecompute = ([a, b]) => mix(a as Uint8Array, b as Uint8Array, new Uint8Array(PAGE));

interface OneHop {
  store: PageStore;
  engine: DerivedPages;
  source: number;
  derived: number;
  /** A page nobody derives from, for the store-only figure. */
  lone: number;
}

async function openOneHop(): Promise<OneHop> {
  const store = await openStore({ dir: freshDir('one-hop'), durability: 'none' });
  const source = (await store.createPage({ size: PAGE })).id;
  const lone = (await store.createPage({ size: PAGE })).id;
  const engine = openDerivedPages(store);
  const derived = (await engine.derive({ key: 'plus-one', inputs: [source], size: PAGE, recompute: plusOne })).pageId;
  return { store, engine, source, derived, lone };
}

function oneHopCases(): BenchCase[] {
  let hop: OneHop | null = null;
  let counter = 0;
  const run = [{ offset: 0, bytes: new Uint8Array(8) }];
  const next = (): typeof run => {
    counter = (counter + 1) & 0xffff;
    run[0]!.bytes[0] = counter & 0xff;
    run[0]!.bytes[1] = counter >> 8;
    return run;
  };
  const h = (): OneHop => {
    if (hop === null) throw new Error('one-hop store not open');
    return hop;
  };
  const setup = async (): Promise<void> => {
    hop = await openOneHop();
  };
  const teardown = async (): Promise<void> => {
    await hop?.store.close();
    hop = null;
  };
  const check = (): void => {
    const { store, source, derived } = h();
    if (store.view(derived)[0] !== (((store.view(source)[0] as number) + 1) & 0xff)) throw new Error('the derived page is stale');
  };
  const engineHops = async (): Promise<void> => {
    const { engine, source } = h();
    let last: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < HOPS_PER_CALL; i++) last = engine.update(source, next());
    await last;
    check();
  };
  const twoCommits = async (): Promise<void> => {
    const { store, source, derived } = h();
    let last: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < HOPS_PER_CALL; i++) {
      void store.update(source, next());
      const bytes = plusOne([store.view(source)], store.view(derived)) as Uint8Array;
      last = store.update(derived, bytes);
    }
    await last;
    check();
  };
  const storeOnly = async (): Promise<void> => {
    const { store, lone } = h();
    let last: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < HOPS_PER_CALL; i++) last = store.update(lone, next());
    await last;
  };
  const cellSource = signal(new Uint8Array(PAGE));
  const cellDerived = computed(() => plusOne([cellSource.read()], new Uint8Array(PAGE)) as Uint8Array);
  const cells = (): void => {
    for (let i = 0; i < HOPS_PER_CALL; i++) {
      const bytes = new Uint8Array(PAGE);
      bytes.set(next()[0]!.bytes);
      cellSource.write(bytes);
      if (cellDerived.read()[0] !== ((bytes[0] as number) + 1) % 256) throw new Error('stale cell');
    }
  };
  return [
    {
      name: 'derived.one-hop.commit',
      unit: 'ops',
      workPerCall: HOPS_PER_CALL,
      setup,
      teardown,
      mmsb: { name: 'mmsb wave in the commit', run: engineHops },
      peer: { name: 'two commits by hand', run: twoCommits },
      otherPeers: [{ name: 'cells, in memory', run: cells }],
      goal: { kind: 'ns-per-op-at-most', value: 5000 },
      note: 'One op = commit of a 64-byte source change with its derived page recomputed and committed in the same epoch (durability none; in-memory apply and record encoding included, the log write overlapped: 256 commits per call, the last awaited). Peers: the same hop as two commits without the engine; the same computation with signal → computed in memory (no store).',
    },
    {
      name: 'derived.one-hop.wave-share',
      unit: 'ops',
      workPerCall: HOPS_PER_CALL,
      setup,
      teardown,
      mmsb: { name: 'mmsb wave in the commit', run: engineHops },
      peer: { name: 'store only (no dependents)', run: storeOnly },
      note: "The same commit of a 64-byte change, to the page with a derived dependent (mmsb) and to a page nobody derives from (peer, the store's commit path alone): the wave's own share is mmsb ns/op − peer ns/op.",
    },
  ];
}

interface Dag {
  store: PageStore;
  engine: DerivedPages;
  sources: number[];
  layers: number[][];
}

async function openDag(): Promise<Dag> {
  const store = await openStore({ dir: freshDir('dag'), durability: 'none' });
  const engine = openDerivedPages(store, { registryPageSize: 256 * 1024 });
  const creations: Promise<{ id: number }>[] = [];
  for (let i = 0; i < WIDTH; i++) creations.push(store.createPage({ size: PAGE }));
  const sources = (await Promise.all(creations)).map((p) => p.id);
  const layers: number[][] = [];
  let below = sources;
  for (let layer = 0; layer < LAYERS; layer++) {
    const specs = below.map((_, i) => ({ key: `L${layer}.${i}`, inputs: [below[i] as number, below[(i + 1) % WIDTH] as number], size: PAGE, recompute: mixPages }));
    const ids = (await engine.deriveMany(specs)).map((info) => info.pageId);
    layers.push(ids);
    below = ids;
  }
  return { store, engine, sources, layers };
}

function waveCases(): BenchCase[] {
  let dag: Dag | null = null;
  let value = 0;
  const images = Array.from({ length: WIDTH }, () => new Uint8Array(PAGE));
  const wave = async (): Promise<void> => {
    if (dag === null) throw new Error('dag not open');
    value = (value + 1) & 0xff;
    const changes = dag.sources.map((pageId, i) => ({ pageId, change: images[i]!.fill((value + i) & 0xff) }));
    const result = await dag.engine.batch(changes);
    // The first wave may cut off a few pages (a source rewritten with its old bytes); later ones never do.
    if (result.recomputed + result.cutoffs !== WIDTH * LAYERS) throw new Error(`the wave ran ${result.recomputed + result.cutoffs} recomputes, expected ${WIDTH * LAYERS}`);
  };
  // The peer: the same recomputes, in the same order, over plain arrays.
  const plain: Uint8Array[][] = Array.from({ length: LAYERS + 1 }, () => Array.from({ length: WIDTH }, () => new Uint8Array(PAGE)));
  const loop = (): void => {
    value = (value + 1) & 0xff;
    const first = plain[0]!;
    for (let i = 0; i < WIDTH; i++) first[i]!.fill((value + i) & 0xff);
    for (let layer = 1; layer <= LAYERS; layer++) {
      const below = plain[layer - 1]!;
      const row = plain[layer]!;
      for (let i = 0; i < WIDTH; i++) row[i] = mix(below[i]!, below[(i + 1) % WIDTH]!, new Uint8Array(PAGE));
    }
  };
  // The store's share: one commit of the same 101,000 page images, staged whole, without a wave.
  // A store of its own, so the engine's store sees no writes behind its back.
  let plain101k: { store: PageStore; ids: number[] } | null = null;
  const storeShare = async (): Promise<void> => {
    if (plain101k === null) throw new Error('plain store not open');
    value = (value + 1) & 0xff;
    const tx = plain101k.store.begin();
    for (const [i, pageId] of plain101k.ids.entries()) tx.stage(pageId, i < WIDTH ? images[i]!.fill((value + i) & 0xff) : new Uint8Array(PAGE).fill(value + i));
    await tx.commit();
  };
  return [
    {
      name: 'derived.wave.100k-pages',
      unit: 'ops',
      workPerCall: WIDTH * LAYERS,
      iterations: 2,
      setup: async () => {
        dag = await openDag();
        const store = await openStore({ dir: freshDir('plain'), durability: 'none' });
        const creations: Promise<{ id: number }>[] = [];
        for (let i = 0; i < WIDTH * (LAYERS + 1); i++) creations.push(store.createPage({ size: PAGE }));
        plain101k = { store, ids: (await Promise.all(creations)).map((p) => p.id) };
      },
      teardown: async () => {
        await dag?.store.close();
        await plain101k?.store.close();
        dag = null;
        plain101k = null;
      },
      mmsb: { name: 'mmsb wave', run: wave },
      peer: { name: 'plain loop, no store', run: loop },
      otherPeers: [{ name: 'store commit of the same 101k pages, no wave', run: storeShare }],
      note: 'One op = one derived page recomputed inside a wave through 100,000 derived pages of 64 B (100 layers × 1,000, two inputs each); one call = one wave = one commit of 1,000 source and 100,000 derived deltas (durability none, awaited). waves/s = ops/s ÷ 100,000. Peers: the same recomputes as a plain loop over arrays (no store, no log, no graph), and one store commit of 101,000 whole 64-byte images without a wave (the page layer\'s share; the wave\'s own share is mmsb − that).',
    },
  ];
}

/** The cases of the derived suite. */
export function derivedCases(): BenchCase[] {
  return [...oneHopCases(), ...waveCases()];
}
