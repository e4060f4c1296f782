import { describe, expect, test } from 'vitest';
import { mergeForks } from '../src/harness.js';
import type { CaseResult, Measurement, SuiteReport } from '../src/harness.js';

const measured = (name: string, rounds: number[]): Measurement => {
  const sorted = [...rounds].sort((a, b) => a - b);
  const perSecond = sorted[sorted.length >> 1] as number;
  return { name, perSecond, nsPerUnit: 1e9 / perSecond, rounds };
};

function report(mmsb: number[], peerA: number[], peerB: number[], ratioAgainst: 'peer' | 'best'): SuiteReport {
  const peers = [measured('a', peerA), measured('b', peerB)];
  const c: CaseResult = {
    name: 'case',
    unit: 'ops',
    mmsb: measured('mmsb', mmsb),
    peer: peers[0] as Measurement,
    peers,
    ratio: 0,
    ratioAgainst,
    goal: { kind: 'ratio-at-least', value: 1 },
    goalMet: null,
    note: null,
  };
  return { suite: 's', machine: {}, node: 'v20', commit: null, date: '', options: { timeMs: 1, rounds: 3 }, context: {}, cases: [c] };
}

describe('mergeForks', () => {
  test('pools every fork’s rounds and takes medians, ratio and goal again', () => {
    const merged = mergeForks([report([10, 11, 12], [20, 20, 20], [5, 5, 5], 'best'), report([30, 31, 32], [1, 1, 1], [9, 9, 9], 'best')]);
    const [c] = merged.cases;
    expect(merged.options.forks).toBe(2);
    expect(c?.mmsb.rounds).toEqual([10, 11, 12, 30, 31, 32]);
    // Median of six: the mean of the middle two.
    expect(c?.mmsb.perSecond).toBe(21);
    expect(c?.peers.map((p) => p.perSecond)).toEqual([10.5, 7]);
    // 'best': against the faster peer after pooling.
    expect(c?.peer.name).toBe('a');
    expect(c?.ratio).toBe(2);
    expect(c?.goalMet).toBe(true);
  });

  test('keeps the named peer for "peer" and refuses forks that ran different cases', () => {
    const merged = mergeForks([report([1, 1, 1], [4, 4, 4], [1, 1, 1], 'peer')]);
    expect(merged.cases[0]?.peer.name).toBe('a');
    expect(merged.cases[0]?.ratio).toBe(0.25);
    expect(merged.cases[0]?.goalMet).toBe(false);
    const other = report([1], [1], [1], 'peer');
    const renamed = { ...other, cases: [{ ...(other.cases[0] as CaseResult), name: 'another' }] };
    expect(() => mergeForks([report([1], [1], [1], 'peer'), renamed])).toThrow(/different cases/);
    expect(() => mergeForks([])).toThrow(/no reports/);
  });
});
