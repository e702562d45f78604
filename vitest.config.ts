import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Every file ends by checking that no requester text reached the fake Slack unescaped.
    setupFiles: ['test/support/slack-safety-check.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files in parallel share one database server, each with its own database name.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
