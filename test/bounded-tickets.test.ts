import { MAX_TIMELINE_EVENTS } from '../src/domain/timeline-cap.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { BSON } from 'mongodb';
import type { Transporter } from 'nodemailer';
import { ATTACHMENT_BUCKET } from '../src/db/models/attachment.js';
import { attachmentContent } from '../src/intake/email-attachments.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { SmtpSink } from './support/smtp-sink.js';

const SUPPORT = 'help@acme.test';
const MB = 1024 * 1024;

/**
 * Issue 10, item 4: a ticket stays far below MongoDB's 16 MB document limit however much mail it gets.
 * A ticket with 2,000 replies takes one more, with a 20,000-character text and a 20 MB attachment, over
 * real SMTP: 250, stored, the card re-rendered; the whole text and the file's contents live outside it.
 */
describe('bounded tickets', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let client: Transporter;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({
      label: 'bounded',
      env: {
        SMTP_URL: sink.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        MAIL_INBOUND_PORT: '0',
        MAIL_MAX_BYTES: String(40 * MB),
        ATTACHMENT_KEEP_MAX_BYTES: String(25 * MB),
      },
    });
    client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.smtpPort,
      secure: false,
      ignoreTLS: true,
      socketTimeout: 120_000,
    });
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await t?.stop();
    await sink?.stop();
  });

  it('a ticket with 2,000 replies still takes a reply with a 20 MB attachment: 250, stored, card rendered', async () => {
    const models = t.app.context.models;
    const messageId = `<bounded.${Date.now()}@example.com>`;
    await client.sendMail({
      from: 'Ada <ada@example.com>',
      to: SUPPORT,
      subject: 'Long story',
      text: 'It started on Monday.',
      messageId,
    });
    const ticket = (await models.Ticket.findOne({ 'email.messageIds': messageId }).lean())!;
    const ack = await sink.waitFor((m) => m.inReplyTo === messageId);

    // 1,999 earlier replies as Deskbell stores them (a quote of at most 2,800 characters each, files listed
    // on their event, the ticket's own lists capped), written at once rather than mailed one by one.
    const quote = 'The export still fails. '.repeat(200).slice(0, 2_800);
    const events = Array.from({ length: 1_999 }, (_, i) => ({
      at: new Date(),
      actor: { type: 'requester', id: 'ada@example.com' },
      kind: 'requester_reply',
      text: ':envelope_with_arrow: Reply from {actor}',
      data: {
        quote,
        messageId: `<r${i}@example.com>`,
        matchedBy: 'thread',
        attachments: [{ filename: `log-${i}.txt`, contentType: 'text/plain', size: 1000, stored: true }],
      },
      notify: true,
      dedupeKey: `email:msgid:<r${i}@example.com>`,
      slackTs: `1700000000.${String(i).padStart(6, '0')}`,
    }));
    for (let i = 0; i < events.length; i += 500)
      await models.Ticket.collection.updateOne({ _id: ticket._id }, {
        $push: { timeline: { $each: events.slice(i, i + 500) } },
      } as never);
    await models.Ticket.collection.updateOne({ _id: ticket._id }, {
      $push: {
        'email.messageIds': { $each: events.slice(0, 198).map((e) => e.data.messageId) },
        attachments: { $each: events.slice(0, 100).map((e) => e.data.attachments[0]) },
      },
    } as never);

    const updatesBefore = t.slack.callsTo('chat.update').length;
    const big = Buffer.alloc(20 * MB, 7);
    const text = `Here is the full dump.\n${'All rows are empty after row 10000. '.repeat(560)}`.slice(0, 20_000);
    const info = await client.sendMail({
      from: 'Ada <ada@example.com>',
      to: SUPPORT,
      subject: `Re: [${ticket.key}] Long story`,
      inReplyTo: ack.messageId,
      references: [messageId, ack.messageId!],
      messageId: `<bounded-reply.${Date.now()}@example.com>`,
      text,
      attachments: [{ filename: 'dump.bin', content: big, contentType: 'application/octet-stream' }],
    });
    expect(info.response).toMatch(new RegExp(`^250 .*${ticket.key} reply`));

    const stored = (await models.Ticket.findById(ticket._id).lean())!;
    // The newest replies stay on the ticket; the older ones moved to ticket_events, counted by one record.
    const onTicket = stored.timeline.filter((e) => e.kind === 'requester_reply').length;
    expect(stored.timeline.length).toBeLessThanOrEqual(MAX_TIMELINE_EVENTS);
    expect(onTicket + (await models.ArchivedEvent.countDocuments({ ticketId: ticket._id }))).toBe(2_000);
    expect(stored.timeline[1]).toMatchObject({ kind: 'timeline_archived', data: { moved: 2_000 - onTicket } });
    const last = stored.timeline.at(-1)!;
    expect((last.data as any).quote.length).toBeLessThanOrEqual(2_800);
    expect((last.data as any).attachments).toEqual([
      { filename: 'dump.bin', contentType: 'application/octet-stream', size: 20 * MB, stored: true },
    ]);
    expect(stored.attachments.length).toBeLessThanOrEqual(100);
    expect(stored.email!.messageIds.length).toBeLessThanOrEqual(200);
    expect(BSON.calculateObjectSize(stored as never)).toBeLessThan(8 * MB);

    // The whole text and the file's contents are kept apart from the ticket.
    const kept = await models.TicketMessage.findOne({ ticketId: ticket._id }).lean();
    expect(kept!.text).toBe(text.trim());
    const file = await models.Attachment.findOne({ ticketId: ticket._id, filename: 'dump.bin' });
    expect(file!.gridFsId).toBeTruthy();
    expect((await t.db.db!.collection(`${ATTACHMENT_BUCKET}.files`).findOne({ _id: file!._id }))!.length).toBe(20 * MB);
    expect((await attachmentContent(t.app.context, file!._id))!.equals(big)).toBe(true);

    // The card is still rendered in place.
    await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.update')
          .slice(updatesBefore)
          .find((c) => c.args.ts === stored.card?.ts),
      30_000,
      'card update',
    );
  }, 180_000);
});
