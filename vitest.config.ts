import { defineConfig } from 'vitest/config';
import { HANG_MS } from './tests/support/wait.ts';

export default defineConfig({
  test: {
    // One deadline for every test and hook, long enough to catch only a hang: tests wait for
    // conditions (tests/support/wait.ts), and none is sized to the speed of a machine.
    testTimeout: HANG_MS,
    hookTimeout: HANG_MS,
    teardownTimeout: HANG_MS,
    // Two workers keep both cores busy; a file that needs emulators starts its own
    // (tests/support/aws.ts).
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['tests/infra/**/*.test.ts'],
          // Pure synth tests: one import of aws-cdk-lib and one default synth per worker,
          // instead of one per file.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'product',
          include: [
            'tests/unit/**/*.test.ts',
            'tests/contract/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'tests/reliability/**/*.test.ts',
          ],
        },
      },
    ],
  },
});
