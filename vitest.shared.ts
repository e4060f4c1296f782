// The vitest settings every package shares: resolve workspace packages to their sources (the
// `@mmsb/source` export condition, ADR 0001) and write a JSON report that
// tools/scripts/test-summary.mjs sums into the run's closing line.
import { defineConfig } from 'vitest/config';
import type { ViteUserConfig } from 'vitest/config';

/** The vitest config of the package at `root`; `timeoutMs` bounds each test and hook. */
export function packageTestConfig(root: string, timeoutMs = 60_000): ViteUserConfig {
  return defineConfig({
    root,
    resolve: { conditions: ['@mmsb/source'] },
    test: {
      include: ['test/**/*.test.ts'],
      environment: 'node',
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
      testTimeout: timeoutMs,
      hookTimeout: timeoutMs,
    },
  });
}
