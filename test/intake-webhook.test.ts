import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OnceKeys } from '../src/db/once-keys.js';
import { storedWithCard } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import { sendWebhook, ticketIdOf, WEBHOOK_SECRET, type IntakeAnswer, type InvalidAnswer } from './support/webhooks.js';

const ticket = (over: Record<string, unknown> = {}) => ({
  subject: 'Export fails for large workspaces',
  body: 'Every export over 10k rows fails with an API error.',
  requester: { email: 'Ada@Example.com', name: 'Ada Lovelace' },
  ...over,
});

describe('webhook intake', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    t = await startTestApp({
      label: 'webhook',
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: 'help@acme.test',
        INTAKE_MAX_BODY_BYTES: '4096',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });
  beforeEach(() => {
    t.slack.clearFailures();
    smtp.down = false;
  });

  const count = () => t.app.context.models.Ticket.countDocuments();
  const cardsFor = (key: string) =>
    t.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && String(c.args.text).startsWith(`${key} `));

  it('creates a ticket, posts one card and sends one acknowledgement', async () => {
    const res = await sendWebhook(t.url, ticket({ metadata: { plan: 'enterprise', seats: 40 } }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as IntakeAnswer;
    expect(body.ticket).toMatch(/^SUP-\d+$/);

    const stored = await t.app.context.models.Ticket.findById(body.id).lean();
    expect(stored).toMatchObject({
      key: body.ticket,
      source: 'webhook',
      status: 'new',
      suggestedPriority: 'P1',
      requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
    });

    const card = await t.slack.waitFor(() => cardsFor(body.ticket)[0], 10_000, 'card');
    expect(card.args.channel).toBe('CSUPPORT1');
    expect(card.args.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: `${body.ticket} · Export fails for large workspaces` },
    });
    const json = JSON.stringify(card.args.blocks);
    expect(json).toContain('suggested:');
    expect(json).toContain('enterprise');
    expect(json).toContain('ticket_set_priority');
    expect(json).toContain('ticket_assign');
    expect(json).toContain('ticket_escalate');

    const ack = await smtp.waitFor((m) => m.subject === `[${body.ticket}] Export fails for large workspaces`);
    expect(ack.to && 'text' in ack.to ? ack.to.text : '').toContain('ada@example.com');
    expect(ack.from?.text).toContain('help@acme.test');
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.text).toContain('2 h');

    await storedWithCard(t.app, body.id);
    expect(cardsFor(body.ticket)).toHaveLength(1);
  });

  it('a replayed webhook-id or externalId returns the same ticket with 200 and no second card', async () => {
    const first = await sendWebhook(t.url, ticket({ externalId: 'ZD-77' }), { id: 'msg_replay_1' });
    expect(first.status).toBe(201);
    const { ticket: key, id } = (await first.json()) as IntakeAnswer;
    const again = await sendWebhook(t.url, ticket({ externalId: 'ZD-77' }), { id: 'msg_replay_1' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ticket: key, id });
    const sameExternal = await sendWebhook(
      t.url,
      ticket({ externalId: 'ZD-77', subject: 'retried from the other system' }),
      { id: 'msg_replay_2' },
    );
    expect(sameExternal.status).toBe(200);
    expect(((await sameExternal.json()) as IntakeAnswer).ticket).toBe(key);
    await t.slack.waitFor(() => cardsFor(key)[0], 10_000, 'card');
    await settled(t.app);
    expect(cardsFor(key)).toHaveLength(1);
    expect(await t.app.context.models.Ticket.countDocuments({ externalId: 'ZD-77' })).toBe(1);
    expect(smtp.messages.filter((m) => m.subject?.startsWith(`[${key}]`))).toHaveLength(1);
  });

  it('concurrent duplicates make one ticket', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => sendWebhook(t.url, ticket({ externalId: 'RACE-1' }), { id: 'msg_race' })),
    );
    const keys = await Promise.all(results.map(async (r) => ((await r.json()) as IntakeAnswer).ticket));
    expect(new Set(keys).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await t.app.context.models.Ticket.countDocuments({ externalId: 'RACE-1' })).toBe(1);
  });

  it('rejects bad input with the right status and writes nothing', async () => {
    const before = await count();
    const keysBefore = await t.app.context.models.IdempotencyKey.countDocuments();

    const invalid = await sendWebhook(t.url, {
      subject: '',
      body: 3,
      requester: { email: 'not-an-email' },
      priority: 'P9',
    });
    expect(invalid.status).toBe(400);
    const details = ((await invalid.json()) as InvalidAnswer).details.map((d) => d.field);
    expect(details).toEqual(expect.arrayContaining(['subject', 'body', 'requester.email', 'priority']));

    expect(
      (
        await sendWebhook(t.url, ticket(), {
          secret: `whsec_${Buffer.from('another secret entirely').toString('base64')}`,
        })
      ).status,
    ).toBe(401);
    expect((await sendWebhook(t.url, ticket(), { omit: ['webhook-signature'] })).status).toBe(401);
    expect((await sendWebhook(t.url, ticket(), { timestamp: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    expect((await sendWebhook(t.url, ticket({ body: 'x'.repeat(5000) }))).status).toBe(413);
    expect((await sendWebhook(t.url, 'subject=hi', { contentType: 'application/x-www-form-urlencoded' })).status).toBe(
      415,
    );
    expect((await sendWebhook(t.url, '{"subject": ', {})).status).toBe(415);

    expect(await count()).toBe(before);
    expect(await t.app.context.models.IdempotencyKey.countDocuments()).toBe(keysBefore);
  });

  it('keeps the ticket while Slack fails and posts exactly one card once it recovers', async () => {
    // The failures below go to the next chat.postMessage calls, whoever makes them: earlier tests' work must be done.
    await settled([t.app]);
    t.slack.fail('chat.postMessage', { status: 500 }, 2);
    t.slack.fail('chat.postMessage', { status: 429, retryAfter: 0 }, 1);
    // The last failure posts the card in Slack and then drops the connection: the card is there, the app does not know.
    t.slack.fail('chat.postMessage', { networkAfterEffect: true }, 1);
    const res = await sendWebhook(t.url, ticket({ subject: 'Slack outage ticket' }));
    expect(res.status).toBe(201);
    const { ticket: key, id } = (await res.json()) as IntakeAnswer;
    const stored = await storedWithCard(t.app, id);
    const attempts = t.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && ticketIdOf(c.args) === id);
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    // The card reached Slack on the dropped attempt: the retry found it (conversations.history) instead of posting again.
    const posted = t.slack.messages.filter((m) => !m.thread_ts && ticketIdOf(m) === id);
    expect(posted).toHaveLength(1);
    expect(t.slack.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(stored.card).toMatchObject({ channel: posted[0]!.channel, ts: posted[0]!.ts });
    expect(attempts).toHaveLength(4);
    expect(key).toMatch(/^SUP-/);
  });

  it('a card Slack took under the intake claim while its answer was lost is found by its retry, not posted again', async () => {
    await settled([t.app]);
    // The intake posts without a once-only record of its own; the failure leaves one saying it may have reached.
    t.slack.fail('chat.postMessage', { networkAfterEffect: true }, 1);
    const res = await sendWebhook(t.url, ticket({ subject: 'Lost answer ticket' }));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as IntakeAnswer;
    const stored = await storedWithCard(t.app, id);
    const posted = t.slack.messages.filter((m) => !m.thread_ts && ticketIdOf(m) === id);
    expect(posted).toHaveLength(1);
    expect(stored.card).toMatchObject({ ts: posted[0]!.ts });
    const attempts = t.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && ticketIdOf(c.args) === id);
    expect(attempts).toHaveLength(1);
    expect(await t.app.context.models.Delivery.findById(OnceKeys.card(id)).lean()).toMatchObject({ state: 'done' });
    expect(stored.intake?.owner).toBeUndefined();
  });

  it('escapes a requester trying to ping the channel', async () => {
    const res = await sendWebhook(
      t.url,
      ticket({
        subject: 'Hey <!channel> look',
        body: 'Ping <!here> and @channel and <@U123> and <https://evil.test|click>',
        requester: { email: 'mallory@example.com', name: '<!everyone>' },
      }),
    );
    const { id } = (await res.json()) as IntakeAnswer;
    await storedWithCard(t.app, id);
    const msg = t.slack.messages.find((m) => ticketIdOf(m) === id)!;
    // Headers are plain_text, which Slack never parses for mentions; everything mrkdwn must be escaped.
    const json = JSON.stringify(msg.blocks!.slice(1)) + msg.text;
    expect(JSON.stringify(msg.blocks![0])).toContain('Hey <!channel> look');
    expect(json).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U123>|<https:\/\/evil/);
    expect(json).toContain('&lt;!here&gt;');
    expect(json).not.toMatch(/(^|[^\u2060])@channel/);
  });
});
