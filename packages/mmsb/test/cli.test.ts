import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { doctorReport, formatDoctorReport } from '../src/index.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');

describe('mmsb doctor', () => {
  test('the report names the runtime and whether native kernels loaded', () => {
    const report = doctorReport();
    expect(report.node).toBe(process.version);
    expect(typeof report.native.native).toBe('boolean');
    if (!report.native.native) expect(report.native.reason).toMatch(/\S/);
    const text = formatDoctorReport(report);
    expect(text).toContain(process.version);
    expect(text).toContain(report.native.simd);
  });

  test('the built command prints JSON with --json', async () => {
    expect(existsSync(cli), 'build mmsb first (npm run build)').toBe(true);
    const { stdout } = await run(process.execPath, [cli, 'doctor', '--json']);
    const parsed = JSON.parse(stdout) as { node: string; native: { native: boolean } };
    expect(parsed.node).toBe(process.version);
    expect(typeof parsed.native.native).toBe('boolean');
  });

  test('MMSB_NATIVE=0 makes the built command report the pure-TS kernels and why', async () => {
    const { stdout } = await run(process.execPath, [cli, 'doctor', '--json'], { env: { ...process.env, MMSB_NATIVE: '0' } });
    const parsed = JSON.parse(stdout) as { native: { native: boolean; reason: string | null; simd: string } };
    expect(parsed.native.native).toBe(false);
    expect(parsed.native.reason).toMatch(/MMSB_NATIVE/);
    expect(parsed.native.simd).toBe('scalar');
  });

  test('an unknown command exits non-zero and shows help', async () => {
    await expect(run(process.execPath, [cli, 'no-such-command'])).rejects.toMatchObject({ code: 1 });
  });
});
