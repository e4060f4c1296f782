// Proves that the layer rule of DESIGN.md §1 is enforced by the lint, not just written down:
// forbidden imports are added to a scratch copy of the workspace and eslint must reject each.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const workspace = join(import.meta.dirname, '..', '..');
const skipped = new Set(['node_modules', '.git', 'dist', 'out-tsc', '.nx', 'build', 'results', 'coverage', '.mmsb']);

interface EslintMessage {
  ruleId: string | null;
  message: string;
}
interface EslintFileResult {
  filePath: string;
  messages: EslintMessage[];
}

/** One import added to one package's index.ts in the scratch copy. */
interface ImportCase {
  from: string;
  file: string;
  importOf: string;
  allowed: boolean;
}

const cases: ImportCase[] = [
  { from: 'physical (layer 0) → page (layer 1)', file: 'packages/physical/src/index.ts', importOf: '@mmsb/page', allowed: false },
  { from: 'dag (layer 3) → propagation (layer 4)', file: 'packages/dag/src/index.ts', importOf: '@mmsb/propagation', allowed: false },
  { from: 'planning (layer 9) → native', file: 'packages/planning/src/index.ts', importOf: '@mmsb/native', allowed: false },
  { from: 'the façade (top) → native', file: 'packages/mmsb/src/index.ts', importOf: '@mmsb/native', allowed: false },
  { from: 'agents (layer 11) → propagation (layer 4)', file: 'packages/agents/src/index.ts', importOf: '@mmsb/propagation', allowed: true },
  { from: 'semiring (layer 2) → native', file: 'packages/semiring/src/index.ts', importOf: '@mmsb/native', allowed: true },
];

let scratch = '';

/**
 * Shares the installed dependencies with the scratch copy, except the workspace's own packages:
 * those must resolve inside the scratch copy or Nx would not recognise them as projects.
 */
function linkDependencies(root: string): void {
  const source = join(workspace, 'node_modules');
  const target = join(root, 'node_modules');
  mkdirSync(join(target, '@mmsb'), { recursive: true });
  for (const entry of readdirSync(source)) {
    if (entry === '@mmsb' || entry === 'mmsb') continue;
    symlinkSync(join(source, entry), join(target, entry));
  }
  for (const layer of readdirSync(join(source, '@mmsb'))) {
    symlinkSync(realpathSync(join(source, '@mmsb', layer)).replace(workspace, root), join(target, '@mmsb', layer));
  }
  symlinkSync(join(root, 'packages', 'mmsb'), join(target, 'mmsb'));
}
const results = new Map<string, EslintMessage[]>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'mmsb-boundaries-'));
  cpSync(workspace, scratch, {
    recursive: true,
    filter: (src) => !skipped.has(src.split('/').pop() ?? ''),
  });
  linkDependencies(scratch);
  for (const c of cases) {
    const binding = `boundaryProbe${cases.indexOf(c)}`;
    appendFileSync(join(scratch, c.file), `\nimport * as ${binding} from '${c.importOf}';\nexport { ${binding} };\n`);
  }
  const files = cases.map((c) => c.file);
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  // The rule reads Nx's cached project graph and silently skips itself without one, so the
  // scratch workspace gets its own graph first.
  await run(join(workspace, 'node_modules', '.bin', 'nx'), ['show', 'projects'], { cwd: scratch, env });
  const eslint = join(workspace, 'node_modules', '.bin', 'eslint');
  const report = join(scratch, 'eslint-report.json');
  try {
    await run(eslint, ['--format', 'json', '--output-file', report, ...files], {
      cwd: scratch,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // eslint exits 1 when it reports errors, which is what most cases expect; 2 is a crash.
    if ((error as { code?: number }).code !== 1) throw error;
  }
  for (const result of JSON.parse(readFileSync(report, 'utf8')) as EslintFileResult[]) {
    results.set(relative(scratch, result.filePath), result.messages);
  }
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the layer rule is enforced by eslint', () => {
  for (const c of cases) {
    test(`${c.allowed ? 'accepts' : 'rejects'} an import from ${c.from}`, () => {
      const messages = results.get(c.file);
      expect(messages, `eslint reported nothing for ${c.file}`).toBeDefined();
      const boundary = (messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
      if (c.allowed) {
        expect(messages).toEqual([]);
      } else {
        expect(boundary.length).toBeGreaterThan(0);
        // An upward import into a layer that already depends on the importer is also a cycle, and
        // Nx reports the cycle instead of the tag; either way the rule rejects it.
        expect(boundary.map((m) => m.message).join('\n')).toMatch(/can only depend on libs tagged with|Circular dependency/);
      }
    });
  }
});
