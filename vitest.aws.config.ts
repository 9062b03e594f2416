import { defineConfig } from 'vitest/config';

// The AWS emulator suite: the synthesized region deployed into moto_server, its bundled functions run
// as Lambda would run them (`npm run test:aws`; CI runs it through .ci/suites/aws.sh). Test files run one
// after another: each starts its own moto and the machine has two cores.
export default defineConfig({
  test: {
    name: 'aws',
    environment: 'node',
    include: ['emulator/**/*.test.ts'],
    globalSetup: ['emulator/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
