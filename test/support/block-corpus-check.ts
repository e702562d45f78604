import { afterAll, expect } from 'vitest';
import { readCorpus, recordSamples, samplesOf } from './block-kinds.js';
import { FakeSlack } from './fake-slack.js';

/**
 * Set up for every test file (vitest.config.ts): every kind of Block Kit this file made Deskbell send has a sample
 * in test/fixtures/slack-blocks/, which test/sandbox-blocks.test.ts draws on the sandbox page. A new kind fails
 * here until it is recorded: `RECORD_SLACK_BLOCKS=1 npx vitest run <this file>` adds it (then check the page draws
 * it and commit the sample).
 */
afterAll(() => {
  const calls = [...FakeSlack.started].flatMap((slack) => slack.calls);
  if (!calls.length) return;
  const known = new Set(readCorpus().map((s) => s.kind));
  const missing = samplesOf(calls).filter((s) => !known.has(s.kind));
  if (process.env.RECORD_SLACK_BLOCKS) {
    if (missing.length) recordSamples(expect.getState().testPath ?? 'unknown.test.ts', missing);
    return;
  }
  expect(
    missing.map((s) => s.kind),
    'kinds of Block Kit without a sample for the sandbox page (RECORD_SLACK_BLOCKS=1 adds them)',
  ).toEqual([]);
});
