import { defineConfig } from 'vitest/config';

// The security suite: thousands of hostile requests generated from the OpenAPI document, the
// authorization matrix, the front door's edge cases and the reported holes, each file against its own
// platform. It runs on its own (`npm run test:security`, and in CI through .ci/suites/security.sh);
// files run one after another, so that one file's flooding does not slow another's timings.
export default defineConfig({
  test: {
    name: 'security',
    environment: 'node',
    include: ['apps/local/tests/security/**/*.security.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
