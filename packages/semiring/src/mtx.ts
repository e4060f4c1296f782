// A streaming Matrix Market reader (https://math.nist.gov/MatrixMarket/formats.html). No npm
// package parses the format with typed, line-numbered errors, so this is a small one: feed it
// text in chunks of any size and it parses line by line without holding the file.
import { createReadStream } from 'node:fs';
import { SemiringError } from './errors.js';
import { SparseMatrix } from './matrix.js';
import type { FromEdgesOptions } from './matrix.js';
import type { Semiring } from './semiring.js';

/** Storage layout of a Matrix Market file. */
export type MatrixMarketFormat = 'coordinate' | 'array';
/** Value field of a Matrix Market file this reader accepts (complex is refused). */
export type MatrixMarketField = 'real' | 'integer' | 'pattern';
/** Symmetry of a Matrix Market file this reader accepts (hermitian needs complex). */
export type MatrixMarketSymmetry = 'general' | 'symmetric' | 'skew-symmetric';

/**
 * A parsed file as a 0-based edge list with symmetry expanded: a symmetric file's off-diagonal
 * entry (i, j) also gives (j, i), a skew-symmetric one gives (j, i) with the value negated.
 * `values` is null for the pattern field.
 */
export interface MatrixMarketData {
  readonly format: MatrixMarketFormat;
  readonly field: MatrixMarketField;
  readonly symmetry: MatrixMarketSymmetry;
  readonly nrows: number;
  readonly ncols: number;
  /** Entries the file lists (before symmetric expansion). */
  readonly declaredEntries: number;
  readonly rows: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array | null;
}

const BANNER = '%%matrixmarket';
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$/i;
const INTEGER = /^[+-]?\d+$/;

function fail(line: number, message: string, code: 'MTX_PARSE' | 'UNSUPPORTED' = 'MTX_PARSE'): never {
  throw new SemiringError(code, `Matrix Market line ${line}: ${message}`);
}

function parseNumber(token: string, line: number, field: MatrixMarketField): number {
  if (field === 'integer' ? !INTEGER.test(token) : !NUMBER.test(token)) {
    fail(line, `'${token}' is not ${field === 'integer' ? 'an integer' : 'a real number'}`);
  }
  const lower = token.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  return Number(token);
}

function parseIndex(token: string | undefined, line: number, what: string, limit: number): number {
  if (token === undefined || !INTEGER.test(token)) fail(line, `${what} '${token ?? ''}' is not an integer`);
  const value = Number(token);
  if (value < 1 || value > limit) fail(line, `${what} ${value} is outside [1, ${limit}]`);
  return value - 1;
}

/**
 * Parses Matrix Market text fed in chunks: `push` each chunk, then `finish()` for the data.
 * Errors are `SemiringError`s with code `MTX_PARSE` (or `UNSUPPORTED` for complex and
 * hermitian files) whose message starts with the 1-based line number.
 */
export class MatrixMarketParser {
  #pending = '';
  #line = 0;
  #format: MatrixMarketFormat = 'coordinate';
  #field: MatrixMarketField = 'real';
  #symmetry: MatrixMarketSymmetry = 'general';
  #stage: 'banner' | 'size' | 'entries' = 'banner';
  #nrows = 0;
  #ncols = 0;
  #declared = 0;
  #seen = 0;
  #count = 0;
  #rows = new Int32Array(0);
  #cols = new Int32Array(0);
  #values: Float64Array | null = null;
  #finished = false;

  /** Feeds the next chunk of text (split anywhere, even inside a line). */
  push(chunk: string): void {
    if (this.#finished) throw new SemiringError('INVALID_ARGUMENT', 'push after finish');
    const text = this.#pending + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.#consume(text.slice(start, nl));
      start = nl + 1;
    }
    this.#pending = text.slice(start);
  }

  /** Ends the input and returns the parsed data. */
  finish(): MatrixMarketData {
    if (this.#finished) throw new SemiringError('INVALID_ARGUMENT', 'finish called twice');
    if (this.#pending.length > 0) this.#consume(this.#pending);
    this.#pending = '';
    this.#finished = true;
    const endLine = this.#line + 1;
    if (this.#stage === 'banner') fail(endLine, 'empty file: no %%MatrixMarket banner');
    if (this.#stage === 'size') fail(endLine, 'the file ends before its size line');
    if (this.#seen < this.#declared) {
      fail(endLine, `the file ends after ${this.#seen} of the ${this.#declared} entries its size line declares`);
    }
    const n = this.#count;
    return {
      format: this.#format,
      field: this.#field,
      symmetry: this.#symmetry,
      nrows: this.#nrows,
      ncols: this.#ncols,
      declaredEntries: this.#declared,
      rows: this.#rows.slice(0, n),
      cols: this.#cols.slice(0, n),
      values: this.#values === null ? null : this.#values.slice(0, n),
    };
  }

  #consume(raw: string): void {
    this.#line++;
    const line = this.#line;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.#stage === 'banner') {
      this.#banner(text, line);
      return;
    }
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.startsWith('%')) return;
    const tokens = trimmed.split(/\s+/);
    if (this.#stage === 'size') this.#size(tokens, line);
    else this.#entry(tokens, line);
  }

  #banner(text: string, line: number): void {
    const tokens = text.trim().split(/\s+/).map((t) => t.toLowerCase());
    if (tokens[0] !== BANNER) fail(line, `expected the banner '%%MatrixMarket matrix <format> <field> <symmetry>', got '${text.slice(0, 60)}'`);
    if (tokens.length !== 5) fail(line, `the banner needs 4 words after %%MatrixMarket, got ${tokens.length - 1}`);
    const [, object, format, field, symmetry] = tokens as [string, string, string, string, string];
    if (object !== 'matrix') fail(line, `object '${object}' is not supported (only 'matrix')`, object === 'vector' ? 'UNSUPPORTED' : 'MTX_PARSE');
    if (format !== 'coordinate' && format !== 'array') fail(line, `format '${format}' is neither 'coordinate' nor 'array'`);
    if (field === 'complex') fail(line, 'complex fields are not supported', 'UNSUPPORTED');
    if (field !== 'real' && field !== 'integer' && field !== 'pattern' && field !== 'double') {
      fail(line, `field '${field}' is none of real, integer, pattern, complex`);
    }
    if (symmetry === 'hermitian') fail(line, 'hermitian symmetry needs complex values, which are not supported', 'UNSUPPORTED');
    if (symmetry !== 'general' && symmetry !== 'symmetric' && symmetry !== 'skew-symmetric') {
      fail(line, `symmetry '${symmetry}' is none of general, symmetric, skew-symmetric, hermitian`);
    }
    if (field === 'pattern' && format === 'array') fail(line, "the pattern field needs the coordinate format");
    if (field === 'pattern' && symmetry === 'skew-symmetric') fail(line, 'a pattern cannot be skew-symmetric (no values to negate)');
    this.#format = format;
    this.#field = field === 'double' ? 'real' : field;
    this.#symmetry = symmetry;
    this.#stage = 'size';
  }

  #size(tokens: string[], line: number): void {
    const want = this.#format === 'coordinate' ? 3 : 2;
    if (tokens.length !== want) {
      fail(line, `the size line needs ${want === 3 ? 'rows, columns and entries' : 'rows and columns'} (${want} integers), got ${tokens.length} words`);
    }
    const nums = tokens.map((t) => {
      if (!INTEGER.test(t) || Number(t) < 0 || Number(t) > 0x7fffffff) fail(line, `size '${t}' is not a non-negative integer below 2^31`);
      return Number(t);
    });
    const [nrows, ncols] = nums as [number, number];
    this.#nrows = nrows;
    this.#ncols = ncols;
    if (this.#symmetry !== 'general' && nrows !== ncols) fail(line, `a ${this.#symmetry} matrix must be square, got ${nrows}×${ncols}`);
    if (this.#format === 'coordinate') {
      this.#declared = nums[2] as number;
      if (this.#declared > nrows * ncols) fail(line, `${this.#declared} entries cannot fit in ${nrows}×${ncols}`);
    } else {
      const n = nrows;
      this.#declared =
        this.#symmetry === 'general' ? nrows * ncols : this.#symmetry === 'symmetric' ? (n * (n + 1)) / 2 : (n * (n - 1)) / 2;
    }
    const capacity = this.#symmetry === 'general' ? this.#declared : Math.min(2 * this.#declared, nrows * ncols);
    this.#rows = new Int32Array(capacity);
    this.#cols = new Int32Array(capacity);
    this.#values = this.#field === 'pattern' ? null : new Float64Array(capacity);
    this.#stage = 'entries';
  }

  #entry(tokens: string[], line: number): void {
    if (this.#seen >= this.#declared) fail(line, `more entries than the ${this.#declared} the size line declares`);
    let row: number;
    let col: number;
    let value = 1;
    if (this.#format === 'coordinate') {
      const want = this.#field === 'pattern' ? 2 : 3;
      if (tokens.length !== want) fail(line, `an entry needs ${want} words (row, column${want === 3 ? ', value' : ''}), got ${tokens.length}`);
      row = parseIndex(tokens[0], line, 'row', this.#nrows);
      col = parseIndex(tokens[1], line, 'column', this.#ncols);
      if (want === 3) value = parseNumber(tokens[2] as string, line, this.#field);
      if (this.#symmetry === 'skew-symmetric' && row === col) fail(line, `a skew-symmetric matrix has no diagonal entries, got (${row + 1}, ${col + 1})`);
    } else {
      if (tokens.length !== 1) fail(line, `an array entry is one value, got ${tokens.length} words`);
      value = parseNumber(tokens[0] as string, line, this.#field);
      [row, col] = this.#arrayPosition(this.#seen);
    }
    this.#seen++;
    this.#append(row, col, value);
    if (this.#symmetry !== 'general' && row !== col) this.#append(col, row, this.#symmetry === 'skew-symmetric' ? -value : value);
  }

  /** Column-major position of the k-th array value (lower triangle only when symmetric). */
  #arrayPosition(k: number): [number, number] {
    const n = this.#nrows;
    if (this.#symmetry === 'general') return [k % n, Math.floor(k / n)];
    const diagonal = this.#symmetry === 'symmetric' ? 0 : 1;
    let col = 0;
    let remaining = k;
    for (;;) {
      const height = n - col - diagonal;
      if (remaining < height) return [col + diagonal + remaining, col];
      remaining -= height;
      col++;
    }
  }

  #append(row: number, col: number, value: number): void {
    const n = this.#count;
    if (n === this.#rows.length) {
      const cap = Math.max(16, n * 2);
      const rows = new Int32Array(cap);
      rows.set(this.#rows);
      const cols = new Int32Array(cap);
      cols.set(this.#cols);
      this.#rows = rows;
      this.#cols = cols;
      if (this.#values !== null) {
        const values = new Float64Array(cap);
        values.set(this.#values);
        this.#values = values;
      }
    }
    this.#rows[n] = row;
    this.#cols[n] = col;
    if (this.#values !== null) this.#values[n] = value;
    this.#count = n + 1;
  }
}

/** Parses a whole Matrix Market text. */
export function parseMatrixMarket(text: string): MatrixMarketData {
  const parser = new MatrixMarketParser();
  parser.push(text);
  return parser.finish();
}

/** Reads and parses a Matrix Market file, streaming it in chunks. */
export async function readMatrixMarketFile(path: string): Promise<MatrixMarketData> {
  const parser = new MatrixMarketParser();
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream) parser.push(chunk as string);
  return parser.finish();
}

/**
 * A sparse matrix from parsed Matrix Market data, stored as `semiring` stores (a pattern file
 * gives a pattern matrix). Duplicates follow `options.duplicates` (default: refused).
 */
export function matrixFromMarket(
  semiring: Semiring<number>,
  data: MatrixMarketData,
  options: FromEdgesOptions<number> = {},
): SparseMatrix<number> {
  const edges = {
    nrows: data.nrows,
    ncols: data.ncols,
    rows: data.rows,
    cols: data.cols,
    ...(data.values === null ? {} : { values: data.values }),
  };
  return SparseMatrix.fromEdges(semiring, edges, options);
}
