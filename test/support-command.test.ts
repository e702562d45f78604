import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../src/domain/tickets.js';
import { changeTicket } from '../src/domain/ticket-changes.js';
import type { Priority } from '../src/domain/types.js';
import { CallbackIds, InputIds } from '../views/ids.js';
import { submittedView } from './support/new-ticket-view.js';
import { postedCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { SmtpSink } from './support/smtp-sink.js';

const TEAM = 'SSUPPORT1';

describe('/support and the "Create support ticket" shortcut', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    t = await startTestApp({
      label: 'support_cmd',
      clock,
      env: { SMTP_URL: smtp.url, SUPPORT_EMAIL_ADDRESS: 'help@acme.test', SUPPORT_TEAM_USERGROUP: TEAM },
    });
    t.slack.usergroups.set(TEAM, ['U1', 'U2']);
    t.slack.users.set('UAUTHOR', {
      id: 'UAUTHOR',
      name: 'grace',
      real_name: 'Grace Hopper',
      email: 'Grace@Example.com',
    });
  });
  afterAll(async () => {
    await t.stop();
    await smtp.stop();
  });

  const ephemeralsTo = (user: string) => t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === user);
  const waitForEphemeral = (user: string, match: (text: string) => boolean, what: string) =>
    t.slack.waitFor(() => ephemeralsTo(user).find((c) => match(String(c.args.text))), 15_000, what);
  const models = () => t.app.context.models;

  it('/support alone opens the New ticket modal right away', async () => {
    const started = Date.now();
    const res = await t.sender.command('/support', '', 'U1', { trigger_id: 'trig-new-1' });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const open = await t.slack.waitFor(
      () => t.slack.callsTo('views.open').find((c) => c.args.trigger_id === 'trig-new-1'),
      10_000,
      'views.open',
    );
    expect(open.args.view).toMatchObject({
      type: 'modal',
      callback_id: CallbackIds.newTicketModal,
      title: { text: 'New ticket' },
    });
    const blockIds = open.args.view.blocks.map((b: { block_id?: string }) => b.block_id);
    expect(blockIds).toEqual(
      expect.arrayContaining([
        InputIds.newEmail.block,
        InputIds.newSubject.block,
        InputIds.newBody.block,
        InputIds.newCategory.block,
        InputIds.newPriority.block,
        InputIds.newAcknowledge.block,
      ]),
    );
    expect(JSON.parse(open.args.view.private_metadata)).toEqual({ channel: 'CSUPPORT1' });
  });

  it('a valid submission stores a slack ticket once, posts its card, mails the requester and tells the agent with a link', async () => {
    const view = submittedView('VNEW1', {
      email: ' Ada@Example.com ',
      subject: 'Export <fails> for @channel',
      body: 'Every export over 10k rows fails.',
      category: 'bug',
      priority: 'P1',
    });
    const res = await t.sender.viewSubmission('U1', view);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await t.sender.viewSubmission('U1', view); // a double click submits the same view again

    const told = await waitForEphemeral('U1', (x) => x.includes('Opened *SUP-'), 'confirmation');
    const key = /\*(SUP-\d+)\*/.exec(String(told.args.text))![1]!;
    const stored = await models().Ticket.findOne({ key }).lean();
    expect(stored).toMatchObject({
      source: 'slack',
      subject: 'Export <fails> for @channel',
      requester: { email: 'ada@example.com' },
      category: 'bug',
      priority: 'P1',
      status: 'triaged',
    });
    expect(stored!.timeline[0]).toMatchObject({ kind: 'created', actor: { type: 'user', id: 'U1' } });
    expect(await models().Ticket.countDocuments({ subject: 'Export <fails> for @channel' })).toBe(1);

    expect(told.args.channel).toBe('CSUPPORT1');
    const text = String(told.args.text);
    expect(text).toContain('Export &lt;fails&gt; for @\u2060channel');
    expect(text).toContain(
      `<https://acme.slack.com/archives/${stored!.card!.channel}/p${stored!.card!.ts!.replace('.', '')}|Open its card>`,
    );
    expect(text).toContain('The requester is emailed an acknowledgement.');

    const cards = t.slack
      .callsTo('chat.postMessage')
      .filter((c) => !c.args.thread_ts && String(c.args.text).startsWith(`${key} `));
    expect(cards).toHaveLength(1);
    expect(cards[0]!.args.channel).toBe('CSUPPORT1');
    const mail = await smtp.waitFor((m) => m.subject === `[${key}] Export <fails> for @channel`);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain('ada@example.com');
  });

  it('does not mail the requester when the acknowledgement box is unticked', async () => {
    await t.sender.viewSubmission(
      'U2',
      submittedView('VNEW2', { email: 'bob@example.com', subject: 'Internal heads-up', acknowledge: false }),
    );
    const told = await waitForEphemeral('U2', (x) => x.includes('Internal heads-up'), 'confirmation');
    expect(String(told.args.text)).toContain('The requester was not emailed.');
    const stored = await models().Ticket.findOne({ subject: 'Internal heads-up' });
    expect(stored).toBeTruthy();
    expect(await models().OutboundMail.countDocuments({ ticketId: stored!._id })).toBe(0);
  });

  it('an invalid email or empty subject keeps the modal open with errors and creates nothing', async () => {
    const before = await models().Ticket.countDocuments();
    const res = await t.sender.viewSubmission('U1', submittedView('VBAD1', { email: 'not-an-email', subject: '   ' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[InputIds.newEmail.block]).toMatch(/email address/);
    expect(body.errors[InputIds.newSubject.block]).toMatch(/subject/);
    const forged = await t.sender.viewSubmission(
      'U1',
      submittedView('VBAD2', { email: 'a@example.com', subject: 'ok', priority: 'P9' }),
    );
    expect(((await forged.json()) as { errors: Record<string, string> }).errors[InputIds.newPriority.block]).toMatch(
      /priorit/,
    );
    expect(await models().Ticket.countDocuments()).toBe(before);
  });

  it('the message shortcut opens the modal filled from the message, and the ticket keeps the link and the author', async () => {
    const res = await t.sender.interaction({
      type: 'message_action',
      callback_id: CallbackIds.createFromMessage,
      trigger_id: 'trig-msg-1',
      user: { id: 'U1', name: 'u1' },
      channel: { id: 'CGENERAL1', name: 'general' },
      message_ts: '1700000000.000100',
      response_url: 'https://hooks.slack.invalid/actions/2',
      message: {
        type: 'message',
        user: 'UAUTHOR',
        ts: '1700000000.000100',
        text: 'Login page returns 500 &amp; <@U9> cannot log in\nSince this morning, see <https://status.example.com|status>',
      },
    });
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor(
      () => t.slack.callsTo('views.open').find((c) => c.args.trigger_id === 'trig-msg-1'),
      10_000,
      'views.open',
    );
    const blocks = open.args.view.blocks as Array<{
      block_id?: string;
      element?: { initial_value?: string };
      elements?: Array<{ text: string }>;
    }>;
    const initial = (block: string) => blocks.find((b) => b.block_id === block)?.element?.initial_value;
    expect(initial(InputIds.newEmail.block)).toBe('Grace@Example.com');
    expect(initial(InputIds.newSubject.block)).toBe('Login page returns 500 & @U9 cannot log in');
    expect(initial(InputIds.newBody.block)).toContain('see status (https://status.example.com)');
    const permalink = 'https://acme.slack.com/archives/CGENERAL1/p1700000000000100';
    expect(blocks[0]!.elements![0]!.text).toContain(permalink);
    expect(t.slack.callsTo('users.info').some((c) => c.args.user === 'UAUTHOR')).toBe(true);

    const metadata = JSON.parse(open.args.view.private_metadata);
    await t.sender.viewSubmission(
      'U1',
      submittedView(
        'VMSG1',
        {
          email: 'grace@example.com',
          subject: 'Login page returns 500',
          body: initial(InputIds.newBody.block),
          acknowledge: false,
        },
        metadata,
      ),
    );
    const told = await waitForEphemeral('U1', (x) => x.includes('Login page returns 500'), 'confirmation');
    expect(told.args.channel).toBe('CGENERAL1');
    const stored = await models().Ticket.findOne({ subject: 'Login page returns 500' }).lean();
    expect(stored).toMatchObject({
      source: 'slack',
      requester: { email: 'grace@example.com', name: 'Grace Hopper' },
      metadata: { 'Slack message': permalink },
      suggestedPriority: 'P0',
    });
  });

  it('/support SUP-n shows the ticket with its card link; an unknown number says how to find one', async () => {
    const { ticket } = await createTicket(t.app.context, {
      source: 'webhook',
      requester: { email: 'eve@example.com', name: 'Eve <!here>' },
      subject: 'Billing page <script>',
      body: 'Invoice totals are off by one cent',
      priority: 'P2',
      idempotencyKeys: ['lookup-1'],
      acknowledge: false,
    });
    const card = await postedCard(t.app, ticket.id);
    await t.sender.command('/support', ticket.key.toLowerCase(), 'U2', { channel_id: 'CSUPPORT1' });
    const told = await waitForEphemeral('U2', (x) => x.includes(ticket.key), 'ticket summary');
    const text = String(told.args.text);
    expect(text).toContain('Billing page &lt;script&gt;');
    expect(text).toContain('Eve &lt;!here&gt;');
    expect(text).toContain('P2 medium');
    expect(text).toContain('_unassigned_');
    expect(text).toContain(
      `<https://acme.slack.com/archives/${card.channel}/p${card.ts.replace('.', '')}|Open its card in the support channel>`,
    );
    expect(t.slack.callsTo('chat.getPermalink').some((c) => c.args.message_ts === card.ts)).toBe(true);

    await t.sender.command('/support', 'SUP-999999', 'U2');
    const missing = await waitForEphemeral('U2', (x) => x.includes('SUP-999999'), 'not found');
    expect(String(missing.args.text)).toContain("I can't find *SUP-999999*");
  });

  it('/support queue lists unassigned open tickets by priority then age, capped; /support mine lists the caller’s', async () => {
    const make = async (key: string, subject: string, priority?: Priority) => {
      clock.advance(60_000);
      return (
        await createTicket(t.app.context, {
          source: 'webhook',
          requester: { email: 'q@example.com' },
          subject,
          body: '',
          priority,
          idempotencyKeys: [key],
          acknowledge: false,
        })
      ).ticket;
    };
    const oldLow = await make('q-low', 'Queue: typo on pricing page', 'P3');
    const suggestedCritical = await make('q-outage', 'Queue: outage, site is down'); // untriaged, suggested P0
    const high = await make('q-high', 'Queue: integration broken', 'P1');
    const critical = await make('q-crit', 'Queue: data loss', 'P0');
    for (let i = 0; i < 14; i++) await make(`q-fill-${i}`, `Queue: filler ${i}`, 'P2');
    const mine = await make('q-mine', 'Queue: mine', 'P2');
    await changeTicket(t.app.context, mine.id, { actor: { type: 'user', id: 'U1' } }, (tk, record) => {
      tk.assignee = 'U1';
      record({ kind: 'assigned' });
    });

    await t.sender.command('/support', 'queue', 'U1');
    const told = await waitForEphemeral('U1', (x) => x.startsWith('*Unassigned open tickets*'), 'queue');
    const text = String(told.args.text);
    const order = [suggestedCritical, critical, high, oldLow].map((x) => text.search(new RegExp(`${x.key}(?!\\d)`)));
    // P0s first, the untriaged one by its suggestion and oldest first, then P1; 15 fit, so the P3 is beyond the cap.
    expect(order[0]).toBeGreaterThan(-1);
    expect(order[1]).toBeGreaterThan(order[0]!);
    expect(order[2]).toBeGreaterThan(order[1]!);
    expect(order[3]).toBe(-1);
    expect(text).not.toMatch(new RegExp(`${mine.key}(?!\\d)`));
    const total = await t.app.context.models.Ticket.countDocuments({
      assignee: { $in: [null] },
      status: { $in: ['new', 'triaged', 'in_progress', 'waiting_on_customer'] },
    });
    expect(text).toContain(`(${total})`);
    expect(text).toContain(`_and ${total - 15} more_`);
    expect(text.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(15);

    await t.sender.command('/support', 'mine', 'U1');
    const own = await waitForEphemeral('U1', (x) => x.startsWith('*Your open tickets*'), 'mine');
    expect(String(own.args.text)).toContain(mine.key);
    expect(String(own.args.text)).toContain('(1)');
  });

  it('/support help and unknown words answer with the usage in the acknowledgement', async () => {
    const help = (await (await t.sender.command('/support', 'help', 'U3')).json()) as {
      text: string;
      response_type: string;
    };
    expect(help.response_type).toBe('ephemeral');
    expect(help.text).toContain('/support SUP-123');
    expect(help.text).toContain('/support queue');
    const unknown = (await (await t.sender.command('/support', 'frobnicate <b>', 'U3')).json()) as { text: string };
    expect(unknown.text).toContain("I don't know `frobnicate &lt;b&gt;`");
  });

  it('refuses people outside the support team, naming the group', async () => {
    await t.sender.command('/support', 'queue', 'UOUTSIDER');
    const told = await waitForEphemeral('UOUTSIDER', (x) => x.includes('Only members of'), 'refusal');
    expect(String(told.args.text)).toContain(`<!subteam^${TEAM}>`);
    await t.sender.command('/support', '', 'UOUTSIDER', { trigger_id: 'trig-outsider' });
    await t.slack.waitFor(
      () => ephemeralsTo('UOUTSIDER').filter((c) => String(c.args.text).includes('Only members of')).length === 2,
      10_000,
      'second refusal',
    );
    expect(t.slack.callsTo('views.open').some((c) => c.args.trigger_id === 'trig-outsider')).toBe(false);
  });

  it('tells the user when Slack no longer accepts the trigger', async () => {
    t.slack.fail('views.open', { error: 'expired_trigger_id' });
    const tickets = await t.app.context.models.Ticket.countDocuments();
    const res = await t.sender.command('/support', '', 'U2', { trigger_id: 'trig-late' });
    expect(res.status).toBe(200);
    const told = await waitForEphemeral('U2', (x) => x.includes('Slack took too long'), 'expired trigger message');
    expect(told.args).toMatchObject({ channel: 'CSUPPORT1', user: 'U2' });
    expect(String(told.args.text)).toContain('Slack took too long to open the form. Please try again.');
    expect(String(told.args.text)).not.toMatch(/expired_trigger_id|Error|at /);
    expect(t.slack.callsTo('views.open').filter((c) => c.args.trigger_id === 'trig-late')).toHaveLength(1);
    expect(await t.app.context.models.Ticket.countDocuments()).toBe(tickets);
  });
});
