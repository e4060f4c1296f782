// Replay that runs the recompute functions: the log's source changes are applied commit by
// commit, every derived page is recomputed by its registered function in the same waves the
// engine ran, and the result is compared with the derived bytes the log holds. (Replay without
// the functions is `replayStore` from @mmsb/page: the log holds the derived deltas.)
/* eslint-disable @typescript-eslint/no-non-null-assertion -- node ids popped from the worklist are registered nodes */
import { createHash } from 'node:crypto';
import { ShadowPageGraph } from '@mmsb/dag';
import { applyDelta, inspectStore, replayStore } from '@mmsb/page';
import type { PageChange, PageLocation, PageStore } from '@mmsb/page';
import { DerivedPageError } from './errors.js';
import { bytesEqual, imageOf } from './internal/images.js';
import { findRegistry, readHeader } from './internal/registry-format.js';
import type { RegistryEntry } from './internal/registry-format.js';
import type { DerivedMismatch, DerivedRecompute, DerivedReplayOptions, DerivedReplayReport } from './types.js';

const LOCATION_CODES: Readonly<Record<PageLocation, number>> = { cpu: 0, shared: 1, mapped: 2, gpu: 3 };

interface ReplayNode {
  readonly entry: RegistryEntry;
  readonly recompute: DerivedRecompute;
}

function invalid(message: string): DerivedPageError {
  return new DerivedPageError('INVALID_ARGUMENT', message);
}

/**
 * Replays `store`'s log from `fromEpoch` to `toEpoch` applying only the source changes, re-runs
 * the registered recompute functions (`options.functions`, by key) in the waves the engine ran —
 * a commit's changed sources, plus the pages a commit registered — and compares each derived page
 * a wave touched with the bytes the log holds for it at that epoch. A mismatch (a
 * non-deterministic function, a function that changed, a page written behind the engine's back)
 * is reported by epoch and page; the replayed state keeps the recomputed bytes, so the pages
 * downstream of a mismatch may be reported too. The store must be open; its log must still hold
 * the epochs replayed (by default the replay starts where it does, from the checkpoint there).
 */
export async function replayDerivedPages(store: PageStore, options: DerivedReplayOptions): Promise<DerivedReplayReport> {
  if (typeof options !== 'object' || options === null || typeof options.functions !== 'object' || options.functions === null) {
    throw invalid('replayDerivedPages: options { functions } are required');
  }
  const functions = options.functions;
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalid('replayDerivedPages: onProgress must be a function');
  const last = store.epoch;
  const toEpoch = options.toEpoch ?? last;
  if (!Number.isInteger(toEpoch) || toEpoch < 0 || toEpoch > last) throw invalid(`replayDerivedPages: toEpoch must be an integer from 0 to ${last}, got ${String(toEpoch)}`);
  let fromEpoch = options.fromEpoch;
  if (fromEpoch === undefined) {
    const first = toEpoch === 0 ? null : (await inspectStore(store.dir)).firstLogEpoch;
    fromEpoch = first === null ? toEpoch : Math.min(first - 1, toEpoch);
  }
  if (!Number.isInteger(fromEpoch) || fromEpoch < 0 || fromEpoch > toEpoch) throw invalid(`replayDerivedPages: fromEpoch must be an integer from 0 to ${toEpoch}, got ${String(fromEpoch)}`);

  const state = new Map<number, Uint8Array>();
  if (fromEpoch > 0) {
    const base = await replayStore(store.dir, { epoch: fromEpoch });
    for (const [id, bytes] of base.bytes) state.set(id, bytes.slice());
  }
  const pageBytes = (id: number): Uint8Array => {
    let bytes = state.get(id);
    if (bytes === undefined) {
      bytes = new Uint8Array(store.page(id).size);
      state.set(id, bytes);
    }
    return bytes;
  };

  const graph = new ShadowPageGraph<never, never>();
  const worklist = graph.createWorklist();
  const nodes = new Map<number, ReplayNode>();
  /** The derived pages' bytes as the log holds them. */
  const logged = new Map<number, Uint8Array>();
  let root: number | null = null;
  const registryPages = new Set<number>();

  /** Registers the entries past those known; returns the new derived page ids. */
  const readRegistry = (candidates: Iterable<number>, epoch: number): number[] => {
    const found = findRegistry(root === null ? candidates : [root], (id) => state.get(id));
    if (found === null) return [];
    root = found.chain[0]!.pageId;
    for (const page of found.chain) registryPages.add(page.pageId);
    const added: number[] = [];
    const known = nodes.size;
    for (const entry of found.entries.slice(known)) {
      const recompute = functions[entry.key];
      if (typeof recompute !== 'function') {
        throw new DerivedPageError('NOT_ATTACHED', `replayDerivedPages: derived page ${entry.pageId} (${JSON.stringify(entry.key)}), registered by epoch ${epoch}, has no function in options.functions`, { pageId: entry.pageId, key: entry.key });
      }
      for (const id of [entry.pageId, ...entry.inputs]) if (!graph.hasNode(id)) graph.addNode(id);
      for (const input of new Set(entry.inputs)) graph.addEdge(input, entry.pageId);
      nodes.set(entry.pageId, { entry, recompute });
      added.push(entry.pageId);
    }
    return added;
  };

  for (const id of readRegistry(state.keys(), fromEpoch)) logged.set(id, pageBytes(id).slice());

  const mismatches: DerivedMismatch[] = [];
  let recomputed = 0;
  // One pass over the log: commit by commit (diff per epoch would search the log for each).
  const total = toEpoch - fromEpoch;
  onProgress?.(0, total, 'epochs');
  for await (const { epoch, deltas } of store.commits(fromEpoch, toEpoch)) {
    if (onProgress !== undefined && (epoch - fromEpoch) % 256 === 0) onProgress(epoch - fromEpoch, total, 'epochs');
    const before = new Map<number, Uint8Array>();
    const derivedDeltas = [];
    let registryTouched = false;
    for (const delta of deltas) {
      const id = delta.pageId;
      if (nodes.has(id)) {
        derivedDeltas.push(delta);
        continue;
      }
      const bytes = pageBytes(id);
      before.set(id, bytes.slice());
      applyDelta(bytes, delta);
      if (registryPages.has(id) || readHeader(bytes, id) !== null) registryTouched = true;
    }
    const seeds = registryTouched ? readRegistry(before.keys(), epoch) : [];
    for (const id of seeds) {
      // The page's delta in this commit is its first derived bytes: logged, and to be recomputed.
      logged.set(id, pageBytes(id).slice());
      const prior = before.get(id);
      if (prior !== undefined) {
        state.set(id, prior);
        before.delete(id);
      }
    }
    for (const delta of derivedDeltas) applyDelta(logged.get(delta.pageId)!, delta);

    worklist.reset();
    for (const id of before.keys()) if (graph.hasNode(id)) worklist.pushDependents(id);
    for (const id of seeds) worklist.push(id);
    const touched = new Set<number>(derivedDeltas.map((d) => d.pageId));
    let pageId: number | undefined;
    while ((pageId = worklist.pop()) !== undefined) {
      const { entry, recompute } = nodes.get(pageId)!;
      const views = entry.inputs.map(pageBytes);
      const current = pageBytes(pageId);
      const previous = current.slice();
      let result: PageChange;
      try {
        result = recompute(views, previous);
      } catch (cause) {
        throw new DerivedPageError('RECOMPUTE_FAILED', `replayDerivedPages: at epoch ${epoch} the recompute of derived page ${pageId} (${JSON.stringify(entry.key)}) threw: ${cause instanceof Error ? cause.message : String(cause)}`, { pageId, key: entry.key, cause });
      }
      let next: Uint8Array;
      try {
        next = imageOf(pageId, result, previous);
      } catch (cause) {
        throw new DerivedPageError('RECOMPUTE_RESULT_INVALID', `replayDerivedPages: at epoch ${epoch} the recompute of derived page ${pageId} (${JSON.stringify(entry.key)}) ${(cause as Error).message}`, { pageId, key: entry.key, cause });
      }
      recomputed++;
      touched.add(pageId);
      if (bytesEqual(next, current)) continue;
      state.set(pageId, next);
      worklist.pushDependents(pageId);
    }
    for (const id of [...touched].sort((a, b) => a - b)) {
      if (!bytesEqual(pageBytes(id), logged.get(id)!)) mismatches.push({ epoch, pageId: id, key: nodes.get(id)!.entry.key });
    }
  }

  onProgress?.(total, total, 'epochs');
  let digest: string | null = null;
  if (toEpoch === last) {
    const pages = [...store.pages()].sort((a, b) => a.id - b.id);
    const hash = createHash('sha256');
    hash.update('mmsb-state-digest-1\0');
    const header = new DataView(new ArrayBuffer(9));
    header.setUint32(0, pages.length, true);
    hash.update(new Uint8Array(header.buffer, 0, 4));
    for (const page of pages) {
      header.setUint32(0, page.id, true);
      header.setUint32(4, page.size, true);
      header.setUint8(8, LOCATION_CODES[page.location]);
      hash.update(new Uint8Array(header.buffer));
      hash.update(pageBytes(page.id));
    }
    digest = hash.digest('hex');
  }
  return { ok: mismatches.length === 0, fromEpoch, toEpoch, recomputed, mismatches, pages: state, digest };
}
