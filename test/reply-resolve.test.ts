import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { JobNames } from '../jobs/names.js';
import { acknowledgementId } from '../src/domain/acknowledgement.js';
import { OnceKeys } from '../src/db/once-keys.js';
import { recordSurveyAnswer, signSurveyAnswer } from '../src/domain/csat.js';
import { csatKey } from '../src/domain/settings.js';
import { FakeSlack } from './support/fake-slack.js';
import { postedCard } from './support/fixtures.js';
import { ManualClock, startTestApp, testMessageId, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const AGENT = 'UAGENT01';
const OUTSIDER = 'UOUTSIDE1';
const SUPPORT = 'help@acme.test';

describe('reply, notes, resolve, close, reopen, satisfaction survey', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const slack = await new FakeSlack().start();
    slack.usergroups.set('STEAM01', [AGENT]);
    slack.users.set(AGENT, { id: AGENT, name: 'bob', real_name: 'Bob Baker' });
    t = await startTestApp({
      label: 'reply_resolve',
      slack,
      clock: new ManualClock(new Date('2026-03-02T10:00:00Z')),
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        SUPPORT_TEAM_USERGROUP: 'STEAM01',
        PUBLIC_URL: 'https://desk.acme.test/',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await t.slack.stop();
    await smtp.stop();
  });

  const models = () => t.app.context.models;
  const stored = async (id: string) => (await models().Ticket.findById(id).lean())!;

  /** A ticket from the webhook, with its card posted and its acknowledgement mailed. */
  async function newTicket(subject: string) {
    const res = await sendWebhook(t.url, {
      subject,
      body: 'The CSV export stops at 10k rows.',
      requester: { email: 'ada@example.com', name: 'Ada <Lovelace>' },
    });
    expect(res.status).toBe(201);
    const { id, ticket: key } = (await res.json()) as { id: string; ticket: string };
    const { channel, ts } = await postedCard(t.app, id);
    await smtp.waitFor((m) => m.subject === `[${key}] ${subject}`);
    return { id, key, channel, ts };
  }

  const click = (
    user: string,
    actionId: string,
    ticket: { id: string; channel: string; ts: string },
    actionTs = `${Date.now() / 1000}`,
  ) =>
    t.sender.blockAction(
      user,
      {
        type: 'button',
        action_id: actionId,
        block_id: 'ticket_workflow',
        value: JSON.stringify({ ticketId: ticket.id }),
        action_ts: actionTs,
      },
      { channel: ticket.channel, ts: ticket.ts },
    );

  const openedModal = (callbackId: string, after: number) =>
    t.slack.waitFor(
      () =>
        t.slack
          .callsTo('views.open')
          .slice(after)
          .find((c) => c.args.view?.callback_id === callbackId),
      10_000,
      `views.open ${callbackId}`,
    );

  const threadNote = (ts: string, includes: string) =>
    t.slack.waitFor(
      () => t.slack.messages.find((m) => m.thread_ts === ts && m.text?.includes(includes)),
      10_000,
      `thread note "${includes}"`,
    );

  /** The card as last rendered (chat.update), once it shows `includes`. */
  const cardShowing = (ts: string, includes: string) =>
    t.slack.waitFor(
      () => {
        const last = t.slack
          .callsTo('chat.update')
          .filter((c) => c.args.ts === ts)
          .at(-1);
        return last && JSON.stringify(last.args.blocks).includes(includes) ? last : undefined;
      },
      10_000,
      `card showing ${includes}`,
    );

  const workflowButtons = (blocks: any[]) =>
    (blocks.find((b) => b.block_id === 'ticket_workflow')?.elements ?? []).map((e: any) => e.action_id);

  const submit = async (user: string, view: Record<string, unknown>) => {
    const res = await t.sender.viewSubmission(user, { type: 'modal', hash: 'h1', ...view });
    expect(res.status).toBe(200);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };

  const refs = (m: ParsedMail) => (Array.isArray(m.references) ? m.references : m.references ? [m.references] : []);

  it('replies from a modal with a template: mail threaded in the sink, thread note, first response, card status', async () => {
    const ticket = await newTicket('Export fails');
    const opens = t.slack.callsTo('views.open').length;
    expect((await click(AGENT, 'ticket_reply', ticket)).status).toBe(200);
    const open = await openedModal('reply_modal', opens);
    const metadata = open.args.view.private_metadata;
    expect(JSON.parse(metadata)).toEqual({ ticketId: ticket.id, channel: ticket.channel, ts: ticket.ts });
    expect(JSON.stringify(open.args.view.blocks)).toContain('Ada &lt;Lovelace&gt;');

    // Choosing "More information needed" fills the message and ticks "waiting on the customer".
    const updates = t.slack.callsTo('views.update').length;
    const pick = await t.sender.interaction({
      type: 'block_actions',
      user: { id: AGENT, username: 'bob', team_id: 'T0001' },
      trigger_id: 'trigger-template',
      container: { type: 'view', view_id: 'V_REPLY' },
      view: {
        id: 'V_REPLY',
        hash: 'hash-1',
        type: 'modal',
        callback_id: 'reply_modal',
        private_metadata: metadata,
        state: { values: {} },
      },
      actions: [
        {
          type: 'static_select',
          action_id: 'reply_template',
          block_id: 'reply_template',
          selected_option: { text: { type: 'plain_text', text: 'More information needed' }, value: 'more_information' },
          action_ts: '1772445600.000001',
        },
      ],
    });
    expect(pick.status).toBe(200);
    const update = await t.slack.waitFor(() => t.slack.callsTo('views.update')[updates], 10_000, 'views.update');
    expect(update.args.view_id).toBe('V_REPLY');
    const blocks = update.args.view.blocks as any[];
    const messageInput = blocks.find((b) => String(b.block_id).startsWith('reply_message'));
    expect(messageInput.block_id).not.toBe('reply_message');
    expect(messageInput.element.initial_value).toContain('Hello Ada <Lovelace>,');
    expect(messageInput.element.initial_value).toContain(`To get to the bottom of ${ticket.key}`);
    expect(blocks.find((b) => String(b.block_id).startsWith('reply_waiting')).element.initial_options).toHaveLength(1);

    // An empty message is refused inside the modal, and nothing is sent.
    const refused = await submit(AGENT, {
      id: 'V_REPLY',
      callback_id: 'reply_modal',
      private_metadata: metadata,
      state: { values: { [messageInput.block_id]: { value: { type: 'plain_text_input', value: '   ' } } } },
    });
    expect(refused).toEqual({
      response_action: 'errors',
      errors: { [messageInput.block_id]: 'Write a message to the requester.' },
    });

    const message =
      'Hello Ada,\n\nWhich browser do you use, and roughly how many rows does the export have?\n\nBest regards,';
    const accepted = await submit(AGENT, {
      id: 'V_REPLY',
      callback_id: 'reply_modal',
      private_metadata: metadata,
      state: {
        values: {
          reply_template: { reply_template: { type: 'static_select', selected_option: { value: 'more_information' } } },
          [messageInput.block_id]: { value: { type: 'plain_text_input', value: message } },
          [blocks.find((b) => String(b.block_id).startsWith('reply_waiting')).block_id]: {
            value: { type: 'checkboxes', selected_options: [{ value: 'waiting_on_customer' }] },
          },
        },
      },
    });
    expect(accepted).toBeUndefined();

    const mail = await smtp.waitFor(
      (m) => m.subject === `[${ticket.key}] Export fails` && !!m.text?.includes('Which browser'),
    );
    const ackId = testMessageId(SUPPORT, acknowledgementId({ key: ticket.key, id: ticket.id }), 'ada@example.com');
    expect(mail.inReplyTo).toBe(ackId);
    expect(refs(mail)).toContain(ackId);
    expect(mail.text).toContain('Bob Baker');
    expect(mail.text).toContain(`keep [${ticket.key}] in the subject`);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('ada@example.com');

    const note = await threadNote(ticket.ts, `Replied by <@${AGENT}>`);
    expect(note.text).toContain('now waiting on the customer');
    expect(note.text).toContain('>Which browser do you use');
    await cardShowing(ticket.ts, 'Waiting on customer');

    const after = await stored(ticket.id);
    expect(after.status).toBe('waiting_on_customer');
    expect(after.firstResponseAt).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(after.timeline.filter((e) => e.kind === 'agent_reply')).toHaveLength(1);
    // The reply's own Message-ID joins the thread, so the requester's answer finds the ticket.
    expect(after.email?.messageIds).toContain(mail.messageId);

    // Submitting the same modal again (a double click) sends nothing more.
    await submit(AGENT, {
      id: 'V_REPLY',
      callback_id: 'reply_modal',
      private_metadata: metadata,
      state: { values: { [messageInput.block_id]: { value: { type: 'plain_text_input', value: message } } } },
    });
    await settled(t.app);
    expect(smtp.messages.filter((m) => m.text?.includes('Which browser'))).toHaveLength(1);
  });

  it('resolves with an email carrying five survey links; a GET records nothing, the POST records, a later answer replaces it; forged and expired links are refused without writing', async () => {
    const ticket = await newTicket('Report page blank');
    const opens = t.slack.callsTo('views.open').length;
    await click(AGENT, 'ticket_resolve', ticket);
    const open = await openedModal('resolve_modal', opens);
    const metadata = open.args.view.private_metadata;
    const values = (summary: string, verify: string) => ({
      resolve_summary: { value: { type: 'plain_text_input', value: summary } },
      resolve_verify: { value: { type: 'plain_text_input', value: verify } },
    });

    const refused = await submit(AGENT, {
      id: 'V_RES',
      callback_id: 'resolve_modal',
      private_metadata: metadata,
      state: { values: values('Fixed a null check in the report renderer.', '  ') },
    });
    expect(refused).toEqual({
      response_action: 'errors',
      errors: { resolve_verify: 'Say how the requester can check that it works.' },
    });
    expect((await stored(ticket.id)).status).not.toBe('resolved');

    await submit(AGENT, {
      id: 'V_RES',
      callback_id: 'resolve_modal',
      private_metadata: metadata,
      state: {
        values: values('Fixed a null check in the report renderer.', 'Open Reports > Monthly; the chart appears.'),
      },
    });
    const mail = await smtp.waitFor(
      (m) => m.subject === `[${ticket.key}] Report page blank` && !!m.text?.includes('We have resolved'),
    );
    expect(mail.text).toContain('Fixed a null check in the report renderer.');
    expect(mail.text).toContain('Open Reports > Monthly; the chart appears.');
    expect(mail.text).toContain('If we do not hear from you within 5 days');
    const links = [...(mail.text ?? '').matchAll(/https:\/\/desk\.acme\.test\/csat\/(\S+)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(5);
    expect(mail.inReplyTo).toBe(
      testMessageId(SUPPORT, acknowledgementId({ key: ticket.key, id: ticket.id }), 'ada@example.com'),
    );

    await threadNote(ticket.ts, `Resolved by <@${AGENT}>`);
    const card = await cardShowing(ticket.ts, 'Resolved');
    expect(workflowButtons(card.args.blocks)).toEqual(['ticket_reopen', 'ticket_close', 'ticket_save_article']);
    const resolved = await stored(ticket.id);
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'Fixed a null check in the report renderer.' });
    expect(resolved.resolvedAt).toEqual(new Date('2026-03-02T10:00:00Z'));

    // A GET (what a mail scanner does with every link) shows the question, preselected, and records nothing.
    for (const link of links) expect((await fetch(`${t.url}/csat/${link}`)).status).toBe(200);
    const question = await (await fetch(`${t.url}/csat/${links[3]}`)).text();
    expect(question).toContain('How satisfied are you with the support for');
    expect(question).toMatch(/value="4" checked/);
    expect(question).toContain(`<form method="post" action="${links[3]}">`);
    expect((await stored(ticket.id)).csatScore ?? undefined).toBeUndefined();
    expect((await stored(ticket.id)).timeline.filter((e) => e.kind === 'csat')).toHaveLength(0);
    expect(await models().IdempotencyKey.countDocuments({ _id: { $regex: `^csat:${ticket.id}` } })).toBe(0);

    // The page's form POSTs the answer: score 4 (the fourth link) is recorded and thanked for.
    const postAnswer = (link: string, body = '') =>
      fetch(`${t.url}/csat/${link}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const first = await postAnswer(links[3]!, 'score=4');
    expect(first.status).toBe(200);
    const page = await first.text();
    expect(page).toContain('Thank you');
    expect(page).toContain(ticket.key);
    expect((await stored(ticket.id)).csatScore).toBe(4);
    await threadNote(ticket.ts, 'rated the support 4/5');

    // The same answer posted again changes nothing.
    const again = await postAnswer(links[3]!, 'score=4');
    expect(await again.text()).toContain('already recorded');
    expect((await stored(ticket.id)).timeline.filter((e) => e.kind === 'csat')).toHaveLength(1);

    // A later answer from the requester (another link, the score chosen on the page) replaces the earlier one.
    const second = await postAnswer(links[0]!, 'score=2');
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('replaces your earlier answer');
    const after = await stored(ticket.id);
    expect(after.csatScore).toBe(2);
    expect(after.timeline.filter((e) => e.kind === 'csat').map((e) => (e.data as { score?: number }).score)).toEqual([
      4, 2,
    ]);
    await threadNote(ticket.ts, 'changed their rating from 4/5 to 2/5');

    // A token whose score was changed, or whose signature is wrong, is refused.
    const [payload, sig] = links[3]!.split('.');
    const forgedPayload = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace(/\.4\./, '.5.')).toString(
      'base64url',
    );
    for (const bad of [`${forgedPayload}.${sig}`, `${payload}.${'A'.repeat(43)}`, 'not-a-token']) {
      expect((await fetch(`${t.url}/csat/${bad}`)).status).toBe(400);
      expect((await postAnswer(bad, 'score=5')).status).toBe(400);
    }

    const expired = signSurveyAnswer(csatKey(t.config), {
      ticketId: ticket.id,
      score: 5,
      expiresAt: new Date('2026-03-01T00:00:00Z'),
      surveyId: 'expired-survey',
    });
    const gone = await fetch(`${t.url}/csat/${expired}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('expired');
    expect((await postAnswer(expired, 'score=5')).status).toBe(410);
    const end = await stored(ticket.id);
    expect(end.csatScore).toBe(2);
    expect(end.timeline.filter((e) => e.kind === 'csat')).toHaveLength(2);
    expect(await models().IdempotencyKey.countDocuments({ _id: { $regex: `^csat:${ticket.id}` } })).toBe(1);
  });

  it('keeps one consistent answer when several answers to one survey arrive at once', async () => {
    const ticket = await newTicket('Invoices arrive twice');
    const surveyId = 'concurrent-survey';
    const token = (score: number) =>
      signSurveyAnswer(csatKey(t.config), {
        ticketId: ticket.id,
        score,
        expiresAt: new Date('2026-04-01T00:00:00Z'),
        surveyId,
      });
    const scores = [1, 2, 3, 4, 5, 4, 3, 2];
    const outcomes = await Promise.all(scores.map((score) => recordSurveyAnswer(t.app.context, token(score))));
    expect(outcomes.every((o) => o.kind === 'recorded' || o.kind === 'already')).toBe(true);

    // Each change was decided on the ticket as stored: every event's "previous" is the answer before it.
    const events = (await stored(ticket.id)).timeline
      .filter((e) => e.kind === 'csat')
      .map((e) => e.data as { score: number; previous?: number });
    expect(events.length).toBeGreaterThan(0);
    events.forEach((e, i) => expect(e.previous).toBe(i ? events[i - 1]!.score : undefined));
    const last = events.at(-1)!.score;
    expect((await stored(ticket.id)).csatScore).toBe(last);
    const record = await models().IdempotencyKey.findById(OnceKeys.csatAnswer(ticket.id, surveyId)).lean();
    expect((record?.data as { score?: number } | undefined)?.score).toBe(last);
  });

  it('keeps a team member’s thread message as an internal note, never emailed; others and bots are ignored', async () => {
    const ticket = await newTicket('SSO login loop');
    const mailsBefore = smtp.messages.length;
    const postsBefore = t.slack.callsTo('chat.postMessage').length;
    const message = (user: string, text: string, ts: string, extra: Record<string, unknown> = {}) =>
      t.sender.event({
        type: 'message',
        channel: ticket.channel,
        user,
        text,
        ts,
        thread_ts: ticket.ts,
        client_msg_id: `msg-${ts}`,
        channel_type: 'channel',
        ...extra,
      });

    expect(
      (await message(AGENT, 'Checked the IdP logs: <b>clock skew</b> on their side.', '1772445700.000100')).status,
    ).toBe(200);
    await message(OUTSIDER, 'Is this the same as last week?', '1772445700.000200');
    await message(AGENT, 'bot echo', '1772445700.000300', { bot_id: 'BOTHER' });
    // Slack redelivers an event it thinks was not acknowledged: the note is kept once.
    await message(AGENT, 'Checked the IdP logs: <b>clock skew</b> on their side.', '1772445700.000100');

    const notes = await waitFor(async () => {
      const n = (await stored(ticket.id)).timeline.filter((e) => e.kind === 'internal_note');
      return n.length ? n : undefined;
    }, 'internal note');
    await settled(t.app);
    const final = (await stored(ticket.id)).timeline.filter((e) => e.kind === 'internal_note');
    expect(final).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      actor: { type: 'user', id: AGENT },
      data: { quote: 'Checked the IdP logs: <b>clock skew</b> on their side.', slackTs: '1772445700.000100' },
    });
    expect(smtp.messages.slice(mailsBefore).some((m) => m.text?.includes('clock skew'))).toBe(false);
    expect(
      t.slack
        .callsTo('chat.postMessage')
        .slice(postsBefore)
        .some((c) => String(c.args.text).includes('clock skew')),
    ).toBe(false);
  });

  it('closes and reopens from the card; refuses outsiders and impossible transitions', async () => {
    const ticket = await newTicket('Typo on pricing page');
    const ephemerals = () => t.slack.callsTo('chat.postEphemeral');

    const before = ephemerals().length;
    await click(OUTSIDER, 'ticket_close', ticket);
    const refusal = await t.slack.waitFor(
      () =>
        ephemerals()
          .slice(before)
          .find((c) => c.args.user === OUTSIDER),
      10_000,
      'refusal',
    );
    expect(refusal.args.text).toContain('<!subteam^STEAM01>');
    expect((await stored(ticket.id)).status).toBe('new');

    await click(AGENT, 'ticket_close', ticket);
    await threadNote(ticket.ts, `Closed by <@${AGENT}>`);
    const closedCard = await cardShowing(ticket.ts, 'Closed');
    expect(workflowButtons(closedCard.args.blocks)).toEqual(['ticket_reopen', 'ticket_save_article']);
    const closed = await stored(ticket.id);
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).toBeTruthy();

    const beforeClose = ephemerals().length;
    await click(AGENT, 'ticket_close', ticket);
    const already = await t.slack.waitFor(
      () =>
        ephemerals()
          .slice(beforeClose)
          .find((c) => c.args.user === AGENT),
      10_000,
      'already closed',
    );
    expect(already.args.text).toContain(`${ticket.key} is already closed`);

    await click(AGENT, 'ticket_reopen', ticket);
    await threadNote(ticket.ts, `Reopened by <@${AGENT}>`);
    const reopenedCard = await cardShowing(ticket.ts, 'ticket_resolve');
    expect(workflowButtons(reopenedCard.args.blocks)).toContain('ticket_resolve');
    const reopened = await stored(ticket.id);
    expect(reopened).toMatchObject({ status: 'new', reopenCount: 1 });
    expect(reopened.closedAt ?? null).toBeNull();

    // A reply button on a stale card of a closed ticket does not open the form.
    await click(AGENT, 'ticket_close', ticket);
    await waitFor(async () => (await stored(ticket.id)).status === 'closed', 'closed again');
    const opens = t.slack.callsTo('views.open').length;
    const beforeReply = ephemerals().length;
    await click(AGENT, 'ticket_reply', ticket);
    const stale = await t.slack.waitFor(
      () =>
        ephemerals()
          .slice(beforeReply)
          .find((c) => c.args.user === AGENT),
      10_000,
      'reply refused',
    );
    expect(stale.args.text).toContain('Reopen it before replying');
    expect(t.slack.callsTo('views.open').length).toBe(opens);
  });

  it('closes a resolved ticket by itself after 5 days without a reply', async () => {
    const clock = t.clock as ManualClock;
    const ticket = await newTicket('Invoice PDF missing');
    const opens = t.slack.callsTo('views.open').length;
    await click(AGENT, 'ticket_resolve', ticket);
    const open = await openedModal('resolve_modal', opens);
    await submit(AGENT, {
      id: 'V_AUTO',
      callback_id: 'resolve_modal',
      private_metadata: open.args.view.private_metadata,
      state: {
        values: {
          resolve_summary: { value: { type: 'plain_text_input', value: 'Regenerated the invoice.' } },
          resolve_verify: { value: { type: 'plain_text_input', value: 'Download it again from Billing.' } },
        },
      },
    });
    await waitFor(async () => (await stored(ticket.id)).status === 'resolved', 'resolved');

    // Four days later it is still resolved.
    clock.advance(4 * 86_400_000);
    await t.app.context.agenda.now(JobNames.autoClose);
    await settled(t.app);
    expect((await stored(ticket.id)).status).toBe('resolved');

    clock.advance(86_400_000 + 60_000);
    await t.app.context.agenda.now(JobNames.autoClose);
    const closed = await waitFor(async () => {
      const s = await stored(ticket.id);
      return s.status === 'closed' ? s : undefined;
    }, 'auto-close');
    expect(closed.timeline.filter((e) => e.kind === 'closed')).toHaveLength(1);
    await threadNote(ticket.ts, 'Closed automatically');
    await cardShowing(ticket.ts, 'Closed');
  });
});
