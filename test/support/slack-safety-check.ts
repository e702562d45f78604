import { afterAll, expect } from 'vitest';
import { FakeSlack } from './fake-slack.js';

/**
 * Set up for every test file (vitest.config.ts): whatever the file did, no requester text reached the fake
 * Slack as a live mention or link, in any message, update, view, topic or file comment Deskbell sent.
 */
afterAll(() => {
  const unsafe = [...FakeSlack.started].flatMap((slack) => slack.unsafe);
  expect(unsafe, 'requester text reached Slack unescaped').toEqual([]);
});
