import path from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

/**
 * One vitest setup for every workspace package. Workspace packages resolve to their
 * TypeScript sources (the `source` export condition), so tests never run against a
 * stale `dist/`. With HOOKPOST_TEST_REPORT_DIR set, each package also writes a JSON
 * report there, which `.ci/run` sums into its closing totals line.
 */
export function sharedTestConfig(packageDir: string): ViteUserConfig {
  const reportDir = process.env.HOOKPOST_TEST_REPORT_DIR;
  const name = path.basename(packageDir);
  return {
    resolve: { conditions: ['source', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'], externalConditions: ['source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: reportDir ? ['default', 'json'] : ['default'],
      outputFile: reportDir ? { json: path.join(reportDir, `${name}.json`) } : {},
    },
  };
}
