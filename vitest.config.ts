import { defineConfig } from 'vitest/config';
import { HANG_MS } from './tests/support/wait.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // One deadline for every test and hook, long enough to catch only a hang: tests wait for
    // conditions (tests/support/wait.ts), and none is sized to the speed of a machine.
    testTimeout: HANG_MS,
    hookTimeout: HANG_MS,
    teardownTimeout: HANG_MS,
    // DynamoDB Local and s3rver are shared by every file; two workers keep both cores busy.
    pool: 'forks',
    maxWorkers: 2,
  },
});
