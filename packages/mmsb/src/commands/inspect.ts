// `mmsb inspect`: what a data directory holds, read without taking its lock.
import { inspectStore } from '@mmsb/page';
import type { InspectReport } from '@mmsb/page';
import { formatBytes } from '../internal/format.js';

/** Reads the directory's page table, log segments and checkpoints; `NOT_A_STORE` if it is none. */
export async function inspectDir(dir: string): Promise<InspectReport> {
  return inspectStore(dir);
}

/** The inspect report as lines a person reads; lists at most `maxPages` pages. */
export function formatInspect(report: InspectReport, maxPages = 16): string {
  const r = report;
  const pageBytes = r.pages.reduce((sum, p) => sum + p.size, 0);
  const logBytes = r.segments.reduce((sum, s) => sum + s.bytes, 0);
  const byLocation = new Map<string, number>();
  for (const p of r.pages) byLocation.set(p.location, (byLocation.get(p.location) ?? 0) + 1);
  const locations = [...byLocation].map(([location, n]) => `${n} ${location}`).join(', ');
  const lines = [
    `mmsb inspect ${r.dir}`,
    `  last epoch   ${r.lastEpoch}${r.locked ? '   (locked: a writer holds this directory)' : ''}`,
    `  pages        ${r.pages.length} (${formatBytes(pageBytes)}${locations ? `; ${locations}` : ''})`,
  ];
  for (const p of r.pages.slice(0, maxPages)) {
    lines.push(`    #${String(p.id).padEnd(6)} ${formatBytes(p.size).padStart(10)}  ${p.location.padEnd(7)} changed at epoch ${p.epoch}`);
  }
  if (r.pages.length > maxPages) lines.push(`    … ${r.pages.length - maxPages} more (--json lists them all)`);
  lines.push(`  log          ${r.segments.length} segment(s), ${formatBytes(logBytes)}, epochs ${r.firstLogEpoch ?? '—'}–${r.lastEpoch}`);
  for (const s of r.segments) {
    lines.push(`    ${s.name.padEnd(28)} ${formatBytes(s.bytes).padStart(10)}  epochs ${s.firstEpoch ?? '—'}–${s.lastEpoch}`);
  }
  lines.push(`  checkpoints  ${r.checkpoints.length === 0 ? 'none' : r.checkpoints.length}`);
  for (const c of r.checkpoints) lines.push(`    epoch ${String(c.epoch).padEnd(10)} ${c.pages} pages, ${formatBytes(c.bytes)}`);
  if (r.problems.length > 0) {
    lines.push(`  CORRUPT      ${r.problems.length} problem(s); run \`mmsb verify --dir ${r.dir}\` for a full check`);
    for (const problem of r.problems) lines.push(`    ${problem}`);
  }
  return lines.join('\n');
}
