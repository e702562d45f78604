import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnceKeys } from '../src/db/once-keys.js';
import { uploadSummaryCharts } from '../src/slack/summary-post.js';
import { CARD_EVENT_TYPE } from '../src/slack/cards.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

/** Claims last 1.5 s here (60 s in production): Slack below answers in 5 s, more than three claims long. */
const CLAIM_MS = 1500;
const SLOW_MS = 5000;

/**
 * Issue 20, item 7: a call that outlives its claim (an upload, a post to a slow Slack) keeps the claim, so the
 * other process, polling all along, never runs the same effect a second time.
 */
describe('claims held across slow calls', { timeout: 60_000 }, () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET };
    a = await startTestApp({ label: 'claims', claimMs: CLAIM_MS, env });
    b = await startTestApp({ db: a.db, slack: a.slack, claimMs: CLAIM_MS, env });
  });
  afterAll(async () => {
    await b?.stop({ keepDb: true });
    await a?.stop();
  });

  it('keeps an effect claimed while it waits on a slow Slack: the other process never takes it over', async () => {
    a.slack.slow('chat.postMessage', SLOW_MS);
    try {
      const ticket = { subject: 'Slow Slack', body: 'A slow card.', requester: { email: 'slow@example.com' } };
      const res = await sendWebhook(a.url, ticket);
      const { id } = (await res.json()) as { id: string };
      // Every holder the intake has while it runs (one each process that claims it): the claim is on the ticket.
      const owners = new Set<string>();
      await waitFor(
        async () => {
          const held = await a.app.context.models.Ticket.findById(id).lean();
          if (held?.intake?.owner) owners.add(String(held.intake.owner));
          return held?.card?.ts;
        },
        'the card, posted slowly',
        30_000,
      );
      await settled([a.app, b.app]);
      expect(owners.size).toBe(1);
      const cards = a.slack.messages.filter(
        (m) => m.metadata?.event_type === CARD_EVENT_TYPE && m.metadata.event_payload.ticket_id === id,
      );
      expect(cards).toHaveLength(1);
      // Posted under the intake's claim: no record of its own, and no stale claim left behind.
      expect(await a.app.context.models.Delivery.findById(OnceKeys.card(id)).lean()).toBeNull();
      const done = await a.app.context.models.Ticket.findById(id).lean();
      expect(done?.intake?.owner).toBeUndefined();
      expect(done?.intake?.deadline).toBeUndefined();
    } finally {
      a.slack.slow('chat.postMessage', 0);
    }
  });

  it('keeps a once-only upload claimed while its bytes crawl: a second claimer does not upload it again', async () => {
    a.slack.slow('upload', SLOW_MS);
    try {
      const files = [{ filename: 'week.png', title: 'The week', bytes: Buffer.from('png bytes') }];
      const comment = 'Charts of a slow week.';
      const first = uploadSummaryCharts(a.app.context, 'slow-summary', files, comment);
      const arrived = () => [...a.slack.uploads.values()].some((f) => f.filename === 'week.png' && f.bytes);
      await waitFor(arrived, 'the bytes at Slack');
      // The first holder is still waiting for Slack's answer, well past its claim's first deadline.
      await new Promise((r) => setTimeout(r, 2 * CLAIM_MS));
      await uploadSummaryCharts(b.app.context, 'slow-summary', files, comment);
      await first;
      expect(a.slack.filesIn('CSUPPORT1').filter((f) => f.initialComment === comment)).toHaveLength(1);
      const asked = a.slack.callsTo('files.getUploadURLExternal').filter((c) => c.args.filename === 'week.png');
      expect(asked).toHaveLength(1);
      const delivery = await a.app.context.models.Delivery.findById(OnceKeys.summaryCharts('slow-summary')).lean();
      expect(delivery).toMatchObject({ state: 'done', attempts: 1 });
    } finally {
      a.slack.slow('upload', 0);
    }
  });
});
