import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  matrixFromMarket,
  MatrixMarketParser,
  parseMatrixMarket,
  plusTimesSemiring,
  readMatrixMarketFile,
  SemiringError,
} from '../src/index.js';

function parseError(text: string): SemiringError {
  try {
    parseMatrixMarket(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SemiringError);
    return error as SemiringError;
  }
  throw new Error('expected a parse error');
}

const GENERAL = `%%MatrixMarket matrix coordinate real general
% a comment
%   another

3 4 3
1 1 1.5
3 4 -2e3
2 2 7
`;

describe('Matrix Market reader', () => {
  it('reads a general coordinate real file with comments and blank lines, 1-based to 0-based', () => {
    const data = parseMatrixMarket(GENERAL);
    expect(data).toMatchObject({ format: 'coordinate', field: 'real', symmetry: 'general', nrows: 3, ncols: 4, declaredEntries: 3 });
    expect(Array.from(data.rows)).toEqual([0, 2, 1]);
    expect(Array.from(data.cols)).toEqual([0, 3, 1]);
    expect(Array.from(data.values as Float64Array)).toEqual([1.5, -2000, 7]);
    const m = matrixFromMarket(plusTimesSemiring, data);
    expect(m.get(2, 3)).toBe(-2000);
  });

  it('expands symmetric and skew-symmetric files and reads pattern and integer fields', () => {
    const sym = parseMatrixMarket('%%MatrixMarket matrix coordinate integer symmetric\n3 3 2\n2 1 5\n3 3 4\n');
    expect(Array.from(sym.rows)).toEqual([1, 0, 2]);
    expect(Array.from(sym.cols)).toEqual([0, 1, 2]);
    expect(Array.from(sym.values as Float64Array)).toEqual([5, 5, 4]);
    const skew = parseMatrixMarket('%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 3\n');
    expect(Array.from(skew.values as Float64Array)).toEqual([3, -3]);
    const pattern = parseMatrixMarket('%%MatrixMarket matrix coordinate pattern general\r\n2 2 2\r\n1 2\r\n2 1\r\n');
    expect(pattern.values).toBeNull();
    expect(Array.from(pattern.cols)).toEqual([1, 0]);
    expect(matrixFromMarket(plusTimesSemiring, pattern).values).toBeNull();
  });

  it('reads the array format column-major, and only the lower triangle when symmetric', () => {
    const general = parseMatrixMarket('%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n');
    const m = matrixFromMarket(plusTimesSemiring, general);
    expect([m.get(0, 0), m.get(1, 0), m.get(0, 1), m.get(1, 1)]).toEqual([1, 2, 3, 4]);
    const sym = matrixFromMarket(plusTimesSemiring, parseMatrixMarket('%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n'));
    expect([sym.get(0, 0), sym.get(1, 0), sym.get(0, 1), sym.get(1, 1)]).toEqual([1, 2, 2, 3]);
    const skew = matrixFromMarket(plusTimesSemiring, parseMatrixMarket('%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n'));
    expect([skew.get(1, 0), skew.get(0, 1), skew.get(2, 0), skew.get(2, 1), skew.get(1, 2)]).toEqual([1, -1, 2, 3, -3]);
  });

  it.each([
    ['a bad banner', 'MatrixMarket matrix coordinate real general\n1 1 0\n', 1, 'MTX_PARSE'],
    ['a banner with too few words', '%%MatrixMarket matrix coordinate real\n1 1 0\n', 1, 'MTX_PARSE'],
    ['an unknown format', '%%MatrixMarket matrix sparse real general\n1 1 0\n', 1, 'MTX_PARSE'],
    ['a complex field', '%%MatrixMarket matrix coordinate complex general\n1 1 0\n', 1, 'UNSUPPORTED'],
    ['a hermitian matrix', '%%MatrixMarket matrix coordinate real hermitian\n1 1 0\n', 1, 'UNSUPPORTED'],
    ['a short size line', '%%MatrixMarket matrix coordinate real general\n% c\n2 2\n', 3, 'MTX_PARSE'],
    ['a non-square symmetric matrix', '%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n', 2, 'MTX_PARSE'],
    ['too few entries', '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n', 4, 'MTX_PARSE'],
    ['too many entries', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 2\n', 4, 'MTX_PARSE'],
    ['a row index out of range', '%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n', 3, 'MTX_PARSE'],
    ['a zero (not 1-based) column', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 0 1\n', 3, 'MTX_PARSE'],
    ['a non-numeric value', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n', 3, 'MTX_PARSE'],
    ['a fractional integer', '%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n', 3, 'MTX_PARSE'],
    ['a missing value', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n', 3, 'MTX_PARSE'],
    ['a skew-symmetric diagonal', '%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n', 3, 'MTX_PARSE'],
    ['an empty file', '', 1, 'MTX_PARSE'],
  ])('refuses %s with a typed error naming the line', (_what, text, line, code) => {
    const error = parseError(text);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`line ${line}:`);
  });

  it('law: chunk boundaries anywhere give the same data as one chunk', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: GENERAL.length - 1 }), { maxLength: 8 }), (cuts) => {
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new MatrixMarketParser();
        let at = 0;
        for (const cut of sorted) {
          parser.push(GENERAL.slice(at, cut));
          at = cut;
        }
        parser.push(GENERAL.slice(at));
        expect(parser.finish()).toEqual(parseMatrixMarket(GENERAL));
      }),
    );
  });

  it('streams a file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsb-mtx-'));
    const path = join(dir, 'g.mtx');
    writeFileSync(path, GENERAL);
    const data = await readMatrixMarketFile(path);
    expect(data.nrows).toBe(3);
    expect(Array.from(data.values as Float64Array)).toEqual([1.5, -2000, 7]);
  });
});
