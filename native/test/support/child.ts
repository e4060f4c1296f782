// Runs a snippet of ESM in a fresh node process that can import the package's TypeScript sources
// (through ts-hooks.mjs), with extra environment variables: for loader behaviour that is decided
// once per process (MMSB_NATIVE, MMSB_GPU) and for cross-process mmap.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** file: URL of src/index.ts, for `import(...)` inside a snippet. */
export const INDEX_URL = pathToFileURL(join(here, '..', '..', 'src', 'index.ts')).href;

/** Output of a child run. */
export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `source` as an ES module; `env` is added to this process's environment. */
export function runChild(source: string, env: Record<string, string | undefined> = {}): ChildResult {
  const r = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(join(here, 'ts-hooks.mjs')).href, '--input-type=module', '-e', source],
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
