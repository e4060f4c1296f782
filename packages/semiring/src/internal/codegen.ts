// Kernels are written once as source templates and compiled per standard semiring with its ⊕/⊗
// inlined as expressions (no closure call per element), or once per user semiring with calls
// to its closures (the generic path). Both paths therefore run the same loop in the same order.
import type { BinaryOp, Semiring } from '../semiring.js';
import type { SemiringOp } from './native-bridge.js';

/** Builds the source of a binary expression from two operand identifiers. */
export type Expr2 = (x: string, y: string) => string;

/** The inline ⊕ and ⊗ of a standard semiring (operands are always plain identifiers). */
export interface OpExpressions {
  readonly add: Expr2;
  readonly mul: Expr2;
}

// min and max are Math.min/Math.max as the native contract fixes them (NaN wins, −0 < +0), so a
// min/max reduction has one answer in any order.
const maxExpr: Expr2 = (x, y) => `Math.max(${x}, ${y})`;
const minExpr: Expr2 = (x, y) => `Math.min(${x}, ${y})`;
const sumExpr: Expr2 = (x, y) => `(${x} + ${y})`;

/** The expressions of each standard semiring; `standard.ts` defines the same ops as closures. */
export const OP_EXPRESSIONS: Readonly<Record<SemiringOp, OpExpressions>> = {
  'or-and': {
    add: (x, y) => `(${x} !== 0 || ${y} !== 0 ? 1 : 0)`,
    mul: (x, y) => `(${x} !== 0 && ${y} !== 0 ? 1 : 0)`,
  },
  'plus-times': { add: sumExpr, mul: (x, y) => `(${x} * ${y})` },
  'min-plus': { add: minExpr, mul: sumExpr },
  'max-plus': { add: maxExpr, mul: sumExpr },
  'max-times': { add: maxExpr, mul: (x, y) => `(${x} * ${y})` },
  'max-min': { add: maxExpr, mul: minExpr },
  'log-plus': {
    add: (x, y) =>
      `(${x} === -Infinity ? ${y} : ${y} === -Infinity ? ${x} : ${x} === ${y} ? ${x} + Math.LN2 ` +
      `: Math.max(${x}, ${y}) + Math.log1p(Math.exp(-Math.abs(${x} - ${y}))))`,
    mul: sumExpr,
  },
};

/**
 * A kernel's source: its parameter names and a body built from the ⊕/⊗ expressions. Inside the
 * body `ZERO`, `ONE` and `ALLOC(n)` (a value array of n entries) are in scope.
 */
export interface KernelTemplate {
  readonly name: string;
  readonly params: readonly string[];
  body(add: Expr2, mul: Expr2): string;
}

/** The algebra a kernel is compiled for: inline expressions, or closures for the generic path. */
interface Algebra {
  readonly key: SemiringOp | object;
  readonly exprs: OpExpressions;
  readonly addFn: ((a: never, b: never) => unknown) | null;
  readonly mulFn: ((a: never, b: never) => unknown) | null;
  readonly zero: unknown;
  readonly one: unknown;
  readonly f64: boolean;
}

const GENERIC_EXPRESSIONS: OpExpressions = {
  add: (x, y) => `ADD(${x}, ${y})`,
  mul: (x, y) => `MUL(${x}, ${y})`,
};

const allocF64 = (n: number): Float64Array => new Float64Array(n);
const allocArray = (n: number): unknown[] => new Array<unknown>(n);

const cache = new Map<KernelTemplate, Map<string, unknown>>();
const genericCache = new WeakMap<object, Map<string, unknown>>();

function compile(template: KernelTemplate, algebra: Algebra): unknown {
  const source = `"use strict";\nreturn function ${template.name}(${template.params.join(', ')}) {\n${template.body(
    algebra.exprs.add,
    algebra.exprs.mul,
  )}\n};`;
  const factory = new Function('ADD', 'MUL', 'ZERO', 'ONE', 'ALLOC', source) as (...args: unknown[]) => unknown;
  return factory(algebra.addFn, algebra.mulFn, algebra.zero, algebra.one, algebra.f64 ? allocF64 : allocArray);
}

function kernelFor(template: KernelTemplate, algebra: Algebra): unknown {
  if (typeof algebra.key === 'string') {
    let byOp = cache.get(template);
    if (byOp === undefined) {
      byOp = new Map();
      cache.set(template, byOp);
    }
    let kernel = byOp.get(algebra.key);
    if (kernel === undefined) {
      kernel = compile(template, algebra);
      byOp.set(algebra.key, kernel);
    }
    return kernel;
  }
  let byTemplate = genericCache.get(algebra.key);
  if (byTemplate === undefined) {
    byTemplate = new Map();
    genericCache.set(algebra.key, byTemplate);
  }
  // The storage kind picks ALLOC, so one closure may own an f64 and an array kernel.
  const slot = `${template.name}:${algebra.f64 ? 'f64' : 'array'}`;
  let kernel = byTemplate.get(slot);
  if (kernel === undefined) {
    kernel = compile(template, algebra);
    byTemplate.set(slot, kernel);
  }
  return kernel;
}

/**
 * The kernel of `template` for `semiring`: specialised when the semiring is standard and its
 * values are stored as f64 (`f64`), generic (closure calls) otherwise.
 */
export function semiringKernel<F, T>(template: KernelTemplate, semiring: Semiring<T>, f64: boolean): F {
  const op = semiring.op;
  if (op !== null && f64) {
    return kernelFor(template, {
      key: op,
      exprs: OP_EXPRESSIONS[op],
      addFn: null,
      mulFn: null,
      zero: semiring.zero,
      one: semiring.one,
      f64: true,
    }) as F;
  }
  return kernelFor(template, {
    key: semiring,
    exprs: GENERIC_EXPRESSIONS,
    addFn: semiring.add,
    mulFn: semiring.mul,
    zero: semiring.zero,
    one: semiring.one,
    f64,
  }) as F;
}

/**
 * A kernel whose `ADD` slot is the binary operator `op` (a semiring's ⊕, or its ⊗ when `slot` is
 * 'mul', or a plain function), specialised when `op` is a standard semiring over f64 storage.
 */
export function binaryKernel<F, T>(template: KernelTemplate, op: BinaryOp<T>, slot: 'add' | 'mul', f64: boolean): F {
  if (typeof op === 'function') {
    return kernelFor(template, {
      key: op,
      exprs: GENERIC_EXPRESSIONS,
      addFn: op,
      mulFn: null,
      zero: undefined,
      one: undefined,
      f64,
    }) as F;
  }
  const semiringOp = op.op;
  if (semiringOp !== null && f64) {
    const exprs = OP_EXPRESSIONS[semiringOp];
    return kernelFor(template, {
      key: `${semiringOp}/${slot}` as SemiringOp,
      exprs: { add: slot === 'add' ? exprs.add : exprs.mul, mul: exprs.mul },
      addFn: null,
      mulFn: null,
      zero: op.zero,
      one: op.one,
      f64: true,
    }) as F;
  }
  return kernelFor(template, {
    key: slot === 'add' ? op.add : op.mul,
    exprs: GENERIC_EXPRESSIONS,
    addFn: slot === 'add' ? op.add : op.mul,
    mulFn: null,
    zero: op.zero,
    one: op.one,
    f64,
  }) as F;
}
