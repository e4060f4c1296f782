// A one-line progress bar on stderr, drawn only when stderr is a terminal and the command is not
// printing JSON, so pipes, logs and tests never see it. No dependency: a carriage return, a bar
// and a clear at the end are all it takes.
import type { ProgressCallback } from '@mmsb/page';

/** A progress reporter: `update` as work advances, `done` to clear the line. */
export interface Progress {
  readonly update: ProgressCallback;
  done(): void;
}

const silent: Progress = { update: () => undefined, done: () => undefined };

/** Whether a bar should be drawn: stderr is a TTY and the output is not JSON. */
export function progressWanted(json: boolean | undefined): boolean {
  return !json && process.stderr.isTTY === true;
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/**
 * A bar labelled `label`, redrawn at most every 80 ms; a no-op when `enabled` is false.
 * `update(done, total, what)` follows the store's {@link ProgressCallback}.
 */
export function progressBar(label: string, enabled: boolean): Progress {
  if (!enabled) return silent;
  const stream = process.stderr;
  const width = 28;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, what) {
      const now = performance.now();
      if (drawn && now - last < 80 && done < total) return;
      last = now;
      drawn = true;
      const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      const line = `${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatCount(done)}/${formatCount(total)} ${what}`;
      const columns = stream.columns > 0 ? stream.columns - 1 : 100;
      stream.write(`\r${line.slice(0, columns)}\x1b[K`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
