// The built command line, run as a user runs it: JSON out, exit statuses, clean error lines.
import { execFile } from 'node:child_process';
import { mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PAGE_ERROR_EXIT_CODES } from '../src/exit-codes.js';
import type { DemoReport } from '../src/commands/demo.js';
import type { ReplayReport } from '../src/commands/replay.js';
import type { VerifyDirReport } from '../src/commands/verify.js';
import type { CheckpointReport } from '../src/commands/checkpoint.js';
import type { InspectReport } from '../src/index.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `mmsb` with `args`; never rejects on a non-zero exit. */
function mmsb(...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function json<T>(ran: Ran): T {
  expect(ran.stderr, 'nothing on stderr with --json when stderr is not a terminal').toBe('');
  return JSON.parse(ran.stdout) as T;
}

const expectCleanError = (ran: Ran, code: keyof typeof PAGE_ERROR_EXIT_CODES): void => {
  expect(ran.code).toBe(PAGE_ERROR_EXIT_CODES[code]);
  expect(ran.stderr).toMatch(new RegExp(`^mmsb: ${code}: \\S`));
  expect(ran.stderr, 'no stack trace for an expected error').not.toMatch(/\n\s+at /);
};

const root = mkdtempSync(join(tmpdir(), 'mmsb-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mmsb demo', () => {
  test('in a temp dir: every replayed digest equals the live one, every page equals the model, and the dir is removed', async () => {
    const ran = await mmsb('demo', '--pages', '16', '--updates', '1200', '--json');
    expect(ran.code).toBe(0);
    const report = json<DemoReport>(ran);
    expect(report.ok).toBe(true);
    expect(report.kept).toBe(false);
    expect(report.checks.map((c) => c.label)).toEqual(['quarter', 'checkpoint', 'three-quarters', 'final']);
    for (const check of report.checks) {
      expect(check.replayedDigest).toBe(check.liveDigest);
      expect(check.modelMatch).toBe(true);
    }
    expect(report.checks.at(-1)?.epoch).toBe(report.finalEpoch);
    expect(report.finalEpoch).toBe(report.setupEpoch + report.commits);
    // Every transaction touches a source, so each ran one wave in its own commit.
    expect(report.propagation.derivedPages).toBe(9);
    expect(report.propagation.waves).toBe(report.commits);
    expect(report.propagation.recomputed).toBeGreaterThanOrEqual(report.commits);
    expect(report.propagation.replayWithFunctions.ok).toBe(true);
    expect(report.propagation.replayWithFunctions.mismatches).toBe(0);
    expect(report.propagation.replayWithFunctions.recomputed).toBeGreaterThan(0);
    expect(() => statSync(report.dir)).toThrow();
  });

  test('the same seed gives the same digests; another seed other ones', async () => {
    const digests = async (seed: string) =>
      json<DemoReport>(await mmsb('demo', '--pages', '8', '--updates', '400', '--seed', seed, '--durability', 'none', '--json')).checks.map((c) => c.liveDigest);
    const [a, b, c] = await Promise.all([digests('7'), digests('7'), digests('8')]);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  test('the text summary says the digests match', async () => {
    const ran = await mmsb('demo', '--pages', '4', '--updates', '200');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('✓ every replay from disk (no user code) equals');
    expect(ran.stdout).toContain('every derived page equals the logged one ✓');
    expect(ran.stderr).toBe('');
  });

  test('refuses a directory that is not empty', async () => {
    const dir = mkdtempSync(join(root, 'full-'));
    writeFileSync(join(dir, 'something'), 'x');
    expectCleanError(await mmsb('demo', '--dir', dir), 'INVALID_ARGUMENT');
  });
});

describe('inspect, checkpoint, replay and verify on a demo directory', () => {
  const dir = join(root, 'store');
  let demo: DemoReport;

  beforeAll(async () => {
    const ran = await mmsb('demo', '--dir', dir, '--pages', '12', '--updates', '1600', '--json');
    expect(ran.code).toBe(0);
    demo = json<DemoReport>(ran);
  });

  test('inspect --json lists the pages, segments and checkpoint, unlocked', async () => {
    const report = json<InspectReport>(await mmsb('inspect', '--dir', dir, '--json'));
    expect(report.lastEpoch).toBe(demo.finalEpoch);
    // The sources, the 9 derived pages and the registry's pages.
    expect(report.pages).toHaveLength(12 + demo.propagation.derivedPages + demo.propagation.registryPages);
    expect(report.pages.filter((p) => p.size === 4096)).toHaveLength(12);
    expect(report.segments.length).toBeGreaterThan(0);
    expect(report.checkpoints.map((c) => c.epoch)).toContain(demo.checkpoint.epoch);
    expect(report.locked).toBe(false);
    const text = await mmsb('inspect', '--dir', dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`last epoch   ${demo.finalEpoch}`);
  });

  test('replay --epoch --verify --expect reproduces the live digest of every epoch the demo recorded', async () => {
    for (const check of demo.checks) {
      const ran = await mmsb('replay', '--dir', dir, '--epoch', String(check.epoch), '--verify', '--expect', check.liveDigest, '--json');
      expect(ran.code).toBe(0);
      const report = json<ReplayReport>(ran);
      expect(report).toMatchObject({ epoch: check.epoch, digest: check.liveDigest, ok: true, expectedMatch: true });
      expect(report.verification).toMatchObject({ integrityOk: true, deterministic: true });
    }
  });

  test('replay without --epoch goes to the last epoch; a wrong --expect exits 2', async () => {
    const last = json<ReplayReport>(await mmsb('replay', '--dir', dir, '--json'));
    expect(last.epoch).toBe(demo.finalEpoch);
    const wrong = await mmsb('replay', '--dir', dir, '--expect', '0'.repeat(64));
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain('✗ expected digest');
  });

  test('replay of an epoch past the last commit is a clean EPOCH_FUTURE error', async () => {
    expectCleanError(await mmsb('replay', '--dir', dir, '--epoch', String(demo.finalEpoch + 1000)), 'EPOCH_FUTURE');
  });

  test('a bad --epoch is a usage error', async () => {
    const ran = await mmsb('replay', '--dir', dir, '--epoch', 'soon');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('non-negative integer');
  });

  test('verify --json passes on a sound directory', async () => {
    const ran = await mmsb('verify', '--dir', dir, '--json');
    expect(ran.code).toBe(0);
    const report = json<VerifyDirReport>(ran);
    expect(report.ok).toBe(true);
    expect(report.lastEpoch).toBe(demo.finalEpoch);
    expect(report.problems).toEqual([]);
  });

  test('checkpoint --json writes a checkpoint at the last epoch', async () => {
    const ran = await mmsb('checkpoint', '--dir', dir, '--json');
    expect(ran.code).toBe(0);
    const report = json<CheckpointReport>(ran);
    expect(report.epoch).toBe(demo.finalEpoch);
    expect(report.pages).toBe(12 + demo.propagation.derivedPages + demo.propagation.registryPages);
    const inspected = json<InspectReport>(await mmsb('inspect', '--dir', dir, '--json'));
    expect(inspected.checkpoints.map((c) => c.epoch)).toContain(demo.finalEpoch);
  });
});

describe('verify on a corrupted directory', () => {
  test('a flipped byte inside a log segment fails verify with exit 2 and a message naming it; --repair makes it sound again', async () => {
    const dir = join(root, 'corrupt');
    expect((await mmsb('demo', '--dir', dir, '--pages', '8', '--updates', '2000', '--json')).code).toBe(0);
    const inspected = json<InspectReport>(await mmsb('inspect', '--dir', dir, '--json'));
    const segment = [...inspected.segments].sort((a, b) => b.bytes - a.bytes)[0];
    if (!segment) throw new Error('no log segment');
    const path = join(dir, 'tlog', segment.name);
    const fd = openSync(path, 'r+');
    const at = Math.floor(segment.bytes / 3);
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, at);
    byte[0] = (byte[0] ?? 0) ^ 0x40;
    writeSync(fd, byte, 0, 1, at);
    closeSync(fd);

    const inspectedAfter = await mmsb('inspect', '--dir', dir, '--json');
    expect(inspectedAfter.code, 'inspect exits 2 when the log scan meets corruption').toBe(2);
    expect((JSON.parse(inspectedAfter.stdout) as InspectReport).problems.join('\n')).toContain(segment.name);

    const ran = await mmsb('verify', '--dir', dir);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toContain('✗');
    expect(ran.stdout).toContain(segment.name);
    const asJson = await mmsb('verify', '--dir', dir, '--json');
    expect(asJson.code).toBe(2);
    const report = JSON.parse(asJson.stdout) as VerifyDirReport;
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(asJson.stderr).toMatch(/^mmsb: .* is corrupt/);

    const repaired = await mmsb('verify', '--dir', dir, '--repair', '--json');
    const after = JSON.parse(repaired.stdout) as VerifyDirReport;
    expect(after.repaired.length).toBeGreaterThan(0);
    expect(after.after?.ok).toBe(true);
    expect(repaired.code).toBe(0);
    expect((await mmsb('verify', '--dir', dir)).code).toBe(0);
  });
});

describe('errors', () => {
  test('inspect of a directory that is not an MMSB store is NOT_A_STORE', async () => {
    const dir = mkdtempSync(join(root, 'plain-'));
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    expectCleanError(await mmsb('inspect', '--dir', dir), 'NOT_A_STORE');
    expectCleanError(await mmsb('inspect', '--dir', join(root, 'missing')), 'NOT_A_STORE');
    expectCleanError(await mmsb('replay', '--dir', dir), 'NOT_A_STORE');
    expectCleanError(await mmsb('checkpoint', '--dir', join(root, 'missing')), 'NOT_A_STORE');
  });

  test('a missing --dir is a usage error', async () => {
    const ran = await mmsb('inspect');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('--dir');
  });

  test('every PageError code has its own exit status', () => {
    const statuses = Object.values(PAGE_ERROR_EXIT_CODES);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(statuses.every((s) => s > 2 && s < 64)).toBe(true);
  });
});
