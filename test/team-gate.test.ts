import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeTicket } from '../src/domain/ticket-changes.js';
import { ActionIds, CallbackIds, InputIds, cardControlsBlockId } from '../views/ids.js';
import { ticketWithCard } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';

const TEAM = 'STEAM0009';
const AGENT = 'UAGENT9';
const OUTSIDER = 'UMALLORY9';

/**
 * Issue 10, item 5: with SUPPORT_TEAM_USERGROUP set, every control that changes or reveals a ticket
 * refuses someone outside the group, whatever they send (a click, a modal submission, a shortcut), and a
 * ticket can only be assigned to a member. Signed requests to /slack/events, the real database.
 */
describe('the team gate, from an outsider', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ label: 'team_gate', env: { SUPPORT_TEAM_USERGROUP: TEAM } });
    t.slack.usergroups.set(TEAM, [AGENT]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const stored = async (id: string) => (await t.app.context.models.Ticket.findById(id).lean())!;
  const refusals = () =>
    t.slack
      .callsTo('chat.postEphemeral')
      .filter((c) => c.args.user === OUTSIDER && String(c.args.text).includes('Only members of'));
  /** Whatever the last request set off has finished: Slack handlers and the job queue are idle. */
  const nothingHappens = () => settled(t.app);
  const ephemeralCount = () => refusals().length;
  const waitForRefusal = (before: number) => t.slack.waitFor(() => refusals().length > before, 10_000, 'refusal');

  const newTicket = (subject: string) => ticketWithCard(t.app, subject, { body: 'Private details of the requester.' });
  const button = (
    user: string,
    card: { id: string; channel: string; ts: string },
    actionId: string,
    blockId = 'ticket_workflow',
  ) =>
    t.sender.blockAction(
      user,
      { type: 'button', action_id: actionId, block_id: blockId, value: JSON.stringify({ ticketId: card.id }) },
      card,
    );
  const submit = async (user: string, view: Record<string, unknown>) => {
    const res = await t.sender.viewSubmission(user, { type: 'modal', hash: 'h', ...view });
    const text = await res.text();
    return text ? JSON.parse(text) : {};
  };

  it('reply: the button opens nothing, the template select fills nothing, the submission is refused in the modal', async () => {
    const card = await newTicket('Reply gate');
    const opens = t.slack.callsTo('views.open').length;
    const before = ephemeralCount();
    await button(OUTSIDER, card, ActionIds.reply);
    await waitForRefusal(before);
    expect(t.slack.callsTo('views.open')).toHaveLength(opens);

    // A reply form an outsider got hold of: choosing a template would show the requester's name and subject.
    const updates = t.slack.callsTo('views.update').length;
    const metadata = JSON.stringify({ ticketId: card.id, channel: card.channel, ts: card.ts });
    const again = ephemeralCount();
    await t.sender.interaction({
      type: 'block_actions',
      user: { id: OUTSIDER, username: 'mallory', team_id: 'T0001' },
      trigger_id: 'trig-template',
      container: { type: 'view', view_id: 'VREPLYX' },
      view: {
        id: 'VREPLYX',
        type: 'modal',
        callback_id: CallbackIds.replyModal,
        private_metadata: metadata,
        state: { values: {} },
        hash: 'h',
      },
      actions: [
        {
          type: 'static_select',
          action_id: ActionIds.replyTemplate,
          block_id: InputIds.replyTemplate.block,
          selected_option: { text: { type: 'plain_text', text: 'Acknowledgement' }, value: 'acknowledgement' },
          action_ts: '1772445600.000009',
        },
      ],
    });
    await waitForRefusal(again);
    expect(t.slack.callsTo('views.update')).toHaveLength(updates);

    const answer = await submit(OUTSIDER, {
      id: 'VREPLYX',
      callback_id: CallbackIds.replyModal,
      private_metadata: metadata,
      state: {
        values: {
          [InputIds.replyMessage.block]: {
            [InputIds.replyMessage.action]: { type: 'plain_text_input', value: 'Send me your password' },
          },
        },
      },
    });
    expect(answer.errors[InputIds.replyMessage.block]).toContain(`<!subteam^${TEAM}>`);
    await nothingHappens();
    expect((await stored(card.id)).timeline.filter((e) => e.kind === 'agent_reply')).toHaveLength(0);
  });

  it('resolve: the button opens nothing and the submission is refused in the modal', async () => {
    const card = await newTicket('Resolve gate');
    const opens = t.slack.callsTo('views.open').length;
    const before = ephemeralCount();
    await button(OUTSIDER, card, ActionIds.resolve);
    await waitForRefusal(before);
    expect(t.slack.callsTo('views.open')).toHaveLength(opens);
    const answer = await submit(OUTSIDER, {
      id: 'VRESX',
      callback_id: CallbackIds.resolveModal,
      private_metadata: JSON.stringify({ ticketId: card.id }),
      state: {
        values: {
          [InputIds.resolveSummary.block]: { value: { type: 'plain_text_input', value: 'Done' } },
          [InputIds.resolveVerify.block]: { value: { type: 'plain_text_input', value: 'Look' } },
        },
      },
    });
    expect(answer.errors[InputIds.resolveSummary.block]).toContain(`<!subteam^${TEAM}>`);
    await nothingHappens();
    expect((await stored(card.id)).status).toBe('new');
  });

  it('reopen and Declare P0: refused, nothing changes', async () => {
    const card = await newTicket('Reopen gate');
    await changeTicket(t.app.context, card.id, { actor: { type: 'user', id: AGENT } }, (doc, record) => {
      doc.status = 'resolved';
      doc.resolvedAt = new Date();
      record({ kind: 'resolved' });
    });
    let before = ephemeralCount();
    await button(OUTSIDER, card, ActionIds.reopen);
    await waitForRefusal(before);
    expect(await stored(card.id)).toMatchObject({ status: 'resolved', reopenCount: 0 });

    const other = await newTicket('P0 gate');
    before = ephemeralCount();
    await button(OUTSIDER, other, ActionIds.declareP0, cardControlsBlockId(other.id));
    await waitForRefusal(before);
    expect((await stored(other.id)).priority ?? null).toBeNull();
  });

  it('assign: an outsider cannot assign, and nobody can assign a ticket to an outsider', async () => {
    const card = await newTicket('Assign gate');
    const select = (user: string, assignee: string) =>
      t.sender.blockAction(
        user,
        {
          type: 'users_select',
          action_id: ActionIds.assign,
          block_id: cardControlsBlockId(card.id),
          selected_user: assignee,
        },
        card,
      );
    const before = ephemeralCount();
    await select(OUTSIDER, OUTSIDER);
    await waitForRefusal(before);
    expect((await stored(card.id)).assignee ?? null).toBeNull();

    await select(AGENT, OUTSIDER);
    const told = await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postEphemeral')
          .find((c) => c.args.user === AGENT && String(c.args.text).includes('cannot own a ticket')),
      10_000,
      'refusal to the agent',
    );
    expect(String(told.args.text)).toContain(`<@${OUTSIDER}> is not in <!subteam^${TEAM}>`);
    expect((await stored(card.id)).assignee ?? null).toBeNull();
    expect(t.slack.callsTo('conversations.open').filter((c) => c.args.users === OUTSIDER)).toHaveLength(0);

    await select(AGENT, AGENT);
    await waitFor(async () => (await stored(card.id)).assignee === AGENT, 'the agent to own the ticket');
    expect((await stored(card.id)).assignee).toBe(AGENT);
  });

  it('new ticket: a submitted form creates nothing, and the message shortcut opens no form', async () => {
    const count = await t.app.context.models.Ticket.countDocuments();
    const before = ephemeralCount();
    await t.sender.viewSubmission(OUTSIDER, {
      id: 'VNEWX',
      type: 'modal',
      callback_id: CallbackIds.newTicketModal,
      private_metadata: JSON.stringify({ channel: 'CGENERAL1' }),
      state: {
        values: {
          [InputIds.newEmail.block]: { value: { type: 'plain_text_input', value: 'victim@example.com' } },
          [InputIds.newSubject.block]: { value: { type: 'plain_text_input', value: 'Spam' } },
          [InputIds.newBody.block]: { value: { type: 'plain_text_input', value: 'x' } },
          [InputIds.newAcknowledge.block]: {
            value: { type: 'checkboxes', selected_options: [{ value: 'acknowledge' }] },
          },
        },
      },
    });
    await t.slack.waitFor(
      () =>
        ephemeralCount() > before ||
        t.slack
          .callsTo('chat.postEphemeral')
          .some((c) => c.args.user === OUTSIDER && String(c.args.text).includes('Only')),
      10_000,
      'refusal',
    );
    await nothingHappens();
    expect(await t.app.context.models.Ticket.countDocuments()).toBe(count);

    const opens = t.slack.callsTo('views.open').length;
    const shortcutRefusals = t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === OUTSIDER).length;
    await t.sender.interaction({
      type: 'message_action',
      callback_id: CallbackIds.createFromMessage,
      trigger_id: 'trig-outsider-msg',
      user: { id: OUTSIDER, name: 'mallory' },
      channel: { id: 'CGENERAL1', name: 'general' },
      message_ts: '1700000000.000200',
      response_url: 'https://hooks.slack.invalid/actions/3',
      message: { type: 'message', user: 'UAUTHOR', ts: '1700000000.000200', text: 'Something private' },
    });
    await t.slack.waitFor(
      () => t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === OUTSIDER).length > shortcutRefusals,
      10_000,
      'shortcut refusal',
    );
    await nothingHappens();
    expect(t.slack.callsTo('views.open')).toHaveLength(opens);
    expect(t.slack.callsTo('users.info').filter((c) => c.args.user === 'UAUTHOR')).toHaveLength(0);
  });
});
