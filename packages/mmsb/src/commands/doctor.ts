import { cpus, totalmem } from 'node:os';
import { physicalCapabilities } from '@mmsb/physical';
import type { NativeCapabilities } from '@mmsb/physical';

/** What `mmsb doctor` reports: the runtime, and what the native layer can do here. */
export interface DoctorReport {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly native: NativeCapabilities;
  readonly env: { readonly MMSB_NATIVE: string | null; readonly MMSB_GPU: string | null };
}

/** Collects the doctor report; reads the environment, changes nothing. */
export function doctorReport(): DoctorReport {
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    native: physicalCapabilities(),
    env: { MMSB_NATIVE: process.env['MMSB_NATIVE'] ?? null, MMSB_GPU: process.env['MMSB_GPU'] ?? null },
  };
}

const mark = (ok: boolean): string => (ok ? '✓' : '·');

/** The report as lines a person reads; each missing capability says how to get it. */
export function formatDoctorReport(report: DoctorReport): string {
  const n = report.native;
  const gib = (report.memoryBytes / 2 ** 30).toFixed(1);
  const lines = [
    `mmsb doctor`,
    `  runtime      Node ${report.node} on ${report.platform}/${report.arch}, ${report.cores} × ${report.cpu}, ${gib} GiB`,
    `  ${mark(n.native)} native     ${n.native ? `loaded from ${n.binaryPath ?? '?'}` : `not loaded — using the pure-TS kernels`}`,
  ];
  if (!n.native && n.reason) lines.push(`               ${n.reason}`);
  lines.push(
    `  ${mark(n.simd !== 'scalar')} simd       ${n.simd}`,
    `  ${mark(n.crc32cHardware)} crc32c     ${n.crc32cHardware ? 'hardware (SSE4.2 crc32)' : 'table-driven'}`,
    `  ${mark(n.cudaCompiled)} cuda       ${n.cudaCompiled ? 'kernels compiled' : 'not compiled (no CUDA toolkit at build time)'}`,
    `  ${mark(n.devices.length > 0)} devices    ${
      !n.gpuAllowed ? 'forbidden by MMSB_GPU=0' : n.devices.length === 0 ? 'none found — the CPU path runs' : n.devices.map((d) => `#${d.index} ${d.name} (sm ${d.computeCapability}, ${(d.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB)`).join(', ')
    }`,
  );
  return lines.join('\n');
}
