import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { ActionIds } from '../views/ids.js';
import { storedWithCard } from './support/fixtures.js';
import { stubResolver } from './support/dns.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import type { IntakeAnswer } from './support/webhooks.js';

/*
 * Replies as requesters' clients write them, through the real SMTP listener and the Postmark route of one
 * app: the corpus in test/fixtures/replies (each `name.txt` and/or `name.html` with `name.expected.txt`),
 * then each pattern of issue 25 on its own, the "show the full message" button and forwarded mail.
 */

const SUPPORT = 'help@acme.test';
const POSTMARK = { user: 'postmark', password: 'correct-horse-battery-staple' };
const FIXTURES = new URL('./fixtures/replies/', import.meta.url);

interface Fixture {
  name: string;
  text?: string;
  html?: string;
  expected: string;
}

function loadFixtures(): Fixture[] {
  const read = (file: string) =>
    existsSync(new URL(file, FIXTURES)) ? readFileSync(new URL(file, FIXTURES), 'utf8') : undefined;
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.expected.txt'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.expected.txt'.length);
      return { name, text: read(`${name}.txt`), html: read(`${name}.html`), expected: read(f)!.trim() };
    });
}

const normalised = (s: string | null | undefined) => (s ?? '').replace(/\r\n?/g, '\n').trim();

describe('email replies read as the requester wrote them', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let client: Transporter;
  let seq = 0;
  const fixtures = loadFixtures();

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({
      label: 'replies',
      // A forger's envelope domain that no server may send for: its mail fails SPF.
      dns: stubResolver({ 'forger.test': ['v=spf1 -all'] }),
      env: {
        SMTP_URL: sink.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        MAIL_INBOUND_PORT: '0',
        MAIL_INBOUND_HOST: '127.0.0.1',
        ACK_MAX_PER_HOUR: '1000',
        MAIL_MAX_PER_SENDER_PER_HOUR: '10000',
        MAIL_MAX_MESSAGES_PER_CONNECTION: '10000',
        POSTMARK_INBOUND_USER: POSTMARK.user,
        POSTMARK_INBOUND_PASSWORD: POSTMARK.password,
        MAIL_FORWARDER_DOMAINS: 'partner.test',
      },
    });
    client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.app.smtpPort,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxMessages: Infinity,
    });
  });
  afterAll(async () => {
    client?.close();
    await t?.stop();
    await sink?.stop();
  });

  const models = () => t.app.context.models;
  const msgId = (label: string) => `<${label}.${++seq}.${Date.now()}@mail.example.com>`;
  const smtp = (mail: SendMailOptions) =>
    client.sendMail({ from: 'Ada Lovelace <ada@example.com>', to: SUPPORT, ...mail });
  /** Postmark's own SPF verdict, first in the headers it posts: a pass for the sender's own domain. */
  const postmarkSpf = (email: string, verdict = 'Pass') => ({
    Name: 'Received-SPF',
    Value: `${verdict} (sender SPF authorized) identity=mailfrom; envelope-from="${email}"`,
  });
  const postmark = async (over: Record<string, unknown>) => {
    const from = (over.FromFull as { Email?: string } | undefined)?.Email ?? 'ada@example.com';
    const headers = (over.Headers as Array<{ Name: string }> | undefined) ?? [];
    const spf = headers.some((h) => h.Name === 'Received-SPF') ? [] : [postmarkSpf(from)];
    const res = await fetch(`${t.url}/intake/email/postmark`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${POSTMARK.user}:${POSTMARK.password}`).toString('base64')}`,
      },
      body: JSON.stringify({
        MessageID: `pm-${++seq}`,
        FromFull: { Email: 'ada@example.com', Name: 'Ada Lovelace' },
        To: SUPPORT,
        Subject: 'Hello',
        TextBody: '',
        HtmlBody: '',
        ...over,
        Headers: [...spf, ...headers],
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as IntakeAnswer;
  };
  const stored = (messageId: string) => models().TicketMessage.findById(`email:msgid:${messageId}`).lean();
  const ticketByMessageId = (id: string) => models().Ticket.findOne({ 'email.messageIds': id }).lean();

  /** A ticket of Ada's, opened by mail; replies name it in their subject. */
  async function adasTicket(subject: string) {
    const messageId = msgId('new');
    await smtp({ subject, text: 'The export page shows an API error.', messageId });
    return (await ticketByMessageId(messageId))!;
  }

  type Transport = 'smtp' | 'postmark';
  /** Sends a reply by one transport; answers the message as stored with the ticket. */
  async function reply(via: Transport, key: string, body: { text?: string; html?: string }) {
    const messageId = msgId(`reply-${via}`);
    const subject = `Re: [${key}] Export fails`;
    if (via === 'smtp') await smtp({ subject, messageId, ...body });
    else
      await postmark({
        Subject: subject,
        TextBody: body.text ?? '',
        HtmlBody: body.html ?? '',
        Headers: [{ Name: 'Message-ID', Value: messageId }],
      });
    const message = await stored(messageId);
    expect(message, `${via} reply ${messageId}`).toBeTruthy();
    return message!;
  }

  it.concurrent.each(['smtp', 'postmark'] as const)(
    'reads every reply of the corpus clean, and keeps each as received (%s)',
    async (via) => {
      expect(fixtures.length).toBeGreaterThanOrEqual(40);
      const ticket = await adasTicket(`Corpus through ${via}`);
      const misread: Array<{ name: string; got: string; expected: string }> = [];
      for (const f of fixtures) {
        const message = await reply(via, ticket.key, { text: f.text, html: f.html });
        if (message.text !== f.expected) misread.push({ name: f.name, got: message.text, expected: f.expected });
        if (f.text) expect(normalised(message.rawText), f.name).toBe(normalised(f.text));
        if (f.html) expect(normalised(message.html), f.name).toContain(normalised(f.html).slice(-40));
      }
      expect(misread).toEqual([]);
      const timeline = (await models().Ticket.findById(ticket._id).lean())!.timeline.filter(
        (e) => e.kind === 'requester_reply',
      );
      expect(timeline).toHaveLength(fixtures.length);
      // A mail that only quotes says so on the thread; it does not repeat the quote.
      expect(timeline.map((e) => (e.data as { quote: string }).quote)).toContain(
        '(nothing of its own: it only quotes earlier mail)',
      );
    },
    // 55 replies to one ticket, one after another (each a change of the same document): room for a busy machine.
    120_000,
  );

  describe.each(['smtp', 'postmark'] as const)('each pattern of the issue (%s)', (via) => {
    let key: string;
    beforeAll(async () => {
      key = (await adasTicket(`Patterns through ${via}`)).key;
    });
    const clean = async (body: { text?: string; html?: string }) => (await reply(via, key, body)).text;

    it('drops "-- " and "--" signatures, "-Name" sign-offs, device lines and list footers', async () => {
      expect(await clean({ text: 'Works.\n--\nAda\nCEO' })).toBe('Works.');
      expect(
        await clean({
          text: 'Works.\n\n-Ada\n\n______________________________\nusers mailing list\nhttp://lists.acme.test/listinfo',
        }),
      ).toBe('Works.');
      expect(await clean({ text: 'Works.\n\nSent from my iPhone' })).toBe('Works.');
      expect(await clean({ text: 'Works.\n\nSent from my BlackBerry 10 smartphone.' })).toBe('Works.');
      // Bullets and sentences that look alike stay.
      expect(await clean({ text: 'Affected:\n- Chrome\n- Firefox' })).toBe('Affected:\n- Chrome\n- Firefox');
      expect(await clean({ text: 'Sent from my desk, which is faster.' })).toBe('Sent from my desk, which is faster.');
    });

    it('drops quote headers wrapped over two and three lines', async () => {
      expect(
        await clean({
          text: 'Ok\n\nOn Tue, Sep 25, 2024 at 8:59 AM, Chris Wanstrath\n<help@acme.test>wrote:\n\n> Steps are live.',
        }),
      ).toBe('Ok');
      expect(
        await clean({ text: 'Ok\n\nOn Dec 16, 2024, at 12:47 PM, Corey\n<help@acme.test>\nwrote:\n\n> Cached?' }),
      ).toBe('Ok');
    });

    it('keeps bottom-posted and interleaved answers, and a sentence that merely contains "wrote"', async () => {
      expect(
        await clean({
          text: 'On Tue, 5 Mar 2024 at 10:12, Support <help@acme.test> wrote:\n> Which browser?\n\nChrome.\n\n> Which version?\n\n122.',
        }),
      ).toBe('Chrome.\n\n122.');
      expect(
        await clean({
          text: 'On the old server, as Bob wrote:\nthe config is in /etc.\n\nOn Tue, 5 Mar 2024 at 10:12, Support <help@acme.test> wrote:\n> Where?',
        }),
      ).toBe('On the old server, as Bob wrote:\nthe config is in /etc.');
    });

    it('does not keep everything when the reply starts with a quote', async () => {
      expect(await clean({ text: '> Is it fixed?\n\nYes.\n\n-- \nAda\n\n> older history\n> more' })).toBe('Yes.');
    });

    it("drops Outlook's rule and header block, and Portuguese, Swedish, Japanese, Russian headers", async () => {
      expect(
        await clean({
          text: 'Done\n\n ------------------------------\n\n*From:* Support [mailto:help@acme.test]\n*Sent:* Monday\n*To:* Ada\n\nOld text',
        }),
      ).toBe('Done');
      expect(
        await clean({
          text: 'Feito\n\nEm ter., 5 de mar. de 2024 às 10:12, Suporte <help@acme.test> escreveu:\n\n> Pode ver?',
        }),
      ).toBe('Feito');
      expect(
        await clean({ text: 'Klart\n\nDen tis 5 mars 2024 kl 10:12 skrev Support <help@acme.test>:\n\n> Klart?' }),
      ).toBe('Klart');
      expect(await clean({ text: '了解\n\n2024年3月5日(火) 10:12 Support <help@acme.test>:\n\n> 確認?' })).toBe('了解');
      expect(await clean({ text: 'Да\n\nвт, 5 мар. 2024 г. в 10:12, Support <help@acme.test>:\n\n> Готово?' })).toBe(
        'Да',
      );
    });

    it('converts HTML-only mail itself: long headers unwrapped, Gmail signature and Outlook rule gone', async () => {
      const long =
        'Le mar. 5 mars 2024 à 10:12, Équipe du support technique et de la facturation Acme &lt;help@acme.test&gt; a écrit&nbsp;:';
      const message = await reply(via, key, {
        html: `<div>Merci</div><div>${long}</div><blockquote>Réglé ?</blockquote>`,
      });
      expect(message.text).toBe('Merci');
      expect(message.rawText ?? undefined).toBeUndefined();
      // Not mailparser's text (wrapped at 80 columns): the header stays on one line.
      expect(message.fullText).toMatch(
        /Équipe du support technique et de la facturation Acme <help@acme.test> a écrit\s:/,
      );
      expect(
        await clean({
          html: '<div>Attached.</div><span class="gmail_signature_prefix">-- </span><br><div class="gmail_signature">Ada<br>CEO</div>',
        }),
      ).toBe('Attached.');
      expect(
        await clean({
          html: '<div>Fine now.</div><hr><div id="divRplyFwdMsg"><b>From:</b> Support<br><b>Sent:</b> Monday</div><div>Old</div>',
        }),
      ).toBe('Fine now.');
    });
  });

  it('posts the clean reply with a button showing the mail as received, escaped, within Block Kit limits', async () => {
    const ticket = await adasTicket('Full message');
    const card = await storedWithCard(t.app, String(ticket._id));
    const long = Array.from({ length: 300 }, (_, i) => `> line ${i} of an old <b>quote</b> *not bold*`).join('\n');
    await smtp({
      subject: `Re: [${ticket.key}] Full message`,
      messageId: msgId('full'),
      text: `Fixed, thanks <!channel>.\n\nOn Tue, 5 Mar 2024 at 10:12, Support <help@acme.test> wrote:\n${long}`,
    });
    const note = await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postMessage')
          .find((c) => c.args.thread_ts === card.card!.ts && String(c.args.text).includes('Fixed, thanks')),
      10_000,
      'thread note',
    );
    expect(String(note.args.text)).toContain('Fixed, thanks &lt;!channel&gt;.');
    expect(String(note.args.text)).not.toContain('line 0');
    const button = JSON.stringify(note.args.blocks).includes(ActionIds.showFullMessage)
      ? (note.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
          (b) => b.type === 'actions',
        )!.elements![0]!
      : undefined;
    expect(button).toBeTruthy();

    const before = t.slack.callsTo('views.open').length;
    await t.sender.blockAction(
      'UAGENT1',
      { type: 'button', action_id: ActionIds.showFullMessage, block_id: 'note', value: button!.value },
      { channel: card.card!.channel!, ts: card.card!.ts },
    );
    const open = await t.slack.waitFor(() => t.slack.callsTo('views.open')[before], 10_000, 'views.open');
    const blocks = open.args.view.blocks as Array<{ type: string; text?: { text: string } }>;
    const shown = blocks
      .filter((b) => b.type === 'section')
      .map((b) => b.text!.text)
      .join('');
    expect(shown).toContain('Fixed, thanks &lt;!channel&gt;.');
    expect(shown).toContain('&gt; line 299 of an old &lt;b&gt;quote&lt;/b&gt;');
    expect(blocks.length).toBeLessThanOrEqual(100);
    for (const b of blocks) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);

    // A forged value opens nothing.
    await t.sender.blockAction(
      'UAGENT1',
      { type: 'button', action_id: ActionIds.showFullMessage, block_id: 'note', value: '{"ticketId":"x"}' },
      { channel: card.card!.channel!, ts: card.card!.ts! },
    );
    await settled(t.app);
    expect(t.slack.callsTo('views.open')).toHaveLength(before + 1);
  });

  describe('forwarded mail', () => {
    const customerMail = 'Hello,\n\nour invoices show the wrong VAT number since March.\n\nCarol';
    const gmailForward = (note: string) =>
      [
        note,
        '',
        '---------- Forwarded message ---------',
        'From: Carol Customer <carol@customer.test>',
        'Date: Tue, 5 Mar 2024 at 09:00',
        'Subject: Wrong VAT number',
        'To: Agent <agent@acme.test>',
        '',
        customerMail,
        '',
      ].join('\n');
    const outlookForward = [
      'FYI, see below.',
      '',
      '________________________________',
      'From: Dan Customer <dan@customer.test>',
      'Sent: Tuesday, March 5, 2024 9:00 AM',
      'To: Bob <bob@partner.test>',
      'Subject: Export broken',
      '',
      'The export is broken for all of our users.',
      '',
    ].join('\n');

    it('gives a colleague’s forward (SMTP) to the original sender, names the forwarder, sends no ack', async () => {
      const messageId = msgId('fwd');
      await smtp({
        from: 'Agent Smith <agent@acme.test>',
        subject: 'Fwd: Wrong VAT number',
        messageId,
        text: gmailForward('Can we look at this? Carol is a key account.'),
      });
      const ticket = (await ticketByMessageId(messageId))!;
      expect(ticket).toMatchObject({
        requester: { email: 'carol@customer.test', name: 'Carol Customer' },
        subject: 'Wrong VAT number',
        body: customerMail,
      });
      expect(ticket.metadata).toMatchObject({
        'Forwarded by': 'Agent Smith <agent@acme.test>',
        "Forwarder's note": 'Can we look at this? Carol is a key account.',
        'auto-acknowledgement': expect.stringContaining('ACK_FORWARDED'),
      });
      expect(await models().OutboundMail.countDocuments({ ticketId: ticket._id })).toBe(0);
      // The forwarder's mail is kept whole.
      expect((await stored(messageId))!.rawText).toContain('Can we look at this?');
    });

    it('accepts forwards from MAIL_FORWARDER_DOMAINS through Postmark, and takes Outlook forwards', async () => {
      const answer = await postmark({
        FromFull: { Email: 'bob@partner.test', Name: 'Bob' },
        Subject: 'FW: Export broken',
        TextBody: outlookForward,
      });
      const ticket = (await models().Ticket.findById(answer.id).lean())!;
      expect(ticket).toMatchObject({
        requester: { email: 'dan@customer.test' },
        subject: 'Export broken',
        metadata: { 'Forwarded by': 'Bob <bob@partner.test>' },
      });
      expect(ticket.body).toContain('The export is broken for all of our users.');
    });

    it("treats anyone else's forward, and a colleague's that failed authentication, as their own mail", async () => {
      for (const via of ['smtp', 'postmark'] as const) {
        const stranger =
          via === 'smtp'
            ? await smtp({
                from: 'eve@elsewhere.test',
                subject: 'Fwd: Wrong VAT number',
                messageId: msgId('eve'),
                text: gmailForward('Look'),
              }).then((i) => i.response)
            : (
                await postmark({
                  FromFull: { Email: 'eve@elsewhere.test' },
                  Subject: 'Fwd: Wrong VAT number',
                  TextBody: gmailForward('Look'),
                })
              ).ticket;
        const strangerKey = /SUP-\d+/.exec(String(stranger))![0];
        expect((await models().Ticket.findOne({ key: strangerKey }).lean())!.requester!.email).toBe(
          'eve@elsewhere.test',
        );

        const forged = msgId('forged');
        // A colleague's address, sent from a server that may not send for it: SPF fails on SMTP and Postmark.
        if (via === 'smtp')
          await smtp({
            from: 'agent@acme.test',
            envelope: { from: 'agent@forger.test', to: SUPPORT },
            subject: 'Fwd: Wrong VAT number',
            messageId: forged,
            text: gmailForward('Look'),
          });
        else
          await postmark({
            FromFull: { Email: 'agent@acme.test' },
            Subject: 'Fwd: Wrong VAT number',
            TextBody: gmailForward('Look'),
            Headers: [postmarkSpf('agent@acme.test', 'Fail'), { Name: 'Message-ID', Value: forged }],
          });
        expect((await ticketByMessageId(forged))!.requester!.email).toBe('agent@acme.test');
      }
    });

    it('acknowledges to the original sender when ACK_FORWARDED=true (SMTP and Postmark)', async () => {
      // An app of its own (database, Slack): its outbox and clock are not the first app's.
      const other = await startTestApp({
        label: 'replies-ack',
        env: {
          SMTP_URL: sink.url,
          SUPPORT_EMAIL_ADDRESS: SUPPORT,
          MAIL_INBOUND_PORT: '0',
          ACK_FORWARDED: 'true',
          POSTMARK_INBOUND_USER: POSTMARK.user,
          POSTMARK_INBOUND_PASSWORD: POSTMARK.password,
        },
      });
      const otherClient = nodemailer.createTransport({
        host: '127.0.0.1',
        port: other.app.smtpPort,
        secure: false,
        ignoreTLS: true,
      });
      try {
        const messageId = msgId('ackfwd');
        await otherClient.sendMail({
          from: 'agent@acme.test',
          to: SUPPORT,
          subject: 'Fwd: Wrong VAT number',
          messageId,
          text: gmailForward('Please handle'),
        });
        const viaSmtp = (await other.app.context.models.Ticket.findOne({ 'email.messageIds': messageId }).lean())!;
        const res = await fetch(`${other.url}/intake/email/postmark`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${POSTMARK.user}:${POSTMARK.password}`).toString('base64')}`,
          },
          body: JSON.stringify({
            MessageID: `pm-ack-${++seq}`,
            FromFull: { Email: 'bob@acme.test' },
            Subject: 'FW: Export broken',
            TextBody: outlookForward,
            Headers: [postmarkSpf('bob@acme.test')],
          }),
        });
        const viaPostmark = (await other.app.context.models.Ticket.findById(
          ((await res.json()) as IntakeAnswer).id,
        ).lean())!;
        for (const ticket of [viaSmtp, viaPostmark]) {
          const ack = await sink.waitFor((m) => m.subject === `[${ticket.key}] ${ticket.subject}`);
          expect(ack.to && 'text' in ack.to ? ack.to.text : '').toContain(ticket.requester!.email);
        }
        expect([viaSmtp.requester!.email, viaPostmark.requester!.email]).toEqual([
          'carol@customer.test',
          'dan@customer.test',
        ]);
      } finally {
        otherClient.close();
        await other.stop();
      }
    });
  });
});
