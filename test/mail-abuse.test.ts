import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { storedWithCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpDialog } from './support/smtp-dialog.js';
import { SmtpSink } from './support/smtp-sink.js';

const SUPPORT = 'help@acme.test';
const MX = 'mx.acme.test';
const POSTMARK_USER = 'postmark';
const POSTMARK_PASSWORD = 'correct-horse-battery-staple';

/**
 * Issue 10, items 2 and 3: the support address is not a relay (clipped names and subjects, no
 * acknowledgement to senders that failed authentication, per-address acknowledgement rate, per-connection
 * and per-sender limits), and a reply only joins a ticket when it plausibly comes from its requester.
 * Everything goes through the real SMTP listener or the Postmark endpoint, and the real database.
 */
describe('hostile mail', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let client: Transporter;
  let seq = 0;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({
      label: 'mail_abuse',
      clock,
      env: {
        SMTP_URL: sink.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        MAIL_INBOUND_PORT: '0',
        MAIL_AUTHSERV_ID: MX,
        ACK_MAX_PER_HOUR: '3',
        MAIL_MAX_PER_SENDER_PER_HOUR: '6',
        MAIL_MAX_MESSAGES_PER_CONNECTION: '3',
        MAIL_MAX_CLIENTS: '4',
        POSTMARK_INBOUND_USER: POSTMARK_USER,
        POSTMARK_INBOUND_PASSWORD: POSTMARK_PASSWORD,
      },
    });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    client?.close();
    await t?.stop();
    await sink?.stop();
  });

  const models = () => t.app.context.models;
  const msgId = (label: string) => `<${label}.${++seq}.${Date.now()}@mail.example.com>`;
  const send = (mail: SendMailOptions) => client.sendMail({ to: SUPPORT, text: 'Something is broken.', ...mail });
  const ticketByMessageId = (id: string) => models().Ticket.findOne({ 'email.messageIds': id }).lean();
  const acksTo = (address: string) => models().OutboundMail.find({ to: address, kind: 'acknowledgement' }).lean();
  const authResults = (result: string, id = MX) => ({ 'Authentication-Results': `${id}; ${result}` });

  const waitForCard = (id: unknown) => storedWithCard(t.app, id);
  const cardOf = (key: string) =>
    JSON.stringify(
      t.slack
        .callsTo('chat.postMessage')
        .filter((c) => !c.args.thread_ts && String(c.args.text).startsWith(`${key} `))
        .at(-1)?.args.blocks ?? [],
    );

  describe('acknowledgements', () => {
    it('clips the display name and subject a sender chooses to one short line in the acknowledgement', async () => {
      const messageId = msgId('long');
      const info = await send({
        from: { name: `Dear customer ${'x'.repeat(99_999)}`, address: 'spoofed-victim@example.org' },
        subject: `Win ${'a prize '.repeat(2_000)}`,
        messageId,
      });
      expect(info.response).toMatch(/^250 /);
      const stored = await ticketByMessageId(messageId);
      expect(stored!.requester!.name!.length).toBeLessThanOrEqual(100);
      const ack = await sink.waitFor((m) => m.inReplyTo === messageId);
      expect(ack.subject!.length).toBeLessThanOrEqual(220);
      expect(ack.subject).not.toMatch(/[\r\n]/);
      const greeting = ack.text!.split('\n')[0]!;
      expect(greeting.length).toBeLessThanOrEqual(110);
      expect(greeting).toMatch(/^Hello Dear customer x+…,$/);
      // The whole mail stays small whatever the sender wrote (the report: a 100,457-character mail).
      expect(ack.text!.length).toBeLessThan(2_000);
    });

    it('does not acknowledge mail whose authentication failed at the MX, and says why on the card', async () => {
      const failed = msgId('spf-fail');
      await send({
        from: 'ceo@bank.example',
        subject: 'Urgent wire',
        messageId: failed,
        headers: authResults('spf=fail smtp.mailfrom=bank.example; dkim=none; dmarc=fail header.from=bank.example'),
      });
      const ticket = await waitForCard((await ticketByMessageId(failed))!._id);
      expect(await models().OutboundMail.countDocuments({ ticketId: ticket._id })).toBe(0);
      expect(cardOf(ticket.key)).toContain('not sent: sender authentication failed (spf=fail dkim=none dmarc=fail)');

      // A pass from our MX is acknowledged; a "pass" written further down by the sender, or by another server, counts for nothing.
      const passed = msgId('pass');
      await send({
        from: 'ok@bank.example',
        subject: 'Statement',
        messageId: passed,
        headers: authResults('spf=pass; dkim=pass; dmarc=pass'),
      });
      await settled(t.app); // the acknowledgement is queued after the answer
      expect(
        await models().OutboundMail.countDocuments({
          ticketId: (await ticketByMessageId(passed))!._id,
          kind: 'acknowledgement',
        }),
      ).toBe(1);
      const forged = msgId('forged');
      await send({
        from: 'ceo2@bank.example',
        subject: 'Urgent wire',
        messageId: forged,
        headers: { 'Authentication-Results': [`${MX}; dmarc=fail`, 'evil.example; dmarc=pass'] } as never,
      });
      await settled(t.app);
      expect(await models().OutboundMail.countDocuments({ ticketId: (await ticketByMessageId(forged))!._id })).toBe(0);
    });

    it('does not acknowledge a Postmark mail whose SPF failed', async () => {
      const res = await fetch(`${t.url}/intake/email/postmark`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${POSTMARK_USER}:${POSTMARK_PASSWORD}`).toString('base64')}`,
        },
        body: JSON.stringify({
          MessageID: `pm-${Date.now()}`,
          FromFull: { Email: 'spoofed@bank.example', Name: 'Bank' },
          Subject: 'Invoice',
          TextBody: 'Pay now',
          Headers: [
            { Name: 'Message-ID', Value: msgId('pm') },
            {
              Name: 'Received-SPF',
              Value:
                'Fail (protection.outlook.com: domain of bank.example does not designate 1.2.3.4 as permitted sender)',
            },
          ],
        }),
      });
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as { id: string };
      await settled(t.app);
      expect(await models().OutboundMail.countDocuments({ ticketId: id })).toBe(0);
      expect((await models().Ticket.findById(id).lean())!.metadata).toMatchObject({
        'auto-acknowledgement': 'not sent: sender authentication failed (spf=fail)',
      });
    });

    it('sends at most ACK_MAX_PER_HOUR acknowledgements to one address per hour; the tickets still open', async () => {
      const victim = 'flooded@example.net';
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const messageId = msgId(`flood${i}`);
        expect((await send({ from: victim, subject: `Request ${i}`, messageId })).response).toMatch(/^250 .*created/);
        ids.push(messageId);
      }
      await settled(t.app);
      expect(await acksTo(victim)).toHaveLength(3);
      const last = await ticketByMessageId(ids[4]!);
      expect((last!.metadata as Record<string, string>)['auto-acknowledgement']).toMatch(
        /^not sent: flooded@example.net already got 3 acknowledgements this hour/,
      );
      // Delivered again, the mail is still not acknowledged.
      await send({ from: victim, subject: 'Request 4', messageId: ids[4]! });
      expect(await acksTo(victim)).toHaveLength(3);

      clock.advance(61 * 60_000);
      await send({ from: victim, subject: 'An hour later', messageId: msgId('later') });
      await settled(t.app);
      expect(await acksTo(victim)).toHaveLength(4);
    });
  });

  describe('listener limits', () => {
    const message = (from: string, label: string) =>
      `From: ${from}\nTo: ${SUPPORT}\nSubject: ${label}\nMessage-ID: ${msgId(label)}\n\nHello\n`;

    it('refuses more messages on one connection than MAIL_MAX_MESSAGES_PER_CONNECTION with 421', async () => {
      const { dialog, greeting } = await SmtpDialog.open(t.app.smtpPort!);
      try {
        expect(greeting).toMatch(/^220 /);
        expect(await dialog.send('EHLO client.example')).toMatch(/^250/);
        for (let i = 0; i < 3; i++)
          expect(
            await dialog.mail(`conn${i}@example.com`, SUPPORT, message(`conn${i}@example.com`, `conn${i}`)),
          ).toMatch(/^250 /);
        expect(await dialog.mail('conn3@example.com', SUPPORT, message('conn3@example.com', 'conn3'))).toMatch(
          /^421 4\.7\.0 too many messages on this connection/,
        );
      } finally {
        dialog.close();
      }
      expect(await models().Ticket.countDocuments({ 'requester.email': 'conn3@example.com' })).toBe(0);
    });

    it('answers a sender over MAIL_MAX_PER_SENDER_PER_HOUR with 451 on SMTP and 429 on Postmark', async () => {
      const sender = 'chatty@example.com';
      for (let i = 0; i < 6; i++)
        expect((await send({ from: sender, subject: `Chatty ${i}`, messageId: msgId('chatty') })).response).toMatch(
          /^250 /,
        );
      await expect(send({ from: sender, subject: 'Chatty 6', messageId: msgId('chatty') })).rejects.toMatchObject({
        responseCode: 451,
      });
      expect(await models().Ticket.countDocuments({ 'requester.email': sender })).toBe(6);
      // Someone else is not affected.
      expect((await send({ from: 'quiet@example.com', subject: 'Hello', messageId: msgId('quiet') })).response).toMatch(
        /^250 /,
      );

      const post = () =>
        fetch(`${t.url}/intake/email/postmark`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${POSTMARK_USER}:${POSTMARK_PASSWORD}`).toString('base64')}`,
          },
          body: JSON.stringify({
            MessageID: `pm-${++seq}`,
            FromFull: { Email: 'pm-chatty@example.com' },
            Subject: `PM ${seq}`,
            TextBody: 'x',
            Headers: [{ Name: 'Message-ID', Value: msgId('pmc') }],
          }),
        });
      for (let i = 0; i < 6; i++) expect((await post()).status).toBe(200);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await models().Ticket.countDocuments({ 'requester.email': 'pm-chatty@example.com' })).toBe(6);
    });

    it('answers connections beyond MAIL_MAX_CLIENTS with 421', async () => {
      const open: SmtpDialog[] = [];
      try {
        for (let i = 0; i < 4; i++) {
          const { dialog, greeting } = await SmtpDialog.open(t.app.smtpPort!);
          open.push(dialog);
          expect(greeting).toMatch(/^220 /);
        }
        const { dialog, greeting } = await SmtpDialog.open(t.app.smtpPort!);
        open.push(dialog);
        expect(greeting).toMatch(/^421 /);
      } finally {
        for (const d of open) d.close();
      }
      // Once they are gone, new connections are welcome again.
      await waitFor(
        async () => {
          const { dialog, greeting } = await SmtpDialog.open(t.app.smtpPort!);
          dialog.close();
          return greeting.startsWith('220');
        },
        'connections to be welcome again',
        5_000,
      );
    });
  });

  describe('joining a ticket', () => {
    async function ticketFrom(from: string, subject: string) {
      const messageId = msgId('orig');
      await send({ from, subject, messageId, text: 'The export is empty.' });
      const ticket = await waitForCard((await ticketByMessageId(messageId))!._id);
      const ack = await sink.waitFor((m) => m.inReplyTo === messageId);
      return { ...ticket, messageId, ackId: ack.messageId! };
    }
    const replies = async (id: unknown) =>
      (await models().Ticket.findById(id).lean())!.timeline.filter((e) => e.kind === 'requester_reply');

    it('a stranger who knows the requester’s Message-ID does not join: a new ticket names the other on its card', async () => {
      const ticket = await ticketFrom('owner1@example.com', 'Export empty');
      const strangerId = msgId('stranger');
      await send({
        from: 'mallory@example.net',
        subject: 'Re: Export empty',
        inReplyTo: ticket.messageId,
        references: [ticket.messageId],
        messageId: strangerId,
        text: 'Please send the export to me instead.',
      });
      expect(await replies(ticket._id)).toHaveLength(0);
      const theirs = await waitForCard((await ticketByMessageId(strangerId))!._id);
      expect(theirs.key).not.toBe(ticket.key);
      expect(cardOf(theirs.key)).toContain(
        `${ticket.key}: its thread headers name a mail of that ticket, but it is not from that ticket's requester`,
      );
    });

    it('[SUP-n] from the requester’s address joins only when authentication, if reported, passed', async () => {
      const ticket = await ticketFrom('owner2@example.com', 'Invoices missing');
      const spoofed = msgId('spoofed');
      await send({
        from: 'owner2@example.com',
        subject: `Re: [${ticket.key}] Invoices missing`,
        messageId: spoofed,
        headers: authResults('spf=softfail smtp.mailfrom=example.com; dmarc=fail header.from=example.com'),
      });
      expect(await replies(ticket._id)).toHaveLength(0);
      const theirs = await waitForCard((await ticketByMessageId(spoofed))!._id);
      expect(cardOf(theirs.key)).toContain(
        `${ticket.key}: its subject names that ticket, but the sender is not authenticated (spf=softfail dmarc=fail)`,
      );

      await send({
        from: 'owner2@example.com',
        subject: `Re: [${ticket.key}] Invoices missing`,
        messageId: msgId('genuine'),
        text: 'Found them, thanks.',
        headers: authResults('spf=pass; dkim=pass; dmarc=pass'),
      });
      expect((await replies(ticket._id)).map((e) => (e.data as any).matchedBy)).toEqual(['subject']);
    });

    it('someone else answering a mail Deskbell sent does not join: only the requester, authenticated, does', async () => {
      const ticket = await ticketFrom('owner3@example.com', 'Locked out');
      const cc = msgId('cc');
      await send({
        from: 'colleague@example.com',
        subject: `Re: [${ticket.key}] Locked out`,
        inReplyTo: ticket.ackId,
        references: [ticket.messageId, ticket.ackId],
        messageId: cc,
        text: 'Same for me.',
      });
      expect(await replies(ticket._id)).toHaveLength(0);
      const theirs = await waitForCard((await ticketByMessageId(cc))!._id);
      expect(cardOf(theirs.key)).toContain(
        `${ticket.key}: its thread headers name a mail of that ticket, but it is not from that ticket's requester`,
      );
      await send({
        from: 'owner3@example.com',
        subject: `Re: [${ticket.key}] Locked out`,
        inReplyTo: ticket.ackId,
        references: [ticket.ackId],
        messageId: msgId('own'),
        text: 'Still locked.',
        headers: authResults('dmarc=pass header.from=example.com'),
      });
      expect((await replies(ticket._id)).map((e) => (e.data as any).matchedBy)).toEqual(['thread']);
    });
  });
});
