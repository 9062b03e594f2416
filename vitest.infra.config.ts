import { defineConfig } from 'vitest/config';

// The CDK suite synthesizes and bundles every stack (about 90 s on 2 cores), so it runs on its own:
// `npm run test:infra`, and in CI through .ci/suites/infra.sh.
export default defineConfig({
  test: {
    name: 'infra',
    environment: 'node',
    include: ['apps/infra/tests/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
