// `mmsb verify`: check every checksum of a data directory — log records and checkpoints.
import { verifyStore } from '@mmsb/page';
import type { VerifyReport } from '@mmsb/page';

/** What `mmsb verify` found; with `repair`, `after` is a second check of the repaired directory. */
export interface VerifyDirReport extends VerifyReport {
  readonly dir: string;
  readonly after: VerifyReport | null;
}

/**
 * Verifies `dir`. With `repair`, what follows corruption is moved aside (the store's repair),
 * then the directory is verified again: `after` tells whether the repaired store is sound.
 */
export async function verifyDir(dir: string, options: { readonly repair?: boolean } = {}): Promise<VerifyDirReport> {
  const report = await verifyStore(dir, { repair: options.repair ?? false });
  const after = options.repair && report.repaired.length > 0 ? await verifyStore(dir, { repair: false }) : null;
  return { ...report, dir, after };
}

/** Whether the directory is sound now (after repair, when one ran). */
export function verifyPassed(report: VerifyDirReport): boolean {
  return (report.after ?? report).ok;
}

/** The verify report as lines a person reads. */
export function formatVerify(report: VerifyDirReport): string {
  const lines = [`mmsb verify ${report.dir}`];
  lines.push(`  log          ${report.records} records, last epoch ${report.lastEpoch}`);
  if (report.checkpoints.length === 0) lines.push('  checkpoints  none');
  for (const c of report.checkpoints) lines.push(`  checkpoint   epoch ${c.epoch}: ${c.ok ? 'ok' : `BAD — ${c.problem ?? 'unknown problem'}`}`);
  for (const p of report.problems) lines.push(`  ✗ ${p}`);
  for (const r of report.repaired) lines.push(`  repaired: ${r}`);
  if (report.after) {
    lines.push(report.after.ok ? `  ✓ after repair the directory verifies (last epoch ${report.after.lastEpoch})` : `  ✗ after repair problems remain:`);
    for (const p of report.after.problems) lines.push(`    ✗ ${p}`);
  } else if (report.ok) {
    lines.push('  ✓ every record and checkpoint checksum holds');
  } else {
    lines.push('  ✗ the directory is corrupt; `mmsb verify --repair` keeps what precedes the corruption and moves the rest aside');
  }
  return lines.join('\n');
}
