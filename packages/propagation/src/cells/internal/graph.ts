// The reactive graph behind signal / computed / effect: one node class, doubly linked dependency
// links, bit flags and versions (ADR 0012).
//
// Push-pull. A write bumps the signal's version and walks its subscribers once, iteratively,
// marking computeds PENDING and queueing effects; nothing is recomputed on the way down. Pulling
// (a read, or a queued effect) asks `checkDirty`, which descends only into PENDING dependencies,
// recomputes those whose own inputs changed, and compares each dependency's version with the
// version the link last saw. Versions make the cut-off exact: a computed whose value compares
// equal keeps its version, so nothing below it re-runs.
//
// Watched and unwatched. A computed with at least one subscriber is WATCHED: its links sit in its
// dependencies' subscriber lists, so writes reach it. A computed nobody subscribes to keeps its
// links only on its own side (detached); it validates itself on read by polling versions, but only
// when some signal changed since it last looked (`globalVersion`). Detached links leave no
// reference from a signal to the computed, so an unobserved computed can be garbage-collected.
//
// Every walk (propagate, checkDirty, attach, detach) is a loop over the links with an explicit
// stack: a chain of any depth updates without recursion.
import { PropagationError } from '../../errors.js';

/** The kind and state bits of a node. */
export const SIGNAL = 1;
export const COMPUTED = 2;
export const EFFECT = 4;
/** Its links are in its dependencies' subscriber lists (effects always; computeds while subscribed). */
const WATCHED = 8;
/** Some dependency may have changed: check before trusting the value. */
const PENDING = 16;
/** Must recompute without checking (a computed never run). */
const DIRTY = 32;
/** Its function is running now; reading it again is a cycle. */
const RUNNING = 64;
/** `current` holds the error its function threw. */
const HAS_ERROR = 128;
/** Never computed: the first result counts as a change without calling `equals`. */
const UNSET = 256;
/** An effect waiting in the queue. */
const QUEUED = 512;
const DISPOSED = 1024;
/** It created effects while running; they are disposed before it runs again. */
const HAS_CHILDREN = 2048;
/** `checkDirty` is deciding whether it must recompute; reading it now is a cycle. */
const CHECKING = 4096;

/** A computed that can be read as is: subscribed, checked, no error. */
const CLEAN_COMPUTED = COMPUTED | WATCHED;

/**
 * Computeds evaluating inside each other's first run nest on the JS stack; past this depth the
 * innermost is evaluated first from a shallow stack (see `DeferredEvaluation`), so a chain of any
 * length can be built and read without overflowing the stack.
 */
export const MAX_EVALUATION_DEPTH = 500;

/** Effects re-triggering each other for more rounds than this in one flush are an EFFECT_LOOP. */
export const MAX_FLUSH_ROUNDS = 100_000;

/** Compares a cell's old value with a new one; `true` means unchanged (nothing propagates). */
export type Equality = (previous: unknown, next: unknown) => boolean;

/**
 * One edge dep → sub, threaded on two lists: the sub's dependencies (in read order, reused in
 * place when a re-run reads the same things in the same order) and the dep's subscribers.
 */
export class Link {
  constructor(
    public dep: ReactiveNode,
    public sub: ReactiveNode,
    /** The dep's version when the sub last read it. */
    public version: number,
    /** The run that last touched the link, to drop repeated reads of one dep within a run. */
    public cycle: number,
    public prevDep: Link | undefined,
    public nextDep: Link | undefined,
    public prevSub: Link | undefined,
    public nextSub: Link | undefined,
  ) {}
}

/**
 * A signal, a computed or an effect: one class, so every hot path sees one shape. The public
 * types (`Signal`, `Computed`) expose the parts that fit each kind.
 */
export class ReactiveNode {
  flags: number;
  /** A signal's or computed's value, a computed's cached error, an effect's cleanup. */
  current: unknown;
  /** Bumped when the value changes. */
  version = 0;
  /** The `globalVersion` at which an unwatched computed was last known fresh. */
  globalSeen = -1;
  fn: (() => unknown) | undefined;
  equals: Equality | undefined;
  deps: Link | undefined = undefined;
  depsTail: Link | undefined = undefined;
  subs: Link | undefined = undefined;
  subsTail: Link | undefined = undefined;

  constructor(flags: number, current: unknown, fn: (() => unknown) | undefined, equals: Equality | undefined) {
    this.flags = flags;
    this.current = current;
    this.fn = fn;
    this.equals = equals;
  }

  /** The value, tracked by the running computed or effect. */
  read(): unknown {
    const flags = this.flags;
    const sub = activeSub;
    if (flags !== SIGNAL && flags !== CLEAN_COMPUTED) return readComputed(this, sub);
    if (sub !== undefined) link(this, sub);
    return this.current;
  }

  /** Sets a signal's value; subscribers are notified when it differs by `equals`. */
  write(value: unknown): void {
    if (this.flags !== SIGNAL) throw new PropagationError('NOT_WRITABLE', 'only a signal can be written; this cell is a computed');
    const sub = activeSub;
    if (sub !== undefined && (sub.flags & COMPUTED) !== 0) {
      throw new PropagationError('WRITE_IN_COMPUTED', 'a computed wrote a signal while computing; computeds must be pure (write from an effect instead)');
    }
    const equals = this.equals;
    if (equals === undefined ? Object.is(this.current, value) : equals(this.current, value)) return;
    this.current = value;
    this.version++;
    globalVersion++;
    const subs = this.subs;
    if (subs !== undefined) {
      propagate(subs);
      if (batchDepth === 0 && queueLength !== 0) flush();
    }
  }

  /** The value without subscribing the running computed or effect to it. */
  peek(): unknown {
    const sub = activeSub;
    activeSub = undefined;
    try {
      return this.read();
    } finally {
      activeSub = sub;
    }
  }

  /** Same as {@link read}. */
  get value(): unknown {
    return this.read();
  }

  /** Same as {@link write}. */
  set value(value: unknown) {
    this.write(value);
  }
}

/**
 * Thrown (internally) by a read nested MAX_EVALUATION_DEPTH computeds deep: every computed it
 * unwinds through is left DIRTY, and the outermost read evaluates `node` first, then retries.
 */
class DeferredEvaluation extends Error {
  constructor(readonly node: ReactiveNode) {
    super('evaluation deferred to a shallower stack');
  }
}

/** The computed or effect whose function is running: reads link to it. */
let activeSub: ReactiveNode | undefined;
/** How many computeds are updating inside one another (on the JS stack) now. */
let evaluationDepth = 0;
let batchDepth = 0;
/** Bumped on every signal change; an unwatched computed that saw this value is fresh. */
let globalVersion = 0;
/** Bumped at the start of every run; stamps links for de-duplication. */
let cycle = 0;

const queue: (ReactiveNode | undefined)[] = [];
let queueIndex = 0;
let queueLength = 0;

// Explicit stacks of the iterative walks. Popped slots are cleared so that no stack keeps a
// disposed node alive.
const propagateStack: (Link | undefined)[] = [];
let propagateTop = 0;
const checkStack: (Link | undefined)[] = [];
let checkTop = 0;
const walkStack: (ReactiveNode | undefined)[] = [];
let walkTop = 0;

/** A new signal node. */
export function createSignal(value: unknown, equals: Equality | undefined): ReactiveNode {
  return new ReactiveNode(SIGNAL, value, undefined, equals);
}

/** A new computed node; it runs on its first read. */
export function createComputed(fn: () => unknown, equals: Equality | undefined): ReactiveNode {
  return new ReactiveNode(COMPUTED | DIRTY | UNSET, undefined, fn, equals);
}

/** A new effect node, run once now (owned by the running effect or computed, if any). */
export function createEffect(fn: () => unknown): ReactiveNode {
  const e = new ReactiveNode(EFFECT | WATCHED, undefined, fn, undefined);
  const owner = activeSub;
  if (owner !== undefined) {
    link(e, owner);
    owner.flags |= HAS_CHILDREN;
  }
  ++batchDepth;
  try {
    runEffect(e, true);
  } catch (error) {
    disposeEffect(e);
    throw error;
  } finally {
    if (--batchDepth === 0 && queueLength !== 0) flush();
  }
  return e;
}

/** Runs `fn` with writes batched: effects run once, after the outermost batch ends. */
export function batch<T>(fn: () => T): T {
  ++batchDepth;
  try {
    return fn();
  } finally {
    if (--batchDepth === 0 && queueLength !== 0) flush();
  }
}

/** Runs `fn` without subscribing the running computed or effect to what it reads. */
export function untracked<T>(fn: () => T): T {
  const sub = activeSub;
  activeSub = undefined;
  try {
    return fn();
  } finally {
    activeSub = sub;
  }
}

function readComputed(c: ReactiveNode, sub: ReactiveNode | undefined): unknown {
  if (evaluationDepth !== 0) return readComputedOnce(c, sub);
  for (;;) {
    try {
      return readComputedOnce(c, sub);
    } catch (error) {
      if (!(error instanceof DeferredEvaluation)) throw error;
      // Bring the deep node up to date from here, where the stack is shallow, then retry.
      readComputed(error.node, undefined);
    }
  }
}

function readComputedOnce(c: ReactiveNode, sub: ReactiveNode | undefined): unknown {
  let flags = c.flags;
  if ((flags & (RUNNING | CHECKING)) !== 0) throw cycleError(c, sub);
  if (evaluationDepth >= MAX_EVALUATION_DEPTH && (flags & (DIRTY | PENDING)) !== 0) throw new DeferredEvaluation(c);
  if ((flags & WATCHED) === 0 && sub !== undefined && (sub.flags & WATCHED) !== 0) {
    attach(c);
    flags = c.flags;
  }
  if ((flags & DIRTY) !== 0) {
    updateComputed(c);
  } else if ((flags & WATCHED) !== 0) {
    if ((flags & PENDING) !== 0) {
      c.flags = (flags & ~PENDING) | CHECKING;
      checkThenUpdate(c, true);
    }
  } else if (c.globalSeen !== globalVersion) {
    pollUnwatched(c, flags);
  }
  if (sub !== undefined) link(c, sub);
  if ((c.flags & HAS_ERROR) !== 0) throw c.current;
  return c.current;
}

// The rarer paths of readComputedOnce live apart so that it stays small enough for V8 to inline.

/** A computed read while it runs or is being checked: linked first, so the reader re-runs once the cycle is gone. */
function cycleError(c: ReactiveNode, sub: ReactiveNode | undefined): PropagationError {
  if (sub !== undefined) link(c, sub);
  return new PropagationError('CYCLE', 'a computed read itself while computing (directly or through other computeds)');
}

/** An unwatched computed that a signal change may have made stale: checks its inputs by version. */
function pollUnwatched(c: ReactiveNode, flags: number): void {
  if (evaluationDepth >= MAX_EVALUATION_DEPTH) throw new DeferredEvaluation(c);
  c.globalSeen = globalVersion;
  c.flags = flags | CHECKING;
  checkThenUpdate(c, false);
}

/**
 * Recomputes `c` (flagged CHECKING) if `checkDirty` finds a changed input. A check cut short by an
 * error leaves `c` possibly stale again: PENDING when watched, polling on its next read when not.
 */
function checkThenUpdate(c: ReactiveNode, watched: boolean): void {
  const base = checkTop;
  let dirty: boolean;
  try {
    dirty = checkDirty(c);
  } catch (error) {
    abandonChecks(base);
    c.flags &= ~CHECKING;
    if (watched) c.flags |= PENDING;
    else c.globalSeen = -1;
    throw error;
  }
  c.flags &= ~CHECKING;
  if (dirty) updateComputed(c);
}

/** Re-runs a computed; its version moves only when the value changed (or an error came or went). */
function updateComputed(c: ReactiveNode): void {
  if ((c.flags & HAS_CHILDREN) !== 0) disposeChildren(c);
  const prevSub = activeSub;
  const stackBase = checkTop;
  activeSub = c;
  c.depsTail = undefined;
  c.flags = (c.flags & (COMPUTED | WATCHED | HAS_ERROR | UNSET)) | RUNNING;
  ++cycle;
  ++evaluationDepth;
  try {
    const fn = c.fn as () => unknown;
    // First runs and re-runs call from two sites: V8's call feedback is per site, so the re-run
    // site sees only the computeds that actually update and can stay monomorphic on a hot path.
    const value = (c.flags & UNSET) !== 0 ? fn() : fn();
    const flags = c.flags;
    if ((flags & (HAS_ERROR | UNSET)) !== 0) {
      c.flags = flags & ~(HAS_ERROR | UNSET);
      c.current = value;
      changed(c);
    } else {
      const equals = c.equals;
      if (!(equals === undefined ? Object.is(c.current, value) : equals(c.current, value))) {
        c.current = value;
        changed(c);
      }
    }
  } catch (error) {
    computeFailed(c, error, stackBase);
  } finally {
    --evaluationDepth;
    activeSub = prevSub;
    c.flags &= ~RUNNING;
    c.globalSeen = globalVersion;
    if (hasUnreadDeps(c)) purgeDeps(c);
  }
}

/**
 * A computed's function threw: the error becomes its value (rethrown to readers). Apart from
 * updateComputed so that its bytecode stays under V8's inlining limit (460 bytes): inlined into
 * checkDirty, a chain's updates run without a call each.
 */
function computeFailed(c: ReactiveNode, error: unknown, stackBase: number): void {
  abandonChecks(stackBase);
  if (error instanceof DeferredEvaluation) {
    // Not a result: keep the old value and run again when read.
    c.flags |= DIRTY;
    throw error;
  }
  c.current = error;
  c.flags = (c.flags & ~UNSET) | HAS_ERROR;
  changed(c);
}

/**
 * A computed's value changed: bump its version, and turn its PENDING subscribers DIRTY so that
 * each recomputes without first checking (siblings of the reader that got here first).
 */
function changed(c: ReactiveNode): void {
  c.version++;
  const subs = c.subs;
  if (subs === undefined || subs.nextSub === undefined) return;
  for (let l: Link | undefined = subs; l !== undefined; l = l.nextSub) {
    const sub = l.sub;
    const flags = sub.flags;
    if ((flags & (PENDING | DIRTY | CHECKING | RUNNING)) === PENDING) sub.flags = flags ^ (PENDING | DIRTY);
  }
}

/**
 * A check cut short (a deferred evaluation, a stack overflow) leaves the nodes it had descended
 * into unresolved: mark them possibly stale again.
 */
function abandonChecks(base: number): void {
  while (checkTop > base) {
    const open = checkStack[--checkTop] as Link;
    checkStack[checkTop] = undefined;
    const node = open.dep;
    if ((node.flags & WATCHED) !== 0) node.flags = (node.flags & ~CHECKING) | PENDING;
    else {
      node.flags &= ~CHECKING;
      node.globalSeen = -1;
    }
  }
}

/**
 * Whether any dependency of `sub` changed since `sub` last ran: descends into PENDING (or, for
 * unwatched ones, possibly stale) computed dependencies, recomputing on the way back up those
 * whose inputs changed. A node is CHECKING while it is on the way: its PENDING mark is gone, so a
 * cycle of links ends, and a read of it from below is reported as a cycle.
 */
function checkDirty(sub: ReactiveNode): boolean {
  const head = sub.deps;
  if (head === undefined) return false;
  let link: Link = head;
  const base = checkTop;
  let dirty = false;
  for (;;) {
    const dep: ReactiveNode = link.dep;
    const flags = dep.flags;
    if ((flags & COMPUTED) !== 0) {
      if ((flags & DIRTY) !== 0) {
        updateComputed(dep);
      } else if ((flags & WATCHED) !== 0 ? (flags & PENDING) !== 0 : dep.globalSeen !== globalVersion) {
        const first: Link | undefined = dep.deps;
        if ((flags & WATCHED) !== 0) dep.flags = flags & ~PENDING;
        else dep.globalSeen = globalVersion;
        if (first !== undefined) {
          dep.flags |= CHECKING;
          checkStack[checkTop++] = link;
          link = first;
          continue;
        }
      }
    }
    if (dep.version !== link.version) {
      dirty = true;
    } else {
      const next = link.nextDep;
      if (next !== undefined) {
        link = next;
        continue;
      }
    }
    // This level is done: climb, recomputing what a changed input made dirty.
    let resumed = false;
    while (checkTop !== base) {
      link = checkStack[--checkTop] as Link;
      checkStack[checkTop] = undefined;
      const node = link.dep;
      node.flags &= ~CHECKING;
      if (dirty) {
        updateComputed(node);
        dirty = node.version !== link.version;
      }
      if (!dirty) {
        const next = link.nextDep;
        if (next !== undefined) {
          link = next;
          resumed = true;
          break;
        }
      }
    }
    if (!resumed) return dirty;
  }
}

/**
 * Marks everything downstream of a changed signal: its direct readers DIRTY (they will recompute
 * without checking), everything further PENDING, effects queued.
 */
function propagate(start: Link): void {
  const source = start.dep;
  let link = start;
  let next = link.nextSub;
  let mark = DIRTY;
  const base = propagateTop;
  for (;;) {
    const sub = link.sub;
    const flags = sub.flags;
    if ((flags & COMPUTED) !== 0) {
      // A node already marked has had its subscribers marked: stop there.
      if ((flags & (PENDING | DIRTY | RUNNING)) === 0) {
        sub.flags = flags | mark;
        const subs = sub.subs;
        if (subs !== undefined) {
          if (next !== undefined) propagateStack[propagateTop++] = next;
          link = subs;
          next = subs.nextSub;
          mark = PENDING;
          continue;
        }
      }
    } else if ((flags & (PENDING | DIRTY | RUNNING)) === 0) {
      // An effect may already sit in the queue unmarked, queued ahead of an effect it owns.
      sub.flags = flags | mark | QUEUED;
      if ((flags & QUEUED) === 0) {
        if (sub.subs === undefined) queue[queueLength++] = sub;
        else enqueue(sub);
      }
    } else if ((flags & (QUEUED | RUNNING)) === RUNNING && isReadInCurrentRun(link, sub)) {
      // An effect wrote something it had already read this run: run it again afterwards.
      sub.flags = flags | DIRTY | QUEUED;
      enqueue(sub);
    }
    if (next !== undefined) {
      link = next;
      next = link.nextSub;
      continue;
    }
    if (propagateTop === base) return;
    link = propagateStack[--propagateTop] as Link;
    propagateStack[propagateTop] = undefined;
    next = link.nextSub;
    mark = link.dep === source ? DIRTY : PENDING;
  }
}

function isReadInCurrentRun(target: Link, sub: ReactiveNode): boolean {
  for (let l = sub.depsTail; l !== undefined; l = l.prevDep) if (l === target) return true;
  return false;
}

/** Queues an effect, after the effects that own it (an owner that re-runs disposes it instead). */
function enqueue(e: ReactiveNode): void {
  let owner = e.subs?.sub;
  if (owner === undefined || (owner.flags & (EFFECT | QUEUED | RUNNING | DISPOSED)) !== EFFECT) {
    queue[queueLength++] = e;
    return;
  }
  const start = queueLength;
  queue[queueLength++] = e;
  while (owner !== undefined && (owner.flags & (EFFECT | QUEUED | RUNNING | DISPOSED)) === EFFECT) {
    owner.flags |= QUEUED;
    queue[queueLength++] = owner;
    owner = owner.subs?.sub;
  }
  for (let i = start, j = queueLength - 1; i < j; i++, j--) {
    const left = queue[i];
    queue[i] = queue[j];
    queue[j] = left;
  }
}

/**
 * Runs queued effects until none is left. Effects that write re-queue others, which run in later
 * rounds of the same flush; past MAX_FLUSH_ROUNDS the flush stops with EFFECT_LOOP, leaving the
 * rest queued. An effect that throws does not stop the others; the first error is rethrown.
 */
function flush(): void {
  ++batchDepth;
  let failed = false;
  let firstError: unknown;
  let rounds = 0;
  let roundEnd = queueLength;
  try {
    while (queueIndex < queueLength) {
      if (queueIndex === roundEnd) {
        if (++rounds > MAX_FLUSH_ROUNDS) throw effectLoop();
        roundEnd = queueLength;
      }
      const e = queue[queueIndex] as ReactiveNode;
      queue[queueIndex++] = undefined;
      try {
        runQueued(e);
      } catch (error) {
        if (!failed) {
          failed = true;
          firstError = error;
        }
      }
    }
    queueIndex = 0;
    queueLength = 0;
  } finally {
    --batchDepth;
  }
  if (failed) throw firstError;
}

function effectLoop(): PropagationError {
  // Keep what is left for the next flush: dropping it would leave PENDING marks nobody clears.
  let to = 0;
  for (let from = queueIndex; from < queueLength; from++) queue[to++] = queue[from];
  for (let i = to; i < queueLength; i++) queue[i] = undefined;
  queueIndex = 0;
  queueLength = to;
  return new PropagationError('EFFECT_LOOP', `effects kept re-triggering each other for ${MAX_FLUSH_ROUNDS} rounds without settling`);
}

function runQueued(e: ReactiveNode): void {
  const flags = e.flags & ~QUEUED;
  e.flags = flags;
  if ((flags & DISPOSED) !== 0) return;
  if ((flags & DIRTY) !== 0) {
    runEffect(e);
  } else if ((flags & PENDING) !== 0) {
    e.flags = flags & ~PENDING;
    if (checkDirty(e)) runEffect(e);
  }
}

function runEffect(e: ReactiveNode, first = false): void {
  if ((e.flags & HAS_CHILDREN) !== 0) disposeChildren(e);
  const cleanup = e.current;
  if (cleanup !== undefined) {
    e.current = undefined;
    runCleanup(cleanup as () => void);
    if ((e.flags & DISPOSED) !== 0) return;
  }
  const prevSub = activeSub;
  const prevDepth = evaluationDepth;
  activeSub = e;
  // An effect is a root of evaluation even when a computed created it.
  evaluationDepth = 0;
  e.depsTail = undefined;
  e.flags = EFFECT | WATCHED | RUNNING;
  ++cycle;
  try {
    const fn = e.fn as () => unknown;
    // Two call sites, as in updateComputed: the first run's and the re-runs'.
    const result = first ? fn() : fn();
    if (typeof result === 'function') e.current = result;
  } finally {
    evaluationDepth = prevDepth;
    activeSub = prevSub;
    const flags = e.flags & ~RUNNING;
    e.flags = flags;
    if ((flags & DISPOSED) !== 0) finishDisposal(e);
    else {
      if (hasUnreadDeps(e)) purgeDeps(e);
    }
  }
}

function runCleanup(cleanup: () => void): void {
  const prevSub = activeSub;
  activeSub = undefined;
  try {
    cleanup();
  } finally {
    activeSub = prevSub;
  }
}

/** Stops an effect: unsubscribes it, disposes the effects it created, runs its cleanup. */
export function disposeEffect(e: ReactiveNode): void {
  const flags = e.flags;
  if ((flags & DISPOSED) !== 0) return;
  // Still WATCHED while unlinking, so its links leave the subscriber lists.
  e.flags = flags | DISPOSED;
  unlinkAll(e);
  const owner = e.subs;
  if (owner !== undefined) unlink(owner, owner.sub);
  e.flags &= ~WATCHED;
  e.fn = undefined;
  if ((flags & RUNNING) === 0) {
    const cleanup = e.current;
    e.current = undefined;
    if (cleanup !== undefined) runCleanup(cleanup as () => void);
  }
}

/** An effect disposed while it ran: drop what it read after that, run the cleanup it returned. */
function finishDisposal(e: ReactiveNode): void {
  unlinkAll(e);
  const cleanup = e.current;
  e.current = undefined;
  if (cleanup !== undefined) runCleanup(cleanup as () => void);
}

/** Unlinks every dependency, last first (so owned effects are disposed newest first). */
function unlinkAll(sub: ReactiveNode): void {
  let last = sub.depsTail ?? sub.deps;
  if (last === undefined) return;
  while (last.nextDep !== undefined) last = last.nextDep;
  for (let l: Link | undefined = last; l !== undefined; ) {
    const prev: Link | undefined = l.prevDep;
    unlink(l, sub);
    l = prev;
  }
}

function disposeChildren(owner: ReactiveNode): void {
  let last = owner.depsTail ?? owner.deps;
  if (last === undefined) return;
  while (last.nextDep !== undefined) last = last.nextDep;
  for (let l: Link | undefined = last; l !== undefined; ) {
    const prev: Link | undefined = l.prevDep;
    if ((l.dep.flags & EFFECT) !== 0) unlink(l, owner);
    l = prev;
  }
}

/** Adds dep → sub, reusing the link at the cursor when the run reads what the last one did. */
function link(dep: ReactiveNode, sub: ReactiveNode): void {
  const prevDep = sub.depsTail;
  if (prevDep !== undefined && prevDep.dep === dep) return;
  const nextDep = prevDep !== undefined ? prevDep.nextDep : sub.deps;
  if (nextDep !== undefined && nextDep.dep === dep) {
    nextDep.version = dep.version;
    nextDep.cycle = cycle;
    sub.depsTail = nextDep;
    return;
  }
  addLink(dep, sub, prevDep, nextDep);
}

/**
 * The slow half of {@link link}, apart so that the reuse checks above stay small enough for V8 to
 * inline into every read.
 */
function addLink(dep: ReactiveNode, sub: ReactiveNode, prevDep: Link | undefined, nextDep: Link | undefined): void {
  const prevSub = dep.subsTail;
  if (prevSub !== undefined && prevSub.cycle === cycle && prevSub.sub === sub) return;
  // Read earlier in this run, out of order (a branch read between two reads of one signal)?
  // Every link before the cursor was read this run; look a few back rather than duplicate it.
  if (prevDep !== undefined) {
    let back = prevDep.prevDep;
    for (let i = 0; back !== undefined && i < 4; i++, back = back.prevDep) if (back.dep === dep) return;
  }
  const attached = (sub.flags & WATCHED) !== 0 || (dep.flags & EFFECT) !== 0;
  const created = new Link(dep, sub, dep.version, cycle, prevDep, nextDep, attached ? prevSub : undefined, undefined);
  sub.depsTail = created;
  if (nextDep !== undefined) nextDep.prevDep = created;
  if (prevDep !== undefined) prevDep.nextDep = created;
  else sub.deps = created;
  if (attached) {
    dep.subsTail = created;
    if (prevSub !== undefined) prevSub.nextSub = created;
    else dep.subs = created;
  }
}

/** Removes a link from both lists; returns the sub's next dependency. */
function unlink(link: Link, sub: ReactiveNode): Link | undefined {
  const dep = link.dep;
  const prevDep = link.prevDep;
  const nextDep = link.nextDep;
  if (nextDep !== undefined) nextDep.prevDep = prevDep;
  else sub.depsTail = prevDep;
  if (prevDep !== undefined) prevDep.nextDep = nextDep;
  else sub.deps = nextDep;
  if (((sub.flags & WATCHED) | (dep.flags & EFFECT)) !== 0) {
    const prevSub = link.prevSub;
    const nextSub = link.nextSub;
    if (nextSub !== undefined) nextSub.prevSub = prevSub;
    else dep.subsTail = prevSub;
    if (prevSub !== undefined) prevSub.nextSub = nextSub;
    else if ((dep.subs = nextSub) === undefined) unwatched(dep);
  }
  return nextDep;
}

/** Whether links remain past the cursor: dependencies the last run had and this one did not read. */
function hasUnreadDeps(sub: ReactiveNode): boolean {
  const tail = sub.depsTail;
  return tail === undefined ? sub.deps !== undefined : tail.nextDep !== undefined;
}

/** Drops the links a run did not read again. */
function purgeDeps(sub: ReactiveNode): void {
  const tail = sub.depsTail;
  let l = tail !== undefined ? tail.nextDep : sub.deps;
  while (l !== undefined) l = unlink(l, sub);
}

/** A node lost its last subscriber: an owned effect is disposed, a computed detached. */
function unwatched(node: ReactiveNode): void {
  const flags = node.flags;
  if ((flags & EFFECT) !== 0) disposeEffect(node);
  else if ((flags & WATCHED) !== 0) detach(node);
}

/**
 * Takes a computed (and every computed that only it kept subscribed) out of its dependencies'
 * subscriber lists. Its links stay on its side, so it can still validate itself by versions.
 */
function detach(c: ReactiveNode): void {
  const base = walkTop;
  let n = c;
  for (;;) {
    const flags = n.flags;
    n.flags = flags & ~(WATCHED | PENDING);
    // A clean watched computed is fresh now; a PENDING one must poll on its next read.
    n.globalSeen = (flags & PENDING) !== 0 ? -1 : globalVersion;
    for (let l = n.deps; l !== undefined; l = l.nextDep) {
      const dep = l.dep;
      if ((dep.flags & EFFECT) !== 0) continue;
      const prevSub = l.prevSub;
      const nextSub = l.nextSub;
      l.prevSub = undefined;
      l.nextSub = undefined;
      if (nextSub !== undefined) nextSub.prevSub = prevSub;
      else dep.subsTail = prevSub;
      if (prevSub !== undefined) prevSub.nextSub = nextSub;
      else if ((dep.subs = nextSub) === undefined && (dep.flags & (COMPUTED | WATCHED)) === (COMPUTED | WATCHED)) {
        walkStack[walkTop++] = dep;
      }
    }
    if (walkTop === base) return;
    n = walkStack[--walkTop] as ReactiveNode;
    walkStack[walkTop] = undefined;
  }
}

/** Puts an unwatched computed (and the unwatched computeds it reads) back into subscriber lists. */
function attach(c: ReactiveNode): void {
  const base = walkTop;
  markAttached(c);
  let n = c;
  for (;;) {
    for (let l = n.deps; l !== undefined; l = l.nextDep) {
      const dep = l.dep;
      const flags = dep.flags;
      if ((flags & EFFECT) !== 0) continue;
      const prevSub = dep.subsTail;
      l.prevSub = prevSub;
      l.nextSub = undefined;
      if (prevSub !== undefined) prevSub.nextSub = l;
      else dep.subs = l;
      dep.subsTail = l;
      if ((flags & (COMPUTED | WATCHED)) === COMPUTED) {
        markAttached(dep);
        walkStack[walkTop++] = dep;
      }
    }
    if (walkTop === base) return;
    n = walkStack[--walkTop] as ReactiveNode;
    walkStack[walkTop] = undefined;
  }
}

/** Flags a computed WATCHED; one that may be stale (a signal moved since it looked) is PENDING. */
function markAttached(n: ReactiveNode): void {
  const flags = n.flags | WATCHED;
  n.flags = (flags & DIRTY) === 0 && n.globalSeen !== globalVersion ? flags | PENDING : flags;
}
