import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketCard } from '../views/ticket-card.js';
import { ActionIds, CallbackIds, InputIds, cardControlsBlockId } from '../views/ids.js';
import { ticketWithCard } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import type { ModalErrors } from './support/slack-requests.js';

const TEAM = 'STEAM0001';
const L2_GROUP = 'SL2ENG001';
const MANAGEMENT_GROUP = 'SMGMT0001';
const MEMBERS = ['UALICE', 'UBOB', 'UCAROL', 'UDAVE'];

interface Card {
  id: string;
  key: string;
  channel: string;
  ts: string;
}

describe('triage actions on the card', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      label: 'triage',
      env: {
        SUPPORT_TEAM_USERGROUP: TEAM,
        ESCALATION_L2_USERGROUP: L2_GROUP,
        ESCALATION_MANAGEMENT_USERGROUP: MANAGEMENT_GROUP,
      },
    });
    t.slack.usergroups.set(TEAM, MEMBERS);
  });
  afterAll(async () => {
    await t.stop();
  });

  const newTicket = (
    subject: string,
    body: string,
    requester = { email: 'ada@example.com', name: 'Ada Lovelace' },
  ): Promise<Card> =>
    ticketWithCard(t.app, subject, {
      body,
      requester,
      idempotencyKeys: [`triage-test-${Math.random().toString(36).slice(2)}`],
    });

  const stored = (id: string) => t.app.context.models.Ticket.findById(id).lean();
  const message = (card: Card) => t.slack.messages.find((m) => m.channel === card.channel && m.ts === card.ts)!;
  const notes = (card: Card) => t.slack.messages.filter((m) => m.thread_ts === card.ts).map((m) => m.text ?? '');
  const updates = (card: Card) => t.slack.callsTo('chat.update').filter((c) => c.args.ts === card.ts);
  const ephemeralsTo = (user: string) => t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === user);
  const waitForNote = (card: Card, text: string) =>
    t.slack.waitFor(() => notes(card).find((n) => n.includes(text)), 10_000, `thread note "${text}"`);
  const controlsOf = (card: Card) =>
    (message(card).blocks as any[]).find((b) => b.block_id === cardControlsBlockId(card.id));

  const selectPriority = (user: string, card: Card, priority: string, extra: Record<string, unknown> = {}) =>
    t.sender.blockAction(
      user,
      {
        type: 'static_select',
        action_id: ActionIds.setPriority,
        block_id: cardControlsBlockId(card.id),
        selected_option: { text: { type: 'plain_text', text: priority }, value: priority },
        ...extra,
      },
      card,
    );
  const selectAssignee = (user: string, card: Card, assignee: string, extra: Record<string, unknown> = {}) =>
    t.sender.blockAction(
      user,
      {
        type: 'users_select',
        action_id: ActionIds.assign,
        block_id: cardControlsBlockId(card.id),
        selected_user: assignee,
        ...extra,
      },
      card,
    );
  const button = (user: string, card: Card, actionId: string) =>
    t.sender.blockAction(
      user,
      {
        type: 'button',
        action_id: actionId,
        block_id: 'ticket_workflow',
        value: JSON.stringify({ ticketId: card.id }),
      },
      card,
    );

  /** The card as the app renders the stored ticket, in the JSON form Slack received it. */
  async function renderedFromStore(id: string) {
    const doc = await t.app.context.models.Ticket.findById(id);
    return JSON.parse(
      JSON.stringify(
        ticketCard(
          { ...(doc!.toObject() as object), id: doc!.id } as never,
          t.app.context.policy,
          t.app.context.settings.knowledge.feedbackTags,
        ),
      ),
    );
  }

  /** No card update, thread note or DM is pending any more, and no click is still being handled. */
  const settledNow = () => settled(t.app);

  it('sets the priority from the select: card updated in place, a note in its thread, a timeline entry', async () => {
    const card = await newTicket('Export broken for big workspaces', 'The export button is broken since Monday.');
    expect((await stored(card.id))!.suggestedPriority).toBe('P1');

    const started = Date.now();
    const res = await selectPriority('UALICE', card, 'P2');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);

    const note = await waitForNote(card, 'Priority set to P2');
    expect(note).toBe('Priority set to P2 by <@UALICE> (suggested P1), category Bug / technical issue');
    await t.slack.waitFor(
      () => updates(card).find((u) => String(u.args.text).includes('[P2] Triaged')),
      10_000,
      'card update',
    );
    const blocks = JSON.stringify(message(card).blocks);
    expect(blocks).toContain('*P2 medium*');
    expect(controlsOf(card).elements[0].initial_option.value).toBe('P2');

    const doc = (await stored(card.id))!;
    expect(doc).toMatchObject({ priority: 'P2', status: 'triaged', category: 'bug' });
    expect(doc.timeline.at(-1)).toMatchObject({
      kind: 'priority_set',
      actor: { type: 'user', id: 'UALICE' },
      data: { priority: 'P2', previous: null, suggested: 'P1' },
    });
    expect(ephemeralsTo('UALICE')).toHaveLength(0);
  });

  it('applies P0 only from its own button, behind a Block Kit confirm dialog', async () => {
    const card = await newTicket('Site returns 500s', 'Everything is down for all customers.');
    const controls = controlsOf(card);
    expect(controls.elements[0].options.map((o: any) => o.value)).toEqual(['P1', 'P2', 'P3']);
    const declare = controls.elements.find((e: any) => e.action_id === ActionIds.declareP0);
    expect(declare).toMatchObject({
      type: 'button',
      style: 'danger',
      confirm: {
        title: { text: `Declare ${card.key} P0?` },
        confirm: { text: 'Declare P0' },
        deny: { text: 'Cancel' },
        style: 'danger',
      },
    });
    expect(declare.confirm.text.text).toContain('15 min');

    // A forged or stale select choosing P0 skips the dialog: refused.
    await selectPriority('UBOB', card, 'P0');
    const refusal = await t.slack.waitFor(
      () => ephemeralsTo('UBOB').find((c) => String(c.args.text).includes('Declare P0')),
      10_000,
      'P0 refusal',
    );
    expect(refusal.args.channel).toBe(card.channel);
    expect((await stored(card.id))!.priority).toBeNull();

    // Slack sends the button's action only after the agent confirmed the dialog.
    await t.sender.blockAction(
      'UBOB',
      {
        type: 'button',
        action_id: ActionIds.declareP0,
        block_id: cardControlsBlockId(card.id),
        value: JSON.stringify({ ticketId: card.id }),
      },
      card,
    );
    await waitForNote(card, 'Priority set to P0 by <@UBOB>');
    await t.slack.waitFor(() => updates(card).find((u) => String(u.args.text).includes('[P0]')), 10_000, 'card update');
    const after = controlsOf(card);
    expect(after.elements[0].options.map((o: any) => o.value)).toEqual(['P0', 'P1', 'P2', 'P3']);
    expect(after.elements[0].initial_option.value).toBe('P0');
    expect(after.elements.some((e: any) => e.action_id === ActionIds.declareP0)).toBe(false);
    const doc = (await stored(card.id))!;
    expect(doc.priority).toBe('P0');
    expect(doc.timeline.filter((e) => e.kind === 'priority_set')).toHaveLength(1);
  });

  it('assigns from the select, DMs the assignee a link to the card, and notes a takeover', async () => {
    const card = await newTicket('Cannot log in', 'SSO login fails with an error.');
    await selectAssignee('UALICE', card, 'UBOB');
    expect(await waitForNote(card, 'Assigned to')).toBe('Assigned to <@UBOB> by <@UALICE>');
    const permalink = `https://acme.slack.com/archives/${card.channel}/p${card.ts.replace('.', '')}`;
    const dm = await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postMessage')
          .find((c) => c.args.channel === 'UBOB' && String(c.args.text).includes(card.key)),
      10_000,
      'DM to the assignee',
    );
    expect(dm.args.text).toContain(`<${permalink}|`);
    expect(dm.args.text).toContain('<@UALICE> assigned you');
    expect(
      t.slack
        .callsTo('chat.getPermalink')
        .some((c) => c.args.message_ts === card.ts && c.args.channel === card.channel),
    ).toBe(true);
    await t.slack.waitFor(
      () => controlsOf(card).elements.find((e: any) => e.action_id === ActionIds.assign)?.initial_user === 'UBOB',
      10_000,
      'card shows assignee',
    );
    expect(JSON.stringify(message(card).blocks)).toContain('*Assignee*\\n<@UBOB>');
    expect((await stored(card.id))!).toMatchObject({ assignee: 'UBOB', status: 'in_progress' });

    await button('UCAROL', card, ActionIds.assignToMe);
    expect(await waitForNote(card, 'took over')).toBe('<@UCAROL> took over from <@UBOB>');
    await t.slack.waitFor(
      () => controlsOf(card).elements.find((e: any) => e.action_id === ActionIds.assign)?.initial_user === 'UCAROL',
      10_000,
      'card shows new assignee',
    );
    const doc = (await stored(card.id))!;
    expect(doc.assignee).toBe('UCAROL');
    expect(
      doc.timeline.filter((e) => e.kind === 'assigned').map((e) => (e.data as { previous?: string | null }).previous),
    ).toEqual([null, 'UBOB']);
    await settledNow();
    // Taking a ticket yourself needs no DM.
    expect(t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'UCAROL')).toHaveLength(0);

    // Apps cannot own tickets.
    t.slack.users.set('UHELPERBOT', { id: 'UHELPERBOT', name: 'helper', is_bot: true } as never);
    await selectAssignee('UALICE', card, 'UHELPERBOT');
    await t.slack.waitFor(
      () => ephemeralsTo('UALICE').find((c) => String(c.args.text).includes('cannot own a ticket')),
      10_000,
      'bot refusal',
    );
    expect((await stored(card.id))!.assignee).toBe('UCAROL');
  });

  it('escalates through the modal: invalid input answered in the modal, then the escalation post mentions the level’s group', async () => {
    const card = await newTicket('Data export <!channel> corrupt', 'Rows are missing and the export fails.', {
      email: 'eve@example.com',
      name: 'Eve <@U999>',
    });
    await button('UDAVE', card, ActionIds.escalate);
    const open = await t.slack.waitFor(() => t.slack.callsTo('views.open').at(-1), 10_000, 'views.open');
    expect(open.args.trigger_id).toMatch(/^trigger-/);
    const view = open.args.view;
    expect(view.callback_id).toBe(CallbackIds.escalateModal);
    expect(JSON.parse(view.private_metadata)).toEqual({ ticketId: card.id, channel: card.channel, ts: card.ts });
    const levelInput = view.blocks.find((b: any) => b.block_id === InputIds.escalateLevel.block).element;
    expect(levelInput.options.map((o: any) => o.value)).toEqual(['L2', 'L3', 'management']);
    expect(levelInput.initial_option.value).toBe('L2');

    const submit = (
      form: Partial<Record<'level' | 'reason' | 'users' | 'severity' | 'tried' | 'needed', string>>,
      viewId = 'VESCALATE1',
      user = 'UDAVE',
    ) =>
      t.sender.viewSubmission(user, {
        id: viewId,
        type: 'modal',
        callback_id: CallbackIds.escalateModal,
        private_metadata: view.private_metadata,
        state: {
          values: {
            [InputIds.escalateLevel.block]: {
              [InputIds.escalateLevel.action]: {
                type: 'static_select',
                selected_option: form.level ? { value: form.level } : null,
              },
            },
            [InputIds.escalateReason.block]: {
              [InputIds.escalateReason.action]: { type: 'plain_text_input', value: form.reason ?? null },
            },
            [InputIds.escalateUsers.block]: {
              [InputIds.escalateUsers.action]: { type: 'number_input', value: form.users ?? null },
            },
            [InputIds.escalateSeverity.block]: {
              [InputIds.escalateSeverity.action]: {
                type: 'static_select',
                selected_option: form.severity ? { value: form.severity } : null,
              },
            },
            [InputIds.escalateTried.block]: {
              [InputIds.escalateTried.action]: { type: 'plain_text_input', value: form.tried ?? null },
            },
            [InputIds.escalateNeeded.block]: {
              [InputIds.escalateNeeded.action]: { type: 'plain_text_input', value: form.needed ?? null },
            },
          },
        },
      });
    const good = {
      level: 'L2',
      reason: 'Exports drop rows <!channel>; support cannot see the database.',
      users: '40',
      severity: 'major',
      tried: 'Re-ran the export twice; same rows missing.',
      needed: 'An engineer to check the export job logs.',
    };

    const invalid = await submit({ ...good, reason: 'bad', users: 'lots', severity: 'catastrophic' });
    expect(invalid.status).toBe(200);
    const body = (await invalid.json()) as ModalErrors;
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(
      [InputIds.escalateReason.block, InputIds.escalateSeverity.block, InputIds.escalateUsers.block].sort(),
    );
    expect(body.errors[InputIds.escalateUsers.block]).toContain('number');
    const downward = (await (await submit({ ...good, level: 'L1' })).json()) as ModalErrors;
    expect(downward.errors[InputIds.escalateLevel.block]).toContain('only goes upward');
    const outsider = (await (await submit(good, 'VESCALATE2', 'UMALLORY')).json()) as ModalErrors;
    expect(outsider.errors[InputIds.escalateLevel.block]).toContain(`<!subteam^${TEAM}>`);
    expect((await stored(card.id))!.escalationLevel).toBe('L1');

    const ok = await submit(good);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    const post = await waitForNote(card, 'Escalated to L2 engineering');
    expect(post.split('\n')).toEqual([
      `:rotating_light: *Escalated to L2 engineering* <!subteam^${L2_GROUP}> by <@UDAVE> (from L1 support)`,
      expect.stringMatching(/^\*Priority:\* not set \(suggested P\d/),
      `*Ticket:* ${card.key} · Data export &lt;!channel&gt; corrupt`,
      '*Requester:* Eve &lt;@U999&gt; (eve@example.com)',
      '*Issue:* Exports drop rows &lt;!channel&gt;; support cannot see the database.',
      '*Impact:* 40 users affected · Major: key feature broken, no workaround',
      '*What was tried:* Re-ran the export twice; same rows missing.',
      '*What is needed:* An engineer to check the export job logs.',
      expect.stringMatching(/^\*Urgency:\* .*first response due <!date\^\d+\^.*resolution due <!date/),
    ]);
    await t.slack.waitFor(
      () => JSON.stringify(message(card).blocks).includes('*Escalation*\\nL2 engineering'),
      10_000,
      'card shows L2',
    );
    const doc = (await stored(card.id))!;
    expect(doc.escalationLevel).toBe('L2');
    expect(doc.timeline.at(-1)).toMatchObject({
      kind: 'escalated',
      actor: { id: 'UDAVE' },
      data: { escalation: { from: 'L1', level: 'L2', usersAffected: 40, severity: 'major' } },
    });

    // Upward skipping a level is allowed; at the top the card offers no Escalate button any more.
    await submit(
      { ...good, level: 'management', needed: 'A decision on compensating affected customers.' },
      'VESCALATE3',
    );
    expect(await waitForNote(card, 'Escalated to Management')).toContain(
      `<!subteam^${MANAGEMENT_GROUP}> by <@UDAVE> (from L2 engineering)`,
    );
    await t.slack.waitFor(
      () =>
        !JSON.stringify(message(card).blocks).includes(ActionIds.escalate) &&
        JSON.stringify(message(card).blocks).includes('Management'),
      10_000,
      'card without Escalate',
    );
  });

  it('refuses a user outside the support team with the reason, and changes nothing', async () => {
    const card = await newTicket('Typo on pricing page', 'There is a typo in the footer.');
    const before = await stored(card.id);
    await settledNow();
    const updatesBefore = updates(card).length;
    const opensBefore = t.slack.callsTo('views.open').length;

    await selectPriority('UMALLORY', card, 'P1');
    await button('UMALLORY', card, ActionIds.assignToMe);
    await button('UMALLORY', card, ActionIds.escalate);
    const refusals = await t.slack.waitFor(
      () => ephemeralsTo('UMALLORY').length >= 3 && ephemeralsTo('UMALLORY'),
      10_000,
      'three refusals',
    );
    for (const r of refusals) {
      expect(r.args.channel).toBe(card.channel);
      expect(r.args.text).toContain(`Only members of <!subteam^${TEAM}> can act on support tickets`);
    }
    await settledNow();
    const after = await stored(card.id);
    expect(after!.timeline).toHaveLength(before!.timeline.length);
    expect(after).toMatchObject({ priority: null, assignee: null, status: 'new', escalationLevel: 'L1' });
    expect(updates(card)).toHaveLength(updatesBefore);
    expect(t.slack.callsTo('views.open')).toHaveLength(opensBefore);
  });

  it('applies an action Slack delivers twice only once', async () => {
    const card = await newTicket('Slow dashboard', 'The dashboard is slow on old laptops.');
    const actionTs = `${Date.now() / 1000}`;
    const responses = await Promise.all([
      selectPriority('UALICE', card, 'P3', { action_ts: actionTs }),
      selectPriority('UALICE', card, 'P3', { action_ts: actionTs }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await selectPriority('UALICE', card, 'P3', { action_ts: actionTs });
    const assignTs = `${Date.now() / 1000 + 1}`;
    await selectAssignee('UCAROL', card, 'UBOB', { action_ts: assignTs });
    await selectAssignee('UCAROL', card, 'UBOB', { action_ts: assignTs });

    await waitForNote(card, 'Priority set to P3');
    await waitForNote(card, 'Assigned to <@UBOB>');
    await settledNow();
    const doc = (await stored(card.id))!;
    expect(doc.timeline.filter((e) => e.kind === 'priority_set')).toHaveLength(1);
    expect(doc.timeline.filter((e) => e.kind === 'assigned')).toHaveLength(1);
    expect(notes(card).filter((n) => n.startsWith('Priority set to P3'))).toHaveLength(1);
    expect(notes(card).filter((n) => n.startsWith('Assigned to'))).toHaveLength(1);
    expect(
      t.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'UBOB' && String(c.args.text).includes(card.key)),
    ).toHaveLength(1);
  });

  it('two people acting at once end with the card equal to the stored ticket', async () => {
    const card = await newTicket('Integration down', 'The Jira integration fails for every project.');
    const ephemeralsBefore = t.slack.callsTo('chat.postEphemeral').length;
    await Promise.all([
      selectPriority('UALICE', card, 'P1'),
      selectPriority('UBOB', card, 'P3'),
      selectAssignee('UALICE', card, 'UDAVE'),
      button('UCAROL', card, ActionIds.assignToMe),
      selectPriority('UCAROL', card, 'P2'),
    ]);
    await waitFor(
      async () =>
        (await stored(card.id))!.timeline.filter((e) => e.kind === 'priority_set' || e.kind === 'assigned').length >= 5,
      'all changes stored',
    );
    await waitFor(
      async () => JSON.stringify(message(card).blocks) === JSON.stringify((await renderedFromStore(card.id)).blocks),
      'card to catch up',
    );
    // Nothing still in flight may take it back to an older state.
    await settledNow();

    const doc = (await stored(card.id))!;
    const priorities = doc.timeline
      .filter((e) => e.kind === 'priority_set')
      .map((e) => (e.data as { priority?: string }).priority);
    const assignees = doc.timeline
      .filter((e) => e.kind === 'assigned')
      .map((e) => (e.data as { assignee?: string }).assignee);
    // Every change landed, in some order, and the stored ticket holds the last of each.
    expect(priorities).toHaveLength(3);
    expect(doc.priority).toBe(priorities.at(-1));
    expect(assignees).toHaveLength(2);
    expect(doc.assignee).toBe(assignees.at(-1));
    expect(message(card).blocks).toEqual((await renderedFromStore(card.id)).blocks);
    expect(
      notes(card).filter((n) => n.startsWith('Priority set to') || n.includes('took') || n.startsWith('Assigned to')),
    ).toHaveLength(priorities.length + assignees.length);
    expect(t.slack.callsTo('chat.postEphemeral')).toHaveLength(ephemeralsBefore);
  });
});
