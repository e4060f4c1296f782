import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { formatGraphReport, runGraphCommand, SEMIRING_ERROR_EXIT_CODES } from '../../src/index.js';
import type { GraphReport } from '../../src/index.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'mmsb-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mtx(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// 1 → 2 (4), 1 → 3 (1), 3 → 2 (2), 2 → 4 (5), 3 → 4 (8); vertex 5 is isolated.
const weighted = mtx(
  'weighted.mtx',
  `%%MatrixMarket matrix coordinate real general
% a small road map
5 5 5
1 2 4
1 3 1
3 2 2
2 4 5
3 4 8
`,
);

// A path 1 - 2 - 3 - 4 stored once per pair, symmetric.
const symmetricPattern = mtx(
  'path.mtx',
  `%%MatrixMarket matrix coordinate pattern symmetric
4 4 3
2 1
3 2
4 3
`,
);

async function cliFails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [cli, ...args]);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`mmsb ${args.join(' ')} succeeded, expected a failure`);
}

describe('mmsb graph sssp', () => {
  test('distances and the shortest path from a 1-based source', async () => {
    const report = await runGraphCommand({ algorithm: 'sssp', mtx: weighted, source: 1, target: 4 });
    expect(report.method).toBe('dijkstra');
    expect(report.values).toEqual([0, 3, 1, 8, null]);
    expect(report.reached).toBe(4);
    expect(report.farthest).toEqual({ vertex: 4, value: 8 });
    expect(report.path).toEqual({ target: 4, value: 8, vertices: [1, 3, 2, 4] });
    const text = formatGraphReport(report);
    expect(text).toContain('1 → 3 → 2 → 4');
    expect(text).toContain('reached      4 of 5 vertices');
  });

  test('Bellman–Ford runs when a weight is negative, and agrees with a hand computation', async () => {
    const file = mtx('negative.mtx', '%%MatrixMarket matrix coordinate real general\n3 3 3\n1 2 5\n1 3 2\n3 2 -4\n');
    const report = await runGraphCommand({ algorithm: 'sssp', mtx: file, source: 1, target: 2 });
    expect(report.method).toBe('bellman-ford');
    expect(report.values).toEqual([0, -2, 2]);
    expect(report.path?.vertices).toEqual([1, 3, 2]);
  });

  test('--method dijkstra on a negative weight and a negative cycle are typed failures with their own exit status', async () => {
    const negative = mtx('negative2.mtx', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 2 -1\n');
    const refused = await cliFails(['graph', 'sssp', '--mtx', negative, '--source', '1', '--method', 'dijkstra']);
    expect(refused.code).toBe(SEMIRING_ERROR_EXIT_CODES.NEGATIVE_WEIGHT);
    expect(refused.stderr).toMatch(/^mmsb: NEGATIVE_WEIGHT: /);
    const cycle = mtx('cycle.mtx', '%%MatrixMarket matrix coordinate real general\n3 3 3\n1 2 1\n2 3 -3\n3 2 1\n');
    const failed = await cliFails(['graph', 'sssp', '--mtx', cycle, '--source', '1']);
    expect(failed.code).toBe(SEMIRING_ERROR_EXIT_CODES.NEGATIVE_CYCLE);
  });

  test('the built command prints every vertex as JSON, null where unreachable', async () => {
    const { stdout } = await run(process.execPath, [cli, 'graph', 'sssp', '--mtx', weighted, '--source', '3', '--json']);
    const report = JSON.parse(stdout) as GraphReport;
    expect(report.values).toEqual([null, 2, 0, 7, null]);
    expect(report.source).toBe(3);
    expect(report.vertices).toBe(5);
    expect(report.edges).toBe(5);
  });
});

describe('mmsb graph bfs and widest', () => {
  test('bfs levels on a symmetric pattern file walk both directions of each stored pair', async () => {
    const report = await runGraphCommand({ algorithm: 'bfs', mtx: symmetricPattern, source: 4, target: 1 });
    expect(report.values).toEqual([3, 2, 1, 0]);
    expect(report.edges).toBe(6);
    expect(report.path?.vertices).toEqual([4, 3, 2, 1]);
  });

  test('widest path: the best bottleneck from the source, the narrowest vertex reported', async () => {
    const report = await runGraphCommand({ algorithm: 'widest', mtx: weighted, source: 1, target: 4 });
    // 1→2 (4) then 2→4 (5): bottleneck 4; 1→3→4: min(1, 8) = 1; 1→3→2: min(1, 2) = 1 < 4.
    expect(report.values.slice(1, 4)).toEqual([4, 1, 4]);
    expect(report.values[4]).toBeNull();
    expect(report.path).toEqual({ target: 4, value: 4, vertices: [1, 2, 4] });
    expect(report.farthest).toEqual({ vertex: 3, value: 1 });
  });

  test('the text output lists at most --limit vertices', async () => {
    const { stdout } = await run(process.execPath, [cli, 'graph', 'bfs', '--mtx', symmetricPattern, '--source', '1', '--limit', '2']);
    expect(stdout).toContain('reached      4 of 4 vertices');
    expect(stdout).toContain('… 2 more reached vertices');
  });
});

describe('mmsb graph refuses bad input', () => {
  test('a malformed file names its line and exits with MTX_PARSE', async () => {
    const bad = mtx('bad.mtx', '%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1.5\n1 x 2\n');
    const failed = await cliFails(['graph', 'bfs', '--mtx', bad, '--source', '1']);
    expect(failed.code).toBe(SEMIRING_ERROR_EXIT_CODES.MTX_PARSE);
    expect(failed.stderr).toMatch(/^mmsb: MTX_PARSE: .*line 4/);
  });

  test('a source outside the graph is INDEX_OUT_OF_RANGE and says ids are 1-based', async () => {
    const failed = await cliFails(['graph', 'sssp', '--mtx', weighted, '--source', '0']);
    expect(failed.code).toBe(SEMIRING_ERROR_EXIT_CODES.INDEX_OUT_OF_RANGE);
    expect(failed.stderr).toContain('1-based');
    await expect(runGraphCommand({ algorithm: 'sssp', mtx: weighted, source: 6 })).rejects.toMatchObject({ code: 'INDEX_OUT_OF_RANGE' });
  });

  test('a non-square matrix is refused', async () => {
    const rect = mtx('rect.mtx', '%%MatrixMarket matrix coordinate real general\n2 3 1\n1 3 1\n');
    await expect(runGraphCommand({ algorithm: 'bfs', mtx: rect, source: 1 })).rejects.toMatchObject({ code: 'DIMENSION_MISMATCH' });
  });

  test('a missing file exits 66 with the system error, and an unknown algorithm is a usage error', async () => {
    const missing = await cliFails(['graph', 'bfs', '--mtx', join(dir, 'nope.mtx'), '--source', '1']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/^mmsb: ENOENT: /);
    const unknown = await cliFails(['graph', 'pagerank', '--mtx', weighted, '--source', '1']);
    expect(unknown.code).toBe(1);
  });
});
