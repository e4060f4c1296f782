// `mmsb demo`: a deterministic workload through the façade, then proof that the disk holds it.
// Pages are created, transactions touching several pages commit sparse and dense changes, a
// checkpoint is written midway, more commits follow, the store closes; then the state is replayed
// from disk at several epochs and each replay is compared twice over — with the digest the live
// store reported when it reached that epoch, and byte for byte with the demo's own model of the
// pages (plain arrays the demo updates itself, sharing no code with the store).
//
// Derived pages ride along: eight group summaries over the sources and an alarm page over the
// summaries are registered before the workload, so every transaction that touches a source runs
// a propagation wave in its own commit. The demo counts the waves, re-runs the recompute
// functions over the first epochs to show they reproduce the logged derived pages, and its
// model computes the derived pages itself, so the replays from disk check them too.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PageError, replayStore } from '@mmsb/page';
import type { CheckpointInfo, Durability, PageChange, SparseRunInput } from '@mmsb/page';
import type { DerivedRecompute, PropagationEvent } from '@mmsb/propagation';
import { checkpoint, createPage, digest, mmsbStart, mmsbStop, onPropagation, transaction } from '../facade.js';
import type { MmsbState } from '../facade.js';
import { formatBandwidth, formatBytes, formatMs, formatRate, perSecond } from '../internal/format.js';
import type { Progress } from '../internal/progress.js';
import { SeededRandom } from '../random.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where to put the store; must be empty or missing. Default: a fresh temp dir, removed after. */
  readonly dir?: string;
  readonly pages: number;
  /** Page changes in all; transactions stage 1 to 6 of them. */
  readonly updates: number;
  readonly pageSize: number;
  readonly seed: number;
  readonly durability: Durability;
  /** Keep the directory (always kept when `dir` is given). */
  readonly keep: boolean;
}

/** Transactions the demo keeps in flight. */
const DEMO_WINDOW = 32;

export const DEMO_DEFAULTS = { pages: 64, updates: 40_000, pageSize: 4096, seed: 1, durability: 'group' } as const;

/** Source pages are split into this many groups (page index mod groups), each summarised by a derived page. */
const DEMO_GROUPS = 8;
/**
 * A group summary: 64 lanes of u32, lane j the wrapping sum of the group's little-endian u32
 * words at word index ≡ j (mod 64) — a cheap fingerprint a sparse change usually moves.
 */
const SUMMARY_LANES = 64;
const SUMMARY_BYTES = SUMMARY_LANES * 4;

/** The group summary's recompute: pure and deterministic (little-endian on every host), as replay requires. */
const groupSummary: DerivedRecompute = (inputs) => {
  const lanes = new Uint32Array(SUMMARY_LANES);
  for (const page of inputs) {
    const words = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const count = page.byteLength >>> 2;
    for (let w = 0; w < count; w++) {
      const lane = w & (SUMMARY_LANES - 1);
      lanes[lane] = ((lanes[lane] as number) + words.getUint32(w * 4, true)) >>> 0;
    }
  }
  const out = new Uint8Array(SUMMARY_BYTES);
  const view = new DataView(out.buffer);
  for (let j = 0; j < SUMMARY_LANES; j++) view.setUint32(j * 4, lanes[j] as number, true);
  return out;
};

/**
 * The alarm's recompute, over the summaries: u32 how many sixteenths of all lanes have their top
 * bit set, u32 the group with the most such lanes. Coarse on purpose: it changes far less often
 * than its inputs, so most waves are cut off here.
 */
const alarm: DerivedRecompute = (inputs) => {
  let hot = 0;
  let hottest = 0;
  let most = -1;
  for (const [g, summary] of inputs.entries()) {
    const view = new DataView(summary.buffer, summary.byteOffset, summary.byteLength);
    let count = 0;
    for (let j = 0; j < SUMMARY_LANES; j++) if (view.getUint32(j * 4, true) >= 0x80000000) count++;
    hot += count;
    if (count > most) {
      most = count;
      hottest = g;
    }
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor((16 * hot) / Math.max(1, inputs.length * SUMMARY_LANES)), true);
  view.setUint32(4, hottest, true);
  return out;
};

/** What the derived pages did during the workload. */
export interface DemoPropagation {
  /** Group summaries plus the alarm. */
  readonly derivedPages: number;
  /** Pages holding the persisted registrations (the propagation layer's registry). */
  readonly registryPages: number;
  readonly sources: number;
  /** Committed waves (one per transaction that touched a source). */
  readonly waves: number;
  readonly recomputed: number;
  readonly cutoffs: number;
  /** Mean and largest wave time, from wave start to the in-memory commit (µs). */
  readonly meanWaveUs: number;
  readonly maxWaveUs: number;
  /** The recompute functions re-run over the epochs after `fromEpoch` up to `toEpoch` (all the log holds) against the logged derived pages. */
  readonly replayWithFunctions: { readonly fromEpoch: number; readonly toEpoch: number; readonly recomputed: number; readonly mismatches: number; readonly ok: boolean };
}

/** One replay target and how it compared. */
export interface DemoCheck {
  readonly label: string;
  readonly epoch: number;
  /** The digest the live store reported when it reached this epoch. */
  readonly liveDigest: string;
  readonly replayedDigest: string;
  /** The replayed pages equal the demo's model, byte for byte. */
  readonly modelMatch: boolean;
  readonly match: boolean;
  readonly fromCheckpoint: number | null;
  readonly recordsApplied: number;
  readonly bytesRead: number;
  readonly ms: number;
}

/** What `mmsb demo` did and found. */
export interface DemoReport {
  readonly dir: string;
  readonly kept: boolean;
  readonly seed: number;
  readonly durability: Durability;
  readonly pages: number;
  readonly pageSize: number;
  readonly updates: number;
  readonly commits: number;
  /** The epoch once the pages were created and the derived pages registered: the workload's commits follow it. */
  readonly setupEpoch: number;
  readonly finalEpoch: number;
  readonly logBytes: number;
  readonly workloadMs: number;
  readonly checkpoint: CheckpointInfo & { readonly ms: number };
  readonly closeMs: number;
  readonly propagation: DemoPropagation;
  readonly checks: readonly DemoCheck[];
  readonly ok: boolean;
}

type Model = Map<number, Uint8Array>;

const cloneModel = (model: Model): Model => new Map([...model].map(([id, bytes]) => [id, bytes.slice()]));

/** One change for `page`, applied to the model as the store will apply it. */
function makeChange(random: SeededRandom, page: Uint8Array): PageChange {
  const size = page.length;
  if (random.int(0, 49) === 0) {
    const bytes = random.bytes(size);
    page.set(bytes);
    return bytes;
  }
  // 1 to 4 runs of 4 to 64 bytes, one in each of distinct quarters, so they never overlap.
  const quarter = Math.floor(size / 4);
  const count = random.int(1, 4);
  const first = random.int(0, 3);
  const runs: SparseRunInput[] = [];
  for (let i = 0; i < count; i++) {
    const q = (first + i) % 4;
    const length = Math.min(random.int(4, 64), quarter);
    const offset = q * quarter + random.int(0, quarter - length);
    const bytes = random.bytes(length);
    page.set(bytes, offset);
    runs.push({ offset, bytes });
  }
  runs.sort((a, b) => a.offset - b.offset);
  return runs;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return Buffer.compare(a, b) === 0;
}

function prepareDir(dir: string | undefined): { dir: string; temporary: boolean } {
  if (dir === undefined) return { dir: mkdtempSync(join(tmpdir(), 'mmsb-demo-')), temporary: true };
  const absolute = resolve(dir);
  if (existsSync(absolute) && readdirSync(absolute).length > 0) {
    throw new PageError('INVALID_ARGUMENT', `demo needs an empty or missing directory; ${absolute} is not empty`);
  }
  return { dir: absolute, temporary: false };
}

/** Runs the demo; `progress` hears about the workload and each replay. */
export async function runDemo(options: DemoOptions, progress: (label: string) => Progress): Promise<DemoReport> {
  for (const [name, value, min] of [
    ['pages', options.pages, 1],
    ['updates', options.updates, 4],
    ['page size', options.pageSize, 256],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min) throw new PageError('INVALID_ARGUMENT', `${name} must be an integer ≥ ${min}; got ${value}`);
  }
  const { dir, temporary } = prepareDir(options.dir);
  const keep = options.keep || !temporary;
  try {
    const random = new SeededRandom(options.seed);
    const model: Model = new Map();
    const state: MmsbState = await mmsbStart({ dir, durability: options.durability });
    let stopped = false;
    try {
      for (let i = 0; i < options.pages; i++) {
        const info = await createPage(state, { size: options.pageSize });
        model.set(info.id, new Uint8Array(options.pageSize));
      }
      const ids = [...model.keys()];
      // The derived pages: group g summarises the sources at index ≡ g (mod groups).
      const groups = Math.min(DEMO_GROUPS, ids.length);
      const groupInputs = Array.from({ length: groups }, (_, g) => ids.filter((_id, k) => k % groups === g));
      const summaries = await state.derived.deriveMany(
        groupInputs.map((inputs, g) => ({ key: `demo/group-${g}`, inputs, size: SUMMARY_BYTES, recompute: groupSummary })),
      );
      const alarmPage = await state.derived.derive({ key: 'demo/alarm', inputs: summaries.map((s) => s.pageId), size: 8, recompute: alarm });
      // The model's derived pages, computed from its sources by the same pure functions.
      const withDerived = (sources: Model): Model => {
        const out = cloneModel(sources);
        const summaryBytes = groupInputs.map((inputs) => groupSummary(inputs.map((id) => sources.get(id) as Uint8Array), new Uint8Array(0)) as Uint8Array);
        for (const [g, info] of summaries.entries()) out.set(info.pageId, summaryBytes[g] as Uint8Array);
        out.set(alarmPage.pageId, alarm(summaryBytes, new Uint8Array(0)) as Uint8Array);
        return out;
      };
      const registryPages = state.derived.registryPageIds();
      const setupEpoch = state.store.epoch;
      let waves = 0;
      let recomputed = 0;
      let cutoffs = 0;
      let waveMs = 0;
      let maxWaveMs = 0;
      const stopListening = onPropagation(state, (event: PropagationEvent) => {
        if (event.type !== 'wave-end' || event.outcome !== 'committed') return;
        waves++;
        recomputed += event.recomputed;
        cutoffs += event.cutoffs;
        waveMs += event.durationMs;
        if (event.durationMs > maxWaveMs) maxWaveMs = event.durationMs;
      });
      // Where the live digest is recorded and a replay later aims: a quarter in (before the
      // checkpoint), the checkpoint, three quarters in (checkpoint + log), the end.
      const marks = [
        { label: 'quarter', at: Math.floor(options.updates / 4) },
        { label: 'checkpoint', at: Math.floor(options.updates / 2) },
        { label: 'three-quarters', at: Math.floor((options.updates * 3) / 4) },
      ];
      const recorded: { label: string; epoch: number; liveDigest: string; model: Model }[] = [];
      let checkpointInfo: (CheckpointInfo & { ms: number }) | null = null;
      let staged = 0;
      let committed = 0;
      let commits = 0;
      let logBytes = 0;
      const bar = progress('workload');
      // Up to WINDOW transactions in flight: each is staged and its commit started at once, the
      // next begins without waiting (group durability shares fsyncs among them). The model is
      // updated at staging, in commit order.
      const inFlight: Promise<void>[] = [];
      let workloadMs = 0; // the transactions only: digests and the checkpoint are timed apart
      let t0 = performance.now();
      let nextMark = 0;
      let failure: { error: unknown } | null = null; // the first commit that failed, rethrown below
      const drain = async () => {
        await Promise.all(inFlight.splice(0));
        if (failure) throw failure.error;
      };
      while (staged < options.updates) {
        const mark = marks[nextMark];
        const limit = mark ? mark.at : options.updates;
        const count = Math.min(random.int(1, 6), limit - staged);
        if (count > 0) {
          const pending = transaction(state, (tx) => {
            for (let i = 0; i < count; i++) {
              const id = ids[random.int(0, ids.length - 1)] as number;
              tx.stage(id, makeChange(random, model.get(id) as Uint8Array));
            }
          }).then((result) => {
            committed += count;
            commits++;
            logBytes += result.recordBytes;
            bar.update(committed, options.updates, 'page changes');
          }, (error: unknown) => void (failure ??= { error }));
          staged += count;
          inFlight.push(pending);
          if (inFlight.length >= DEMO_WINDOW) await inFlight.shift();
          if (failure) await drain();
        }
        if (mark && staged === mark.at) {
          nextMark++;
          await drain();
          workloadMs += performance.now() - t0;
          recorded.push({ label: mark.label, epoch: state.store.epoch, liveDigest: await digest(state), model: withDerived(model) });
          if (mark.label === 'checkpoint') {
            const c0 = performance.now();
            const info = await checkpoint(state);
            checkpointInfo = { ...info, ms: performance.now() - c0 };
          }
          t0 = performance.now();
        }
      }
      await drain();
      workloadMs += performance.now() - t0;
      bar.done();
      const finalEpoch = state.store.epoch;
      recorded.push({ label: 'final', epoch: finalEpoch, liveDigest: await digest(state), model: withDerived(model) });
      stopListening();
      // The recompute functions re-run over every epoch the log holds (one pass over the log).
      const verifyBar = progress('derived replay');
      const check = await state.derived.verifyReplay({ onProgress: verifyBar.update });
      verifyBar.done();
      const replayWithFunctions = { fromEpoch: check.fromEpoch, toEpoch: check.toEpoch, recomputed: check.recomputed, mismatches: check.mismatches.length, ok: check.ok };
      const closeStart = performance.now();
      stopped = true;
      await mmsbStop(state);
      const closeMs = performance.now() - closeStart;
      if (!checkpointInfo) throw new Error('the demo workload ended before its checkpoint');

      const checks: DemoCheck[] = [];
      for (const target of recorded) {
        const replayBar = progress(`replay ${target.label}`);
        const replayStart = performance.now();
        const replayed = await replayStore(dir, { epoch: target.epoch, onProgress: replayBar.update });
        const ms = performance.now() - replayStart;
        replayBar.done();
        // Every page but the registry's (its format is the propagation layer's business).
        const modelMatch =
          [...target.model].every(([id, bytes]) => sameBytes(replayed.bytes.get(id), bytes)) && replayed.bytes.size === target.model.size + registryPages.length;
        checks.push({
          label: target.label,
          epoch: target.epoch,
          liveDigest: target.liveDigest,
          replayedDigest: replayed.digest,
          modelMatch,
          match: replayed.digest === target.liveDigest && replayed.epoch === target.epoch,
          fromCheckpoint: replayed.fromCheckpoint,
          recordsApplied: replayed.recordsApplied,
          bytesRead: replayed.bytesRead,
          ms,
        });
      }
      return {
        dir,
        kept: keep,
        seed: options.seed,
        durability: options.durability,
        pages: options.pages,
        pageSize: options.pageSize,
        updates: options.updates,
        commits,
        setupEpoch,
        finalEpoch,
        logBytes,
        workloadMs,
        checkpoint: checkpointInfo,
        closeMs,
        propagation: {
          derivedPages: summaries.length + 1,
          registryPages: registryPages.length,
          sources: ids.length,
          waves,
          recomputed,
          cutoffs,
          meanWaveUs: waves > 0 ? (waveMs * 1000) / waves : 0,
          maxWaveUs: maxWaveMs * 1000,
          replayWithFunctions,
        },
        checks,
        ok: checks.every((c) => c.match && c.modelMatch) && replayWithFunctions.ok,
      };
    } finally {
      if (!stopped) await mmsbStop(state);
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

const short = (hex: string): string => `${hex.slice(0, 16)}…`;

/** The demo's summary as lines a person reads. */
export function formatDemo(report: DemoReport): string {
  const r = report;
  const lines = [
    `mmsb demo — ${r.pages} pages × ${formatBytes(r.pageSize)}, ${r.updates} page changes in ${r.commits} transactions (seed ${r.seed}, durability ${r.durability})`,
    `  dir          ${r.dir}${r.kept ? '' : ' (removed; --keep or --dir to keep it)'}`,
    `  workload     epochs 1–${r.finalEpoch} in ${formatMs(r.workloadMs)}: ${formatRate(perSecond(r.commits, r.workloadMs))} commits, ` +
      `${formatRate(perSecond(r.updates, r.workloadMs))} page changes, ${formatBytes(r.logBytes)} of log (${formatBandwidth(perSecond(r.logBytes, r.workloadMs))})`,
    `  checkpoint   at epoch ${r.checkpoint.epoch}: ${r.checkpoint.pagesWritten}/${r.checkpoint.pages} pages, ${formatBytes(r.checkpoint.bytesWritten)} in ${formatMs(r.checkpoint.ms)}`,
    `  close        ${formatMs(r.closeMs)}`,
    `  propagation  ${r.propagation.derivedPages} derived pages (${r.propagation.derivedPages - 1} group summaries over ${r.propagation.sources} sources, an alarm over the summaries): ` +
      `${r.propagation.waves} waves in the sources' own commits, ${r.propagation.recomputed} recomputes, ${r.propagation.cutoffs} cut off unchanged; ` +
      `wave ${r.propagation.meanWaveUs.toFixed(1)} µs mean, ${(r.propagation.maxWaveUs / 1000).toFixed(2)} ms max`,
    `  derived replay  recompute functions re-run over epochs ${r.propagation.replayWithFunctions.fromEpoch + 1}–${r.propagation.replayWithFunctions.toEpoch}: ${r.propagation.replayWithFunctions.recomputed} recomputes, ` +
      (r.propagation.replayWithFunctions.ok ? 'every derived page equals the logged one ✓' : `${r.propagation.replayWithFunctions.mismatches} MISMATCHES ✗`),
    `  replay from disk:`,
    `    ${'target'.padEnd(15)}${'epoch'.padStart(7)}  ${'from'.padEnd(12)}${'records'.padStart(8)}${'time'.padStart(10)}${'read'.padStart(12)}  live digest = replayed digest     model`,
  ];
  for (const c of r.checks) {
    const from = c.fromCheckpoint === null ? 'empty' : `ckpt ${c.fromCheckpoint}`;
    const digestCell = c.match ? `${short(c.liveDigest)} ✓` : `${short(c.liveDigest)} ≠ ${short(c.replayedDigest)} ✗`;
    lines.push(
      `    ${c.label.padEnd(15)}${String(c.epoch).padStart(7)}  ${from.padEnd(12)}${String(c.recordsApplied).padStart(8)}${formatMs(c.ms).padStart(10)}` +
        `${formatBandwidth(perSecond(c.bytesRead, c.ms)).padStart(12)}  ${digestCell.padEnd(30)}  ${c.modelMatch ? '✓' : '✗'}`,
    );
  }
  lines.push(
    r.ok
      ? `  ✓ every replay from disk (no user code) equals the live store's digest and, byte for byte, the demo's own model, derived pages included`
      : `  ✗ MISMATCH: a replay from disk differs from the live store or from the model (see ✗ above)`,
  );
  return lines.join('\n');
}
