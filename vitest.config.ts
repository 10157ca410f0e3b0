import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // DynamoDB Local and s3rver are shared by every file; two workers keep both cores busy.
    pool: 'forks',
    maxWorkers: 2,
  },
});
