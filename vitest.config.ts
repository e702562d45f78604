import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Every file ends by checking that no requester text reached the fake Slack unescaped, and that the sandbox
    // page has a sample of every kind of Block Kit it sent (test/support/block-corpus-check.ts).
    setupFiles: ['test/support/slack-safety-check.ts', 'test/support/block-corpus-check.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files in parallel share one database server, each with its own database name.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
