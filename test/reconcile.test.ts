import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeAgentMail } from '../src/domain/agent-mail.js';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { createTicket } from '../src/domain/tickets.js';
import { reconcileOutbox } from '../src/flows/reconcile.js';
import { storedTicket, storedWithCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';

/** The safety net behind "persist first": work whose job was never saved (a crash) is found and done once. */
describe('outbox reconcile', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new ManualClock(new Date('2026-05-04T10:00:00Z'));
  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    t = await startTestApp({ label: 'reconcile', clock, env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  it('posts the card of a ticket stored without its card job, once', async () => {
    const { Ticket } = t.app.context.models;
    const ticket = await storedTicket(t.app, 99001, {
      requester: { email: 'orphan@example.com' },
      subject: 'Stored just before a crash',
    });
    clock.advance(60_000);
    await Promise.all([reconcileOutbox(t.app.context), reconcileOutbox(t.app.context)]);
    await storedWithCard(t.app, ticket.id);
    expect((await Ticket.findById(ticket.id).lean())?.card?.ts).toBeTruthy();
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(
      t.slack.messages.filter((m) => (m.metadata?.event_payload as { ticket_id?: string })?.ticket_id === ticket.id),
    ).toHaveLength(1);
  });

  it('queues a reply mail whose ticket change was stored but whose outbox entry was not', async () => {
    const { Ticket, OutboundMail } = t.app.context.models;
    const ticket = await storedTicket(t.app, 99002, {
      source: 'email',
      requester: { email: 'lost-mail@example.com' },
      subject: 'Reply lost in a crash',
      email: { messageIds: ['<orig@example.com>'], lastMessageId: '<orig@example.com>' },
    });
    // What changeTicket stores for agentReply, written directly: the process died before queueing the mail.
    const mail = composeAgentMail(
      t.app.context,
      ticket,
      { type: 'user', id: 'UAGENT1', name: 'Agent' },
      { id: 'reply.SUP-99002.crash', kind: 'reply', body: 'We are on it.' },
    );
    await Ticket.updateOne(
      { _id: ticket._id },
      {
        $push: {
          timeline: {
            at: clock.now(),
            actor: { type: 'user', id: 'UAGENT1' },
            kind: 'agent_reply',
            text: 'Replied by {actor}',
            data: { quote: 'We are on it.', mailId: mail.id, mail },
          },
        },
        $set: { updatedAt: clock.now() },
      },
    );
    expect(await OutboundMail.countDocuments({ _id: 'reply.SUP-99002.crash' })).toBe(0);
    clock.advance(60_000);
    await Promise.all([reconcileOutbox(t.app.context), reconcileOutbox(t.app.context)]);
    const received = await smtp.waitFor((m) => m.subject === '[SUP-99002] Reply lost in a crash');
    expect(received.inReplyTo).toBe('<orig@example.com>');
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(smtp.messages.filter((m) => m.subject === '[SUP-99002] Reply lost in a crash')).toHaveLength(1);
  });

  it('sends a 75 % reminder DM whose job was lost after its event was stored, once', async () => {
    const ticket = await storedTicket(t.app, 99003, {
      requester: { email: 'dm@example.com' },
      subject: 'Warned but never told',
      priority: 'P1',
      assignee: 'UASSIGNEE9',
    });
    const facts = {
      target: 'response',
      stage: 'warn',
      dueAt: new Date(clock.now().getTime() + 1800_000),
      priority: 'P1',
      targetText: '2 h',
      warnPercent: 75,
      assignee: 'UASSIGNEE9',
    };
    await changeTicket(t.app.context, ticket.id, { actor: { type: 'system' } }, (_doc, record) =>
      record({ kind: 'sla_warning', text: 'warned', data: { sla: facts }, notify: false }),
    );
    clock.advance(60_000);
    await Promise.all([reconcileOutbox(t.app.context), reconcileOutbox(t.app.context)]);
    const dms = () => t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'UASSIGNEE9');
    await t.slack.waitFor(() => dms()[0], 10_000, 'the reminder DM');
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(dms()).toHaveLength(1);
  });

  it('sends the "you were assigned" DM whose job was lost after the assignment was stored, once', async () => {
    const { ticket } = await createTicket(t.app.context, {
      source: 'webhook',
      requester: { email: 'assign@example.com' },
      subject: 'Assigned before a crash',
      body: 'x',
      idempotencyKeys: ['reconcile-assign'],
      acknowledge: false,
    });
    await storedWithCard(t.app, ticket.id);
    // The change as assignTicket makes it, minus the DM job that would follow the save.
    await changeTicket(t.app.context, ticket.id, { actor: { type: 'user', id: 'ULEAD0001' } }, (doc, record) => {
      doc.assignee = 'UNEWOWNER1';
      record({
        kind: 'assigned',
        text: 'Assigned to <@UNEWOWNER1> by {actor}',
        data: { assignee: 'UNEWOWNER1', previous: null },
        notify: true,
      });
    });
    clock.advance(60_000);
    await Promise.all([reconcileOutbox(t.app.context), reconcileOutbox(t.app.context)]);
    const dms = () => t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'UNEWOWNER1');
    const dm = await t.slack.waitFor(() => dms()[0], 10_000, 'the assignee DM');
    expect(String(dm.args.text)).toContain('SUP-');
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(dms()).toHaveLength(1);
  });
});
