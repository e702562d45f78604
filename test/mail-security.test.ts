import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { addInternalNote } from '../src/domain/replies.js';
import { MAX_TIMELINE_EVENTS } from '../src/domain/timeline-cap.js';
import { ActionIds, CallbackIds, InputIds, stormControlsBlockId } from '../views/ids.js';
import { stubResolver } from './support/dns.js';
import { storedWithCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpDialog } from './support/smtp-dialog.js';
import { SmtpSink } from './support/smtp-sink.js';

const SUPPORT = 'help@acme.test';
const POSTMARK = { user: 'postmark', password: 'correct-horse-battery-staple' };

/**
 * Issue 20: mail that cannot be turned against anyone. Two Deskbell processes on one database, both with
 * their own SMTP listener checking senders themselves (SPF, DKIM, DMARC through a stub DNS): a domain that
 * publishes `-all` and DMARC p=reject can be spoofed only into failing mail.
 */
describe('mail security', () => {
  let a: TestApp;
  let b: TestApp;
  let sink: SmtpSink;
  let viaA: Transporter;
  let viaB: Transporter;
  let seq = 0;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));
  const dns = stubResolver({
    'victim.example': ['v=spf1 -all'],
    '_dmarc.victim.example': ['v=DMARC1; p=reject'],
    // A domain that publishes nothing: its mail can be neither verified nor refuted.
    'silent.example': [],
  });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    const env = {
      SMTP_URL: sink.url,
      SUPPORT_EMAIL_ADDRESS: SUPPORT,
      MAIL_INBOUND_PORT: '0',
      STORM_THRESHOLD: '2',
      STORM_WINDOW_MINUTES: '10',
      STORM_CARD_UPDATE_SECONDS: '1',
      MAIL_MAX_PER_SENDER_PER_HOUR: '4',
      MAIL_MAX_NEW_TICKETS_PER_DOMAIN_PER_HOUR: '4',
      MAIL_AUTO_MAX_PER_HOUR: '3',
      POSTMARK_INBOUND_USER: POSTMARK.user,
      POSTMARK_INBOUND_PASSWORD: POSTMARK.password,
    };
    a = await startTestApp({ label: 'mail_security', clock, dns, env: { ...env, ACK_MAX_PER_HOUR: '50' } });
    b = await startTestApp({ db: a.db, slack: a.slack, clock, dns, env: { ...env, ACK_MAX_PER_HOUR: '2' } });
    viaA = nodemailer.createTransport({ host: '127.0.0.1', port: a.app.smtpPort, secure: false, ignoreTLS: true });
    viaB = nodemailer.createTransport({ host: '127.0.0.1', port: b.app.smtpPort, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    viaA?.close();
    viaB?.close();
    await b?.stop({ keepDb: true });
    await a?.stop();
    await sink?.stop();
  });

  const models = () => a.app.context.models;
  const apps = () => [a.app, b.app];
  const msgId = (label: string) => `<${label}.${++seq}@mail.example.com>`;
  const send = (via: Transporter, mail: SendMailOptions) =>
    via.sendMail({ to: SUPPORT, text: 'Something is broken.', ...mail });
  const ticketOf = (messageId: string) =>
    waitFor(
      async () => (await models().Ticket.findOne({ 'email.messageIds': messageId })) ?? undefined,
      `ticket of ${messageId}`,
    ) as Promise<NonNullable<Awaited<ReturnType<ReturnType<typeof models>['Ticket']['findOne']>>>>;
  const repliesOn = async (id: unknown) =>
    (await models().Ticket.findById(id).lean())!.timeline.filter((e) => e.kind === 'requester_reply');
  const cardText = (key: string) =>
    JSON.stringify(
      a.slack
        .callsTo('chat.postMessage')
        .filter((c) => String(c.args.text).startsWith(`${key} `))
        .map((c) => c.args.blocks),
    );

  describe('who is verified, and mail to many', () => {
    let verified: { key: string; id: string; to: string }[] = [];
    let spoofed: { key: string; id: string }[] = [];
    let stormId = '';

    it('authenticated senders are verified; spoofed and unauthenticated ones are not, and get no acknowledgement when spoofed', async () => {
      const opened = async (from: string, n: number) => {
        const messageId = msgId(`storm${n}`);
        await send(viaA, { from, subject: `Checkout fails for order ${7100 + n}`, messageId });
        return ticketOf(messageId);
      };
      const good = [await opened('ada@good.example', 1), await opened('bob@other.example', 2)];
      const bad = [
        await opened('ceo@victim.example', 3),
        await opened('cfo@victim.example', 4),
        await opened('info@silent.example', 5),
      ];
      verified = good.map((t) => ({ key: t.key, id: t.id, to: t.requester!.email }));
      spoofed = bad.map((t) => ({ key: t.key, id: t.id }));
      for (const t of good) expect(t.requester?.verified).toBe('mail');
      for (const t of bad) expect(t.requester?.verified).toBeUndefined();
      await settled(apps());
      // A spoofed From (SPF -all, DMARC reject) gets nothing from us; the silent domain still gets its acknowledgement.
      expect(sink.messages.filter((m) => /victim\.example/.test(m.to && 'text' in m.to ? m.to.text : ''))).toHaveLength(
        0,
      );
      const victimTicket = await models().Ticket.findById(bad[0]!.id).lean();
      expect((victimTicket!.metadata as Record<string, string>)['auto-acknowledgement']).toMatch(
        /^not sent: sender authentication failed \(dmarc=fail/,
      );
      const storm = await waitFor(
        () =>
          models()
            .Storm.findOne({ 'card.ts': { $ne: null } })
            .lean(),
        'the storm card',
      );
      stormId = String(storm._id);
    });

    it('"Reply to all" names the unverified requesters before sending, and mails only the verified ones', async () => {
      const storm = (await models().Storm.findById(stormId).lean())!;
      await waitFor(
        async () => (await models().Ticket.countDocuments({ 'storm.id': stormId })) === 5,
        'all five in the storm',
      );
      const opens = a.slack.callsTo('views.open').length;
      const click = {
        type: 'button',
        action_id: ActionIds.stormReplyAll,
        block_id: stormControlsBlockId(stormId),
        value: JSON.stringify({ stormId }),
        action_ts: '1772445600.000100',
      };
      await a.sender.blockAction('UALICE', click, { channel: storm.card!.channel!, ts: storm.card!.ts! });
      const modal = await waitFor(() => a.slack.callsTo('views.open')[opens], 'the reply-to-all form');
      const shown = JSON.stringify(modal.args.view);
      expect(shown).toContain('Not mailed: unverified (3)');
      for (const who of ['ceo@victim.example', 'cfo@victim.example', 'info@silent.example'])
        expect(shown).toContain(who);
      expect(shown).not.toContain('ada@good.example');

      const view = {
        id: 'VMAILSEC1',
        callback_id: CallbackIds.stormReplyModal,
        private_metadata: JSON.stringify({ stormId, channel: storm.card!.channel }),
        state: {
          values: {
            [InputIds.stormReplyMessage.block]: {
              [InputIds.stormReplyMessage.action]: { type: 'plain_text_input', value: 'Checkout is fixed.' },
            },
          },
        },
      };
      expect((await a.sender.viewSubmission('UALICE', view)).status).toBe(200);
      await waitFor(
        async () => (await models().Storm.findById(stormId).lean())?.actions[0]?.doneAt,
        'reply to all applied',
      );
      await settled(apps());
      const replies = sink.messages.filter((m) => m.text?.includes('Checkout is fixed.'));
      expect(replies.map((m) => (m.to && 'text' in m.to ? m.to.text : '')).sort()).toEqual([
        'ada@good.example',
        'bob@other.example',
      ]);
      for (const t of spoofed) {
        const events = (await models().Ticket.findById(t.id).lean())!.timeline;
        expect(events.find((e) => e.kind === 'storm_reply_skipped')?.text).toContain('not emailed: unverified');
      }
      const done = (await models().Storm.findById(stormId).lean())!.actions[0]!;
      expect(done).toMatchObject({ applied: 2, unverified: 3 });
    });

    it('every recipient of a mail to many gets a Message-ID of their own that nobody can derive from it', async () => {
      const [ada, bob] = verified as [(typeof verified)[0], (typeof verified)[0]];
      const mailTo = (to: string) =>
        sink.messages.find(
          (m) => m.text?.includes('Checkout is fixed.') && m.to && 'text' in m.to && m.to.text === to,
        )!;
      const adaId = mailTo(ada.to).messageId!;
      const bobId = mailTo(bob.to).messageId!;
      expect(adaId).toMatch(new RegExp(`^<reply\\.${ada.key}\\.[0-9a-f]{32}@acme\\.test>$`));
      // The old scheme shared the request key: swapping the ticket number gave the other's id.
      const forged = adaId.replace(ada.key, bob.key);
      expect(forged).not.toBe(bobId);
      expect(await models().OutboundMail.exists({ messageId: forged })).toBeNull();
      // Ada answers with the forged id: it names nothing of Bob's, so she opens her own ticket.
      const attempt = msgId('forged');
      await send(viaA, {
        from: ada.to,
        subject: 'Re: Checkout',
        inReplyTo: forged,
        references: [forged],
        messageId: attempt,
        text: 'Add me.',
      });
      expect(await repliesOn(bob.id)).toHaveLength(0);
      expect((await ticketOf(attempt)).key).not.toBe(bob.key);
      // With her own id she joins her own ticket: the thread proves she received it, and her From is authenticated.
      await send(viaA, {
        from: ada.to,
        subject: 'Re: Checkout',
        inReplyTo: adaId,
        references: [adaId],
        messageId: msgId('genuine'),
        text: 'Works now.',
      });
      expect((await repliesOn(ada.id)).map((e) => (e.data as { matchedBy?: string }).matchedBy)).toEqual(['thread']);
    });

    it('a reply with the right thread but a spoofed From does not join, nor does an unauthenticated one', async () => {
      const victim = spoofed[0]!;
      // The spoofed mail got no acknowledgement; the storm's thread is the only id around: the first mail's own.
      const first = (await models().Ticket.findById(victim.id).lean())!.email!.messageIds[0]!;
      const spoof = msgId('spoof-join');
      await send(viaA, {
        from: 'ceo@victim.example',
        subject: `Re: [${victim.key}] Checkout`,
        inReplyTo: first,
        messageId: spoof,
        text: 'Reopen this.',
      });
      expect(await repliesOn(victim.id)).toHaveLength(0);
      const theirs = await storedWithCard(a.app, (await ticketOf(spoof))._id);
      expect(cardText(theirs.key)).toContain(
        `${victim.key}: its thread headers name a mail of that ticket, but the sender is not authenticated (dmarc=fail`,
      );
      // Mail that only *says* it passed (a header the sender wrote) changes nothing.
      await send(viaA, {
        from: 'ceo@victim.example',
        subject: `Re: [${victim.key}] Checkout`,
        messageId: msgId('forged-ar'),
        headers: {
          'Authentication-Results':
            'mx.acme.test; spf=pass smtp.mailfrom=victim.example; dkim=pass header.d=victim.example; dmarc=pass',
        },
      });
      expect(await repliesOn(victim.id)).toHaveLength(0);
    });

    it('an SPF pass for the sender’s own unaligned domain does not authenticate the From address', async () => {
      const silentTicket = spoofed[2]!;
      const attempt = msgId('unaligned');
      // MAIL FROM at a domain that passes SPF, From at one that publishes nothing.
      await send(viaA, {
        from: 'info@silent.example',
        envelope: { from: 'bounce@attacker.example', to: SUPPORT },
        subject: `Re: [${silentTicket.key}] Checkout`,
        messageId: attempt,
        text: 'Me again.',
      });
      expect(await repliesOn(silentTicket.id)).toHaveLength(0);
      const theirs = await ticketOf(attempt);
      expect(theirs.requester?.verified).toBeUndefined();
      expect((theirs.metadata as Record<string, string>)['Sender authentication']).toContain('spf=pass');
    });
  });

  describe('Postmark: only Postmark’s own verdict counts', () => {
    const post = (body: Record<string, unknown>) =>
      fetch(`${a.url}/intake/email/postmark`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${POSTMARK.user}:${POSTMARK.password}`).toString('base64')}`,
        },
        body: JSON.stringify({
          MessageID: `pm-${++seq}`,
          FromFull: { Email: 'pat@pm-victim.example' },
          Subject: 'Refund please',
          TextBody: 'Hello',
          ...body,
        }),
      });

    it('a message-supplied Authentication-Results does not override Postmark’s Received-SPF: Fail', async () => {
      const res = await post({
        Headers: [
          {
            Name: 'Received-SPF',
            Value: 'Fail (sender not authorized) identity=mailfrom; envelope-from="pat@pm-victim.example"',
          },
          {
            Name: 'Authentication-Results',
            Value: 'mx.forged.example; spf=pass smtp.mailfrom=pm-victim.example; dmarc=pass',
          },
          { Name: 'Message-ID', Value: msgId('pm-forged') },
        ],
      });
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as { id: string };
      const ticket = (await models().Ticket.findById(id).lean())!;
      expect(ticket.requester?.verified).toBeUndefined();
      expect((ticket.metadata as Record<string, string>)['auto-acknowledgement']).toBe(
        'not sent: sender authentication failed (spf=fail)',
      );
    });

    it('Postmark’s aligned SPF pass or DKIM_VALID_AU verifies the sender', async () => {
      const res = await post({
        FromFull: { Email: 'sam@pm-good.example' },
        Headers: [
          { Name: 'X-Spam-Tests', Value: 'DKIM_SIGNED,DKIM_VALID,DKIM_VALID_AU,SPF_HELO_NONE' },
          { Name: 'Message-ID', Value: msgId('pm-good') },
        ],
      });
      const { id } = (await res.json()) as { id: string };
      expect((await models().Ticket.findById(id).lean())!.requester?.verified).toBe('mail');
    });
  });

  describe('limits shared by every process', () => {
    it('refuses a From that is not exactly one mailbox (550), so no cap can be dodged with a list', async () => {
      const { dialog } = await SmtpDialog.open(a.app.smtpPort!);
      try {
        await dialog.send('EHLO client.example');
        const raw = `From: Bob <junk1,ceo@list.example>\nTo: ${SUPPORT}\nSubject: Hi\nMessage-ID: ${msgId('list')}\n\nHello\n`;
        expect(await dialog.mail('bob@list.example', SUPPORT, raw)).toMatch(
          /^550 5\.6\.0 the mail has no usable From address/,
        );
      } finally {
        dialog.close();
      }
      expect(
        await models().Ticket.countDocuments({
          'requester.email': { $in: ['ceo@list.example', 'bob@list.example', 'junk1,ceo@list.example'] },
        }),
      ).toBe(0);
    });

    it('counts acknowledgements atomically on the normalised address: concurrent mails to one person get at most the limit', async () => {
      // Process B acknowledges at most 2 an hour per address; four arrive at once under different spellings.
      const froms = ['dee@acks.example', 'Dee@ACKS.example', 'dee+1@acks.example', 'DEE+2@acks.example'];
      await Promise.all(
        froms.map((from, i) => send(viaB, { from, subject: `Question ${i}`, messageId: msgId('acks') })),
      );
      await settled(apps());
      const addresses = [...new Set(froms.map((f) => f.toLowerCase()))];
      expect(await models().Ticket.countDocuments({ 'requester.email': { $in: addresses } })).toBe(4);
      const acks = await models()
        .OutboundMail.find({ kind: 'acknowledgement', to: { $in: addresses } })
        .lean();
      expect(acks.length).toBe(2);
    });

    it('one sender’s hourly limit holds across processes', async () => {
      const from = 'eve@limits.example';
      for (const via of [viaA, viaB, viaA, viaB])
        expect((await send(via, { from, subject: 'Limit', messageId: msgId('lim') })).response).toMatch(/^250 /);
      await expect(send(viaB, { from, subject: 'Limit', messageId: msgId('lim') })).rejects.toMatchObject({
        responseCode: 451,
      });
      await expect(
        send(viaA, { from: 'EVE+x@limits.example', subject: 'Limit', messageId: msgId('lim') }),
      ).rejects.toMatchObject({ responseCode: 451 });
    });

    it('new tickets per sender domain and hour are capped for every process together (451, retried later)', async () => {
      const opened: string[] = [];
      for (let i = 0; i < 4; i++) {
        const info = await send(i % 2 ? viaA : viaB, {
          from: `user${i}@flood.example`,
          subject: `Flood ${i}`,
          messageId: msgId('flood'),
        });
        opened.push(String(info.response));
      }
      expect(opened.every((r) => /^250 .*created/.test(r))).toBe(true);
      await expect(
        send(viaA, { from: 'user9@flood.example', subject: 'Flood 9', messageId: msgId('flood') }),
      ).rejects.toMatchObject({ responseCode: 451 });
      clock.advance(61 * 60_000);
      expect(
        (await send(viaA, { from: 'user9@flood.example', subject: 'Flood 9', messageId: msgId('flood') })).response,
      ).toMatch(/^250 /);
    });

    it('automatic mail to one address stops at MAIL_AUTO_MAX_PER_HOUR: later ones are withheld, never sent', async () => {
      // At most 3 automatic mails an hour to one address, whatever triggers them.
      for (let i = 0; i < 4; i++)
        await send(viaA, {
          from: i % 2 ? 'fay+news@auto.example' : 'fay@auto.example',
          subject: `Auto ${i}`,
          messageId: msgId('auto'),
        });
      await settled(apps());
      const mails = await models()
        .OutboundMail.find({ kind: 'acknowledgement', to: { $in: ['fay@auto.example', 'fay+news@auto.example'] } })
        .lean();
      expect(mails).toHaveLength(4);
      expect(mails.filter((m) => m.status === 'sent')).toHaveLength(3);
      expect(mails.filter((m) => m.status === 'withheld').map((m) => m.lastError)).toEqual([
        'recipient reached MAIL_AUTO_MAX_PER_HOUR (3)',
      ]);
      expect(sink.messages.filter((m) => m.subject?.includes('Auto '))).toHaveLength(3);
    });
  });

  describe('bounded documents', () => {
    it('keeps at most 100 thread ids of sane length; a mail that cannot even be parsed is refused for good (550)', async () => {
      const many = Array.from({ length: 5_000 }, (_, i) => `<r${i}@x.example>`).concat(
        `<${'y'.repeat(400)}@x.example>`,
      );
      const messageId = msgId('refs');
      const info = await send(viaA, {
        from: 'gil@refs.example',
        subject: 'Many refs',
        messageId,
        references: many.join(' '),
      });
      expect(info.response).toMatch(/^250 /);
      const ticket = (await ticketOf(messageId)).toObject();
      expect((ticket.timeline[0]!.data as { references: string[] }).references).toHaveLength(20);
      expect(JSON.stringify(ticket)).not.toContain('yyyy');
      // 200,000 ids: the parser itself gives up; answering 451 would have the sender retry it forever.
      const huge = Array.from({ length: 200_000 }, (_, i) => `<r${i}@x.example>`).join(' ');
      await expect(
        send(viaA, { from: 'gil2@refs.example', subject: 'Huge refs', messageId: msgId('huge'), references: huge }),
      ).rejects.toMatchObject({
        responseCode: 550,
      });
    }, 60_000);

    it('caps the timeline: older events move to ticket_events, one record says how many', async () => {
      const messageId = msgId('long-lived');
      await send(viaA, { from: 'hal@long.example', subject: 'A ticket that lives for years', messageId });
      const ticket = await ticketOf(messageId);
      const actor = { type: 'user' as const, id: 'UALICE' };
      // Years of notes, written at once as Deskbell stores them; then the changes that go over the cap.
      const earlier = Array.from({ length: MAX_TIMELINE_EVENTS - 1 }, (_, i) => ({
        _id: new Types.ObjectId(),
        at: new Date(),
        actor,
        kind: 'internal_note',
        text: 'Internal note by {actor}',
        data: { quote: `note ${i}` },
        notify: false,
        dedupeKey: `note:cap-${i}`,
      }));
      await models().Ticket.collection.updateOne({ _id: ticket._id }, {
        $push: { timeline: { $each: earlier } },
      } as never);
      for (let i = MAX_TIMELINE_EVENTS - 1; i < MAX_TIMELINE_EVENTS + 5; i++) {
        await addInternalNote(a.app.context, { ticketId: ticket.id, actor, text: `note ${i}`, requestKey: `cap-${i}` });
      }
      const stored = (await models().Ticket.findById(ticket.id).lean())!;
      expect(stored.timeline.length).toBeLessThanOrEqual(MAX_TIMELINE_EVENTS);
      expect(stored.timeline[0]!.kind).toBe('created');
      const overflow = stored.timeline[1]!;
      expect(overflow.kind).toBe('timeline_archived');
      const moved = (overflow.data as { moved: number }).moved;
      expect(await models().ArchivedEvent.countDocuments({ ticketId: ticket._id })).toBe(moved);
      expect(stored.timeline.at(-1)!.data).toMatchObject({ quote: `note ${MAX_TIMELINE_EVENTS + 4}` });
      expect(moved + stored.timeline.length - 1).toBe(MAX_TIMELINE_EVENTS + 6);
    }, 60_000);
  });
});
