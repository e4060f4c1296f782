// The kill -9 crash test, shared by test/kill9.test.ts and scripts/soak-kill9.mjs.
//
// A child process (`node kill9.mjs child <dir>`, on the built façade in ../dist) opens a store
// with `sync` durability and commits in a loop. What commit E writes is a pure function of E
// (`writesAt`), so the parent knows the exact state at any epoch (`modelAt`) without trusting
// anything the child did not acknowledge. The child prints `ack <epoch> <what it wrote>` only
// after the commit settled. The parent kills it with SIGKILL after a seeded delay, reopens the
// directory, and checks:
//   - every acknowledged epoch survived: the recovered epoch is at least the last acknowledged;
//   - at most the one commit in flight survived unacknowledged, and only whole: the pages at the
//     recovered epoch equal the model byte for byte (each commit touches two pages, so a half
//     commit would show);
//   - the pages as of the last acknowledged epoch, read from the log, equal the model too;
//   - the next child continues from the recovered epoch (its `ready` line says where it starts).
// The child checkpoints every CHECKPOINT_EVERY commits, so some kills land inside a checkpoint.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SeededRandom, createPage, currentEpoch, listPages, mmsbStart, mmsbStop, queryPage, checkpoint, transaction } from '../dist/index.js';

export const KILL9_PAGES = 4;
export const KILL9_PAGE_SIZE = 4096;
export const RUN_BYTES = 64;
export const CHECKPOINT_EVERY = 97;

const self = fileURLToPath(import.meta.url);

/** The façade's seeded generator as a function: the same numbers for the same seed. */
export function seeded(seed) {
  const random = new SeededRandom(seed);
  return () => random.next();
}

/**
 * What the commit of `epoch` writes (epochs 1..KILL9_PAGES create the pages): two runs of
 * RUN_BYTES, on the pages of slots epoch % 4 and (epoch + 1) % 4. Each run starts with the epoch
 * and the slot in ASCII ("e000123s1"), so a dump of a page shows who wrote what.
 */
export function writesAt(epoch) {
  const writes = [];
  for (const slot of [epoch % KILL9_PAGES, (epoch + 1) % KILL9_PAGES]) {
    const next = seeded(epoch * 8 + slot + 1);
    const offset = (next() % ((KILL9_PAGE_SIZE - RUN_BYTES) / 8)) * 8;
    const bytes = new Uint8Array(RUN_BYTES);
    const tag = new TextEncoder().encode(`e${String(epoch).padStart(6, '0')}s${slot}`);
    bytes.set(tag);
    for (let i = tag.length; i < RUN_BYTES; i++) bytes[i] = next() & 0xff;
    writes.push({ slot, offset, bytes });
  }
  return writes;
}

/** The pages (by slot) as of `epoch`. */
export function modelAt(epoch) {
  const pages = Array.from({ length: Math.min(epoch, KILL9_PAGES) }, () => new Uint8Array(KILL9_PAGE_SIZE));
  for (let e = KILL9_PAGES + 1; e <= epoch; e++) {
    for (const { slot, offset, bytes } of writesAt(e)) pages[slot].set(bytes, offset);
  }
  return pages;
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');

/** One line per write: `slot:offset:hex`. */
export function describeWrites(writes) {
  return writes.map((w) => `${w.slot}:${w.offset}:${hex(w.bytes)}`).join(' ');
}

/** The child: commit forever (until killed), acknowledging each settled commit on stdout. */
async function child(dir) {
  const out = (line) => writeSync(1, line + '\n');
  const state = await mmsbStart({ dir, durability: 'sync' });
  out(`ready ${currentEpoch(state)}`);
  for (;;) {
    const pages = [...listPages(state)].sort((a, b) => a.id - b.id);
    if (pages.length < KILL9_PAGES) {
      const info = await createPage(state, { size: KILL9_PAGE_SIZE });
      out(`ack ${info.epoch} create ${info.id}`);
      continue;
    }
    const epoch = currentEpoch(state) + 1;
    const writes = writesAt(epoch);
    const result = await transaction(state, (tx) => {
      for (const { slot, offset, bytes } of writes) tx.stage(pages[slot].id, [{ offset, bytes }]);
    });
    if (result.epoch !== epoch) throw new Error(`commit got epoch ${result.epoch}, expected ${epoch}`);
    out(`ack ${epoch} ${describeWrites(writes)}`);
    if (epoch % CHECKPOINT_EVERY === 0) {
      await checkpoint(state);
      out(`checkpoint ${epoch}`);
    }
  }
}

/**
 * Starts a child on `dir`, kills it with SIGKILL `delayMs` after spawning — or, with
 * `afterReady`, `delayMs` after it reports the store open, so that a slow start on a loaded
 * machine still leaves time for commits — and returns what it printed: the epoch it started from
 * (null if killed before it opened) and every acknowledged epoch with what it wrote.
 */
export function runAndKill(dir, delayMs, { afterReady = false } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [self, 'child', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer = afterReady ? undefined : setTimeout(() => proc.kill('SIGKILL'), delayMs);
    proc.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      if (timer === undefined && /^ready /m.test(stdout)) timer = setTimeout(() => proc.kill('SIGKILL'), delayMs);
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    proc.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') {
        reject(new Error(`the child exited by itself (code ${code}, signal ${signal}) before the kill:\n${stderr}`));
        return;
      }
      let readyEpoch = null;
      const acks = [];
      const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1); // a torn last line was never acknowledged
      for (const line of complete.split('\n')) {
        const [kind, epoch, ...rest] = line.split(' ');
        if (kind === 'ready') readyEpoch = Number(epoch);
        if (kind === 'ack') acks.push({ epoch: Number(epoch), what: rest.join(' ') });
      }
      resolve({ readyEpoch, acks, stderr });
    });
  });
}

const same = (a, b) => a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * Reopens `dir` after a kill and checks it against what the child acknowledged; `previousEpoch`
 * is what the last check recovered (0 for a new directory). Returns the recovered epoch; throws
 * an Error naming the first thing that is wrong.
 */
export async function checkAfterKill(dir, run, previousEpoch) {
  const fail = (message) => {
    throw new Error(`${dir}: ${message}`);
  };
  if (run.readyEpoch !== null && run.readyEpoch !== previousEpoch) {
    fail(`the child started from epoch ${run.readyEpoch}, but the last check recovered ${previousEpoch}`);
  }
  let expectedEpoch = previousEpoch;
  for (const ack of run.acks) {
    if (ack.epoch !== expectedEpoch + 1) fail(`acknowledged epoch ${ack.epoch} after ${expectedEpoch}`);
    expectedEpoch = ack.epoch;
    if (ack.epoch > KILL9_PAGES && ack.what !== describeWrites(writesAt(ack.epoch))) fail(`epoch ${ack.epoch} acknowledged other bytes than the pattern`);
  }
  const lastAck = run.acks.at(-1)?.epoch ?? previousEpoch;
  const state = await mmsbStart({ dir, durability: 'sync' });
  try {
    const recovered = currentEpoch(state);
    if (recovered < lastAck) fail(`acknowledged epoch ${lastAck} was lost: the store recovered to ${recovered}`);
    if (recovered > lastAck + 1) fail(`recovered epoch ${recovered}, but only ${lastAck} was acknowledged and one commit can be in flight`);
    const pages = [...listPages(state)].sort((a, b) => a.id - b.id);
    const model = modelAt(recovered);
    if (pages.length !== model.length) fail(`${pages.length} pages at epoch ${recovered}, expected ${model.length}`);
    for (const [slot, page] of pages.entries()) {
      const bytes = await queryPage(state, page.id);
      if (!same(bytes, model[slot])) fail(`page ${page.id} at the recovered epoch ${recovered} differs from what epochs 1–${recovered} wrote`);
    }
    if (lastAck !== recovered && lastAck > KILL9_PAGES) {
      const atAck = modelAt(lastAck);
      for (const [slot, page] of pages.entries()) {
        const bytes = await queryPage(state, page.id, { epoch: lastAck });
        if (!same(bytes, atAck[slot])) fail(`page ${page.id} as of the last acknowledged epoch ${lastAck} differs from what was acknowledged`);
      }
    }
    return recovered;
  } finally {
    await mmsbStop(state);
  }
}

if (process.argv[2] === 'child') {
  const dir = process.argv[3];
  if (!dir) throw new Error('usage: kill9.mjs child <dir>');
  await child(dir);
}
