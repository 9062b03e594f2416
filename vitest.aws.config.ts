import { defineConfig } from 'vitest/config';

// The AWS emulator suite: the synthesized region deployed into moto_server, its bundled functions run
// as Lambda would run them (`npm run test:aws`; CI runs it through .ci/suites/aws.sh). Each test file
// starts its own moto; two run at a time (much of a saga's time is waiting: retries, a slow provider).
export default defineConfig({
  test: {
    name: 'aws',
    environment: 'node',
    include: ['emulator/**/*.test.ts'],
    globalSetup: ['emulator/global-setup.ts'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
