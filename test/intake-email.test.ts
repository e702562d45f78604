import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { storedWithCard } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import type { IntakeAnswer, InvalidAnswer } from './support/webhooks.js';

const SUPPORT = 'help@acme.test';
const POSTMARK_USER = 'postmark';
const POSTMARK_PASSWORD = 'correct-horse-battery-staple';
const MAIL_MAX_BYTES = 200_000;
const KEEP_MAX_BYTES = 2_000;

describe('email intake', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let client: Transporter;
  let seq = 0;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    t = await startTestApp({
      label: 'email',
      env: {
        SMTP_URL: sink.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        MAIL_INBOUND_PORT: '0',
        MAIL_INBOUND_HOST: '127.0.0.1',
        // Many tests here write as the same requester; the per-address acknowledgement limit has its own test.
        ACK_MAX_PER_HOUR: '100',
        MAIL_MAX_BYTES: String(MAIL_MAX_BYTES),
        ATTACHMENT_KEEP_MAX_BYTES: String(KEEP_MAX_BYTES),
        POSTMARK_INBOUND_USER: POSTMARK_USER,
        POSTMARK_INBOUND_PASSWORD: POSTMARK_PASSWORD,
      },
    });
    expect(t.app.smtpPort).toBeGreaterThan(0);
    client = nodemailer.createTransport({ host: '127.0.0.1', port: t.app.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    client?.close();
    await t?.stop();
    await sink?.stop();
  });
  beforeEach(() => {
    sink.down = false;
    t.slack.clearFailures();
  });

  const models = () => t.app.context.models;
  const msgId = (label: string) => `<${label}.${++seq}.${Date.now()}@mail.example.com>`;
  const send = (mail: SendMailOptions) =>
    client.sendMail({ from: 'Ada Lovelace <ada@example.com>', to: SUPPORT, ...mail });
  const ticketByMessageId = (id: string) => models().Ticket.findOne({ 'email.messageIds': id }).lean();
  const cardsFor = (key: string) =>
    t.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && String(c.args.text).startsWith(`${key} `));
  const acksFor = (key: string) => sink.messages.filter((m) => m.subject?.startsWith(`[${key}]`));
  const threadNotes = (cardTs: string) =>
    t.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.thread_ts === cardTs)
      .map((c) => String(c.args.text));
  const counts = async () => ({
    tickets: await models().Ticket.countDocuments(),
    keys: await models().IdempotencyKey.countDocuments(),
    files: await models().Attachment.countDocuments(),
    mails: await models().OutboundMail.countDocuments(),
  });

  const waitForCard = (id: string) => storedWithCard(t.app, id);

  /** Sends a new mail and waits for its card: the ticket as stored, with its card's ts. */
  async function newEmailTicket(subject: string, extra: SendMailOptions = {}) {
    const messageId = msgId('new');
    await send({ subject, text: 'The export page shows an API error for every workspace.', messageId, ...extra });
    const stored = await ticketByMessageId(messageId);
    expect(stored).toBeTruthy();
    return { ...(await waitForCard(String(stored!._id))), messageId };
  }

  it('turns a mail into one ticket, one card and one threaded acknowledgement', async () => {
    const messageId = msgId('first');
    const info = await send({
      subject: 'Export fails with an API error',
      text: 'Every export over 10k rows fails.\n\nThanks, Ada',
      messageId,
    });
    expect(info.response).toMatch(/^250 .*SUP-\d+ created/);

    const stored = await ticketByMessageId(messageId);
    expect(stored).toMatchObject({
      source: 'email',
      subject: 'Export fails with an API error',
      body: 'Every export over 10k rows fails.\n\nThanks, Ada',
      requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
      suggestedPriority: 'P1',
    });
    await waitForCard(String(stored!._id));
    const card = cardsFor(stored!.key)[0]!;
    expect(card.args.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: `${stored!.key} · Export fails with an API error` },
    });
    expect(JSON.stringify(card.args.blocks)).toContain('Every export over 10k rows fails.');

    const ack = await sink.waitFor((m) => m.subject === `[${stored!.key}] Export fails with an API error`);
    expect(ack.inReplyTo).toBe(messageId);
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.to && 'text' in ack.to ? ack.to.text : '').toContain('ada@example.com');
    expect(ack.text).toContain(stored!.key);

    // Re-delivered (a sending server that lost our 250 tries again): same ticket, nothing new.
    const again = await send({
      subject: 'Export fails with an API error',
      text: 'Every export over 10k rows fails.\n\nThanks, Ada',
      messageId,
    });
    expect(again.response).toMatch(new RegExp(`^250 .*${stored!.key} duplicate`));
    await settled(t.app);
    expect(await models().Ticket.countDocuments({ 'email.messageIds': messageId })).toBe(1);
    expect(cardsFor(stored!.key)).toHaveLength(1);
    expect(acksFor(stored!.key)).toHaveLength(1);
  });

  it('keeps the support address the mail came to, plus-tag included, for SLA routing', async () => {
    const messageId = msgId('tagged');
    const envelope = { from: 'ada@example.com', to: ['help+EU@acme.test'] };
    await client.sendMail({
      from: 'ada@example.com',
      to: 'help+EU@acme.test',
      envelope,
      subject: 'Billing',
      text: 'Invoice?',
      messageId,
    });
    expect((await ticketByMessageId(messageId))!.email).toMatchObject({ to: 'help+eu@acme.test' });
  });

  it('adds a reply to the acknowledgement to its ticket and card thread, once', async () => {
    const ticket = await newEmailTicket('Cannot log in');
    const ack = await sink.waitFor((m) => m.subject === `[${ticket.key}] Cannot log in`);
    const before = await models().Ticket.countDocuments();

    const replyId = msgId('reply');
    const reply = {
      subject: `Re: [${ticket.key}] Cannot log in`,
      messageId: replyId,
      inReplyTo: ack.messageId,
      references: [ticket.messageId, ack.messageId!],
      text: `It also fails on the mobile app <!channel>.\n\nOn Mon, 2 Mar 2026 at 10:00, Support <${SUPPORT}> wrote:\n> Thank you for contacting us.\n> We have received your request.`,
      attachments: [{ filename: 'screenshot.png', content: Buffer.alloc(300, 1), contentType: 'image/png' }],
    };
    expect((await send(reply)).response).toMatch(new RegExp(`${ticket.key} reply`));
    expect(await models().Ticket.countDocuments()).toBe(before);

    const stored = await models().Ticket.findById(ticket._id).lean();
    const event = stored!.timeline.find((e) => e.kind === 'requester_reply')!;
    expect(event.actor).toMatchObject({ type: 'requester', id: 'ada@example.com' });
    expect((event.data as { quote?: string }).quote).toBe('It also fails on the mobile app <!channel>.');
    expect(stored!.email!.messageIds).toContain(replyId);
    expect(stored!.attachments.map((a) => a.filename)).toContain('screenshot.png');

    const note = await t.slack.waitFor(
      () => threadNotes(ticket.card!.ts!).find((n) => n.includes('Reply from')),
      10_000,
      'thread note',
    );
    expect(note).toContain('Ada Lovelace');
    expect(note).toContain('It also fails on the mobile app &lt;!channel&gt;.');
    expect(note).not.toContain('Thank you for contacting us');
    expect(note).toContain('screenshot.png (image/png, 300 B)');

    // The same reply delivered again changes nothing.
    await send(reply);
    await settled(t.app);
    const after = await models().Ticket.findById(ticket._id).lean();
    expect(after!.timeline.filter((e) => e.kind === 'requester_reply')).toHaveLength(1);
    expect(threadNotes(ticket.card!.ts!).filter((n) => n.includes('Reply from'))).toHaveLength(1);
    expect(await models().Ticket.countDocuments()).toBe(before);
  });

  it('joins a ticket by [SUP-n] in the subject only from the requester', async () => {
    const ticket = await newEmailTicket('Billing address wrong');
    const before = await models().Ticket.countDocuments();
    await send({
      subject: `Re: [${ticket.key}] Billing address wrong`,
      text: 'The postcode is 10115, not 10117.',
      messageId: msgId('tag'),
    });
    expect(await models().Ticket.countDocuments()).toBe(before);
    const stored = await models().Ticket.findById(ticket._id).lean();
    expect(stored!.timeline.find((e) => e.kind === 'requester_reply')?.data).toMatchObject({
      matchedBy: 'subject',
      quote: 'The postcode is 10115, not 10117.',
    });
    await t.slack.waitFor(() => threadNotes(ticket.card!.ts!).find((n) => n.includes('10115')), 10_000, 'thread note');

    // A stranger quoting the number cannot write into (or reopen) someone else's ticket: a ticket of their own.
    const strangerId = msgId('stranger');
    await send({
      from: 'mallory@example.net',
      subject: `[${ticket.key}] please refund me`,
      text: 'Refund!',
      messageId: strangerId,
    });
    const theirs = await ticketByMessageId(strangerId);
    expect(theirs!.key).not.toBe(ticket.key);
    expect(
      (await models().Ticket.findById(ticket._id).lean())!.timeline.filter((e) => e.kind === 'requester_reply'),
    ).toHaveLength(1);
  });

  it('reopens a resolved ticket on a reply and resumes one waiting on the customer', async () => {
    const ticket = await newEmailTicket('Webhook deliveries fail');
    const ack = await sink.waitFor((m) => m.subject === `[${ticket.key}] Webhook deliveries fail`);
    await changeTicket(t.app.context, String(ticket._id), { actor: { type: 'user', id: 'UAGENT1' } }, (doc, record) => {
      doc.assignee = 'UAGENT1';
      doc.status = 'resolved';
      doc.resolvedAt = t.clock.now();
      record({ kind: 'resolved', text: 'Resolved by {actor}' });
    });

    await send({
      subject: `Re: [${ticket.key}] Webhook deliveries fail`,
      inReplyTo: ack.messageId,
      text: 'Still failing since this morning.',
      messageId: msgId('reopen'),
    });
    const reopened = await models().Ticket.findById(ticket._id).lean();
    expect(reopened).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(reopened!.resolvedAt ?? undefined).toBeUndefined();
    expect(reopened!.timeline.at(-1)).toMatchObject({
      kind: 'reopened',
      data: { from: 'resolved', to: 'in_progress' },
    });
    await t.slack.waitFor(
      () => threadNotes(ticket.card!.ts!).find((n) => n.includes('Reopened')),
      10_000,
      'reopen note',
    );
    await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.update')
          .find((c) => c.args.ts === ticket.card!.ts && JSON.stringify(c.args.blocks).includes('In progress')),
      10_000,
      'card update',
    );

    await changeTicket(t.app.context, String(ticket._id), { actor: { type: 'user', id: 'UAGENT1' } }, (doc, record) => {
      doc.status = 'waiting_on_customer';
      record({ kind: 'status_changed', text: 'Waiting' });
    });
    await send({
      subject: `Re: [${ticket.key}] Webhook deliveries fail`,
      inReplyTo: ack.messageId,
      text: 'Here are the logs you asked for.',
      messageId: msgId('answer'),
    });
    expect((await models().Ticket.findById(ticket._id).lean())!.status).toBe('in_progress');
  });

  it('opens tickets for automatic mail but never acknowledges it, and an auto-reply does not reopen', async () => {
    const cases: SendMailOptions[] = [
      { headers: { 'Auto-Submitted': 'auto-replied' } },
      { headers: { 'List-Id': 'Customers <customers.lists.example.com>' } },
      { headers: { Precedence: 'bulk' } },
      { from: 'no-reply@vendor.example.com' },
      { from: 'MAILER-DAEMON@mx.example.com' },
      { envelope: { from: '', to: SUPPORT } },
    ];
    for (const [i, extra] of cases.entries()) {
      const messageId = msgId(`auto${i}`);
      await send({ subject: `Automatic ${i}`, text: 'I am out of the office.', messageId, ...extra });
      const stored = await ticketByMessageId(messageId);
      expect(stored, `case ${i}`).toMatchObject({ source: 'email', email: { automated: true } });
      // The acknowledgement would be in the outbox before the 250: nothing there means none will be sent.
      expect(await models().OutboundMail.countDocuments({ ticketId: stored!._id }), `case ${i}`).toBe(0);
    }

    const ticket = await newEmailTicket('Invoice missing');
    const ack = await sink.waitFor((m) => m.subject === `[${ticket.key}] Invoice missing`);
    await changeTicket(t.app.context, String(ticket._id), { actor: { type: 'user', id: 'UAGENT1' } }, (doc, record) => {
      doc.status = 'resolved';
      record({ kind: 'resolved' });
    });
    await send({
      subject: `Automatic reply: [${ticket.key}] Invoice missing`,
      inReplyTo: ack.messageId,
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am on holiday.',
      messageId: msgId('ooo'),
    });
    const stored = await models().Ticket.findById(ticket._id).lean();
    expect(stored).toMatchObject({ status: 'resolved', reopenCount: 0 });
    expect(stored!.timeline.at(-1)).toMatchObject({
      kind: 'requester_reply',
      data: { automated: expect.stringContaining('Auto-Submitted') },
    });
  });

  it('refuses other recipients (550) and oversized mail (552) without writing anything', async () => {
    const before = await counts();
    await expect(
      send({ to: 'sales@acme.test', subject: 'Hi', text: 'x', messageId: msgId('rcpt') }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      send({ subject: 'Huge', text: 'x'.repeat(MAIL_MAX_BYTES + 10_000), messageId: msgId('big') }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await counts()).toEqual(before);
  });

  it('answers 451 when the mail cannot be stored, and takes it on the retry', async () => {
    const keys = models().Ticket;
    const original = keys.exists.bind(keys);
    keys.exists = (() => Promise.reject(new Error('database unavailable'))) as never;
    const messageId = msgId('transient');
    try {
      await expect(send({ subject: 'Transient', text: 'x', messageId })).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      keys.exists = original as never;
    }
    expect(await ticketByMessageId(messageId)).toBeNull();
    expect((await send({ subject: 'Transient', text: 'x', messageId })).response).toMatch(/created/);
  });

  it('lists attachments on the card and keeps only contents within the limit', async () => {
    const ticket = await newEmailTicket('Report attached', {
      attachments: [
        { filename: 'small <b>.txt', content: 'hello', contentType: 'text/plain' },
        {
          filename: 'dump.bin',
          content: Buffer.alloc(KEEP_MAX_BYTES + 500, 7),
          contentType: 'application/octet-stream',
        },
      ],
    });
    expect(ticket.attachments).toMatchObject([
      { filename: 'small <b>.txt', contentType: 'text/plain', size: 5, stored: true },
      { filename: 'dump.bin', size: KEEP_MAX_BYTES + 500, stored: false },
    ]);
    const files = await models().Attachment.find({ ticketId: ticket._id });
    expect(files).toHaveLength(1);
    expect(files[0]!.content!.toString()).toBe('hello');
    const card = JSON.stringify(cardsFor(ticket.key)[0]!.args.blocks);
    expect(card).toContain('small &lt;b&gt;.txt (text/plain, 5 B)');
    expect(card).toContain('dump.bin');
    expect(card).toContain('not kept');
  });

  it('delays the acknowledgement through an outbound SMTP outage without losing or doubling it', async () => {
    sink.down = true;
    const messageId = msgId('outage');
    await send({ subject: 'During the outage', text: 'Hello?', messageId });
    const stored = await ticketByMessageId(messageId);
    const tried = await waitFor(async () => {
      const mail = await models().OutboundMail.findOne({ ticketId: stored!._id }).lean();
      return mail && (mail.attempts ?? 0) >= 2 ? mail : undefined;
    }, 'the mail job to try twice');
    expect(tried.status).toBe('queued');
    expect(acksFor(stored!.key)).toHaveLength(0);
    sink.down = false;
    await sink.waitFor((m) => m.subject === `[${stored!.key}] During the outage`, 20_000);
    await settled(t.app);
    expect(acksFor(stored!.key)).toHaveLength(1);
  });

  it('stores an HTML-only mail as plain text', async () => {
    const messageId = msgId('html');
    await send({
      subject: 'Formatting',
      html: '<html><body><p>The <b>dashboard</b> is blank.</p><ul><li>Chrome 120</li></ul><p><a href="https://app.example.com/x">link</a></p><img src="cid:logo"></body></html>',
      messageId,
    });
    const stored = await ticketByMessageId(messageId);
    expect(stored!.body).toContain('The dashboard is blank.');
    expect(stored!.body).toContain('Chrome 120');
    expect(stored!.body).toContain('https://app.example.com/x');
    expect(stored!.body).not.toMatch(/<[a-z/]/i);
  });

  describe('Postmark inbound webhook', () => {
    const auth = (user = POSTMARK_USER, password = POSTMARK_PASSWORD) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/intake/email/postmark`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth(), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const inbound = (over: Record<string, unknown> = {}) => ({
      MessageID: `pm-${++seq}-${Date.now()}`,
      From: 'grace@example.org',
      FromName: 'Grace Hopper',
      FromFull: { Email: 'Grace@Example.org', Name: 'Grace Hopper', MailboxHash: '' },
      To: SUPPORT,
      Subject: 'Sync is slow',
      Date: 'Mon, 2 Mar 2026 10:00:00 +0000',
      TextBody: 'Sync takes minutes on old devices.',
      HtmlBody: '',
      StrippedTextReply: '',
      Headers: [{ Name: 'Message-ID', Value: msgId('pm') }],
      Attachments: [],
      ...over,
    });

    it('keeps Postmark’s OriginalRecipient as the address the mail came to', async () => {
      const body = { ...inbound(), OriginalRecipient: 'help+us@acme.test' };
      expect((await post(body)).status).toBe(200);
      const stored = await ticketByMessageId(body.Headers[0]!.Value);
      expect(stored!.email).toMatchObject({ to: 'help+us@acme.test' });
    });

    it('creates a ticket with its attachment listed, and joins replies', async () => {
      const res = await post(
        inbound({
          Attachments: [
            {
              Name: 'trace.har',
              ContentType: 'application/json',
              ContentLength: 12,
              Content: Buffer.from('{"log":true}').toString('base64'),
            },
          ],
        }),
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as IntakeAnswer;
      expect(body).toMatchObject({ outcome: 'created', ticket: expect.stringMatching(/^SUP-\d+$/) });
      const stored = await waitForCard(body.id);
      expect(stored).toMatchObject({
        source: 'email',
        requester: { email: 'grace@example.org', name: 'Grace Hopper' },
        body: 'Sync takes minutes on old devices.',
      });
      expect(JSON.stringify(cardsFor(body.ticket)[0]!.args.blocks)).toContain('trace.har (application/json, 12 B)');
      await sink.waitFor((m) => m.subject === `[${body.ticket}] Sync is slow`);

      const reply = await post(
        inbound({
          Subject: `RE: [${body.ticket}] Sync is slow`,
          TextBody: 'Now it is fast again.\n\n-----Original Message-----\nFrom: support',
          StrippedTextReply: 'Now it is fast again.',
          // Postmark's own SPF verdict, first in the headers it posts: the requester's domain, aligned.
          Headers: [
            {
              Name: 'Received-SPF',
              Value: 'Pass (sender SPF authorized) identity=mailfrom; envelope-from="grace@example.org"',
            },
            { Name: 'Message-ID', Value: msgId('pm-reply') },
            { Name: 'In-Reply-To', Value: stored.email!.messageIds.at(-1)! },
          ],
        }),
      );
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ outcome: 'reply', ticket: body.ticket });
      await t.slack.waitFor(
        () => threadNotes(stored.card!.ts!).find((n) => n.includes('Now it is fast again.')),
        10_000,
        'thread note',
      );
    });

    it('dedupes a mail without Message-ID by its content', async () => {
      const first = await post(inbound({ Headers: [], Subject: 'No message id here' }));
      const again = await post(inbound({ Headers: [], Subject: 'No message id here' }));
      const [a, b] = [(await first.json()) as IntakeAnswer, (await again.json()) as IntakeAnswer];
      expect(a.outcome).toBe('created');
      expect(b).toMatchObject({ outcome: 'duplicate', ticket: a.ticket });
    });

    it('stores the HTML body as plain text when there is no text body', async () => {
      const res = await post(inbound({ TextBody: '', HtmlBody: '<div>Button <i>Save</i> does nothing</div>' }));
      const { id } = (await res.json()) as IntakeAnswer;
      expect((await models().Ticket.findById(id).lean())!.body).toBe('Button Save does nothing');
    });

    it('rejects bad credentials, bad bodies and non-JSON, writing nothing', async () => {
      await settled(t.app); // earlier tests' acknowledgements are queued after their answers
      const before = await counts();
      const missing = await post(inbound(), { authorization: '' });
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect((await post(inbound(), { authorization: auth(POSTMARK_USER, 'wrong-password-entirely') })).status).toBe(
        401,
      );
      expect((await post(inbound(), { authorization: auth('someone', POSTMARK_PASSWORD) })).status).toBe(401);

      const invalid = await post({
        MessageID: '',
        FromFull: { Email: 'not an address' },
        Headers: 'nope',
        Attachments: [{ Name: 'x', Content: '***' }],
      });
      expect(invalid.status).toBe(400);
      const fields = ((await invalid.json()) as InvalidAnswer).details.map((d) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining(['MessageID', 'FromFull.Email', 'Headers', 'Attachments.0.Content']),
      );

      expect((await post('From=a@example.com', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(
        415,
      );
      expect((await post('{"MessageID": ')).status).toBe(415);
      expect((await post(JSON.stringify(inbound({ TextBody: 'x'.repeat(MAIL_MAX_BYTES) })))).status).toBe(413);
      expect(await counts()).toEqual(before);
    });

    it('is off (404) without credentials configured, as is the SMTP listener without a port', async () => {
      const plain = await startTestApp({ db: t.db, slack: t.slack, env: { SUPPORT_EMAIL_ADDRESS: SUPPORT } });
      try {
        const res = await fetch(`${plain.url}/intake/email/postmark`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth() },
          body: JSON.stringify(inbound()),
        });
        expect(res.status).toBe(404);
        expect(plain.app.smtpPort).toBeUndefined();
      } finally {
        await plain.stop();
      }
    });
  });
});
