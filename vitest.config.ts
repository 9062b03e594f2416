import { defineConfig } from 'vitest/config';

// `npm test` runs the unit, integration and API suites (and the benchmark's own helpers). Long suites
// (chaos, infrastructure, browser end-to-end, security) have their own scripts and config files so they never slow
// the default run.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/tests/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/tests/**/*.test.ts',
            'chaos/**/*.test.ts',
            'sim/**/*.test.ts',
            'bench/**/*.test.ts',
            'tests/**/*.test.ts',
          ],
          exclude: [
            'apps/web/**',
            'apps/infra/**',
            '**/node_modules/**',
            '**/*.e2e.test.ts',
            '**/*.chaos.test.ts',
            '**/*.security.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['apps/web/src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.e2e.test.ts'],
        },
      },
    ],
  },
});
