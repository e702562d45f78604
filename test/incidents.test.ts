import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepPaging } from '../src/domain/incidents/paging.js';
import { createTicket } from '../src/domain/tickets.js';
import { ActionIds } from '../views/ids.js';
import { FakePagerDuty } from './support/fake-pagerduty.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const TEAM = 'STEAM0001';
const LEADS = 'SLEADS001';
const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];
const PRIMARY = 'UONCALL1';
const SECONDARY = 'UONCALL2';

describe('P0 incidents: the first minute', () => {
  let a: TestApp;
  let b: TestApp;
  let pd: FakePagerDuty;
  const clock = new ManualClock(new Date('2026-03-04T10:00:00Z')); // a Wednesday
  beforeAll(async () => {
    pd = await new FakePagerDuty().start();
    const dir = mkdtempSync(join(tmpdir(), 'deskbell-oncall-'));
    const oncallFile = join(dir, 'oncall.json');
    writeFileSync(
      oncallFile,
      JSON.stringify({
        rotation: [PRIMARY, SECONDARY],
        handoff: { day: 'monday', time: '09:00' },
        start: '2026-03-02',
      }),
    );
    const env = {
      SUPPORT_TEAM_USERGROUP: TEAM,
      SUPPORT_LEADS_USERGROUP: LEADS,
      ONCALL_FILE: oncallFile,
      PAGE_REPEAT_MINUTES: '5',
      PAGE_ESCALATE_MINUTES: '10',
      PAGERDUTY_ROUTING_KEY: 'pd-routing-key',
      PAGERDUTY_EVENTS_URL: pd.url,
      INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    };
    a = await startTestApp({ label: 'incidents', clock, env });
    // A second Deskbell process on the same database and the same Slack.
    b = await startTestApp({ db: a.db, slack: a.slack, clock, env });
    a.slack.usergroups.set(TEAM, MEMBERS);
    a.slack.usergroups.set(LEADS, ['ULEAD1']);
  });
  afterAll(async () => {
    await b.stop({ keepDb: true });
    await a.stop();
    await pd.stop();
  });

  const slack = () => a.slack;
  const models = () => a.app.context.models;
  const alerts = (key: string) =>
    slack().messages.filter(
      (m) => m.channel === 'CSUPPORT1' && String(m.text).startsWith('<!channel>') && String(m.text).includes(key),
    );
  const pages = (user: string, key: string) =>
    slack()
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === user && String(c.args.text).includes(key));
  const roomsFor = (n: number) => [...slack().channels.values()].filter((c) => c.name.startsWith(`inc-${n}-`));

  async function ticketWithCard(subject: string) {
    const { ticket } = await createTicket(a.app.context, {
      source: 'webhook',
      requester: { email: 'ops@example.com' },
      subject,
      body: 'Checkout returns HTTP 500 for every customer.',
      idempotencyKeys: [`inc-${Math.random()}`],
      acknowledge: false,
    });
    const card = await waitFor(async () => {
      const c = (await models().Ticket.findById(ticket.id).lean())?.card;
      return c?.ts && c.channel ? { channel: c.channel, ts: c.ts } : undefined;
    }, 'card');
    return { id: ticket.id, key: ticket.key, ...card };
  }
  const incidentOf = async (ticketId: string) =>
    waitFor(() => models().Incident.findOne({ ticketId }).lean(), 'incident');

  it('declares once from the card: one incident, war room, alert, page and PagerDuty trigger, with the click delivered three times to two processes', async () => {
    const card = await ticketWithCard('Checkout returns 500');
    const click = {
      type: 'button',
      action_id: ActionIds.declareP0,
      value: JSON.stringify({ ticketId: card.id }),
      action_ts: '1772618400.000100',
    };
    const sends = [
      a.sender.blockAction('UALICE', click, card),
      b.sender.blockAction('UALICE', click, card),
      a.sender.blockAction('UALICE', click, card),
    ];
    expect((await Promise.all(sends)).map((r) => r.status)).toEqual([200, 200, 200]);

    const incident = await incidentOf(card.id);
    expect(incident.key).toMatch(/^INC-\d+$/);
    await waitFor(() => alerts(incident.key)[0], 'the @channel alert');
    await waitFor(() => pages(PRIMARY, incident.key)[0], 'the page DM');
    await settled([a.app, b.app]);

    expect(await models().Incident.countDocuments({ ticketId: card.id })).toBe(1);
    const rooms = roomsFor(incident.number);
    expect(rooms).toHaveLength(1);
    const room = rooms[0]!;
    expect(room.name).toBe(`inc-${incident.number}-checkout-returns-500`);
    expect([...room.members]).toEqual(expect.arrayContaining(['UALICE', PRIMARY]));
    expect(room.topic).toMatch(
      new RegExp(`^P0 · ${card.key} · ${incident.key} · commander <@UALICE> · next update \\d\\d:\\d\\d$`),
    );
    expect(slack().bookmarks.filter((bk) => bk.channel_id === room.id)).toHaveLength(1);
    const brief = slack().messages.filter(
      (m) => m.channel === room.id && m.metadata?.event_type === 'deskbell_incident_brief',
    );
    expect(brief).toHaveLength(1);
    expect(slack().pins).toContainEqual({ channel: room.id, timestamp: brief[0]!.ts });
    expect(JSON.stringify(brief[0]!.blocks)).toContain(ActionIds.incidentTakeCommand);

    const [alert, ...moreAlerts] = alerts(incident.key);
    expect(moreAlerts).toHaveLength(0);
    expect(alert!.text).toContain(`<#${room.id}>`);
    expect(alert!.text).toContain(`<@${PRIMARY}>`);
    expect(JSON.stringify(alert!.blocks)).toContain(ActionIds.incidentJoin);
    expect(pages(PRIMARY, incident.key)).toHaveLength(1);
    expect(JSON.stringify(pages(PRIMARY, incident.key)[0]!.args.blocks)).toContain(ActionIds.incidentAcknowledge);
    expect(
      slack().messages.filter((m) => m.channel === room.id && String(m.text).startsWith(':pager: Paging')),
    ).toHaveLength(1);

    const ticket = (await models().Ticket.findById(card.id).lean())!;
    expect(ticket.priority).toBe('P0');
    expect(ticket.incident).toMatchObject({ key: incident.key, channelId: room.id });
    const cardMessage = slack().messages.find((m) => m.ts === card.ts)!;
    expect(JSON.stringify(cardMessage.blocks)).toContain(`P0 incident ${incident.key}`);
    expect(
      slack().messages.filter((m) => m.thread_ts === card.ts && String(m.text).includes(`war room <#${room.id}>`)),
    ).toHaveLength(1);
    expect(pd.events.filter((e) => e.dedup_key === String(incident._id))).toEqual([
      expect.objectContaining({ event_action: 'trigger', routing_key: 'pd-routing-key' }),
    ]);
  });

  it('repeats an unacknowledged page, escalates it to the secondary and the leads, and stops once acknowledged', async () => {
    const card = await ticketWithCard('Database unreachable');
    await a.sender.blockAction(
      'UBOB',
      { type: 'button', action_id: ActionIds.declareP0, value: JSON.stringify({ ticketId: card.id }) },
      card,
    );
    const incident = await incidentOf(card.id);
    await waitFor(() => pages(PRIMARY, incident.key)[0], 'the first page');
    await settled(a.app);

    clock.advance(5 * 60_000 + 1000);
    await Promise.all([sweepPaging(a.app.context), sweepPaging(b.app.context)]);
    await waitFor(() => pages(PRIMARY, incident.key)[1], 'the repeated page');
    await settled([a.app, b.app]);
    expect(pages(PRIMARY, incident.key)).toHaveLength(2);
    expect(pages(SECONDARY, incident.key)).toHaveLength(0);

    clock.advance(5 * 60_000);
    await Promise.all([sweepPaging(a.app.context), sweepPaging(b.app.context)]);
    await waitFor(() => pages(SECONDARY, incident.key)[0] && pages('ULEAD1', incident.key)[0], 'the escalated page');
    await settled([a.app, b.app]);
    expect(pages(SECONDARY, incident.key)).toHaveLength(1);
    expect(pages('ULEAD1', incident.key)).toHaveLength(1);

    // The secondary answers from their DM.
    const dm = pages(SECONDARY, incident.key)[0]!;
    const ack = {
      type: 'button',
      action_id: ActionIds.incidentAcknowledge,
      value: JSON.stringify({ incidentId: String(incident._id) }),
    };
    await a.sender.blockAction(SECONDARY, ack, { channel: `D${SECONDARY}`, ts: '1.1' });
    await b.sender.blockAction(SECONDARY, ack, { channel: `D${SECONDARY}`, ts: '1.1' });
    await waitFor(
      async () => (await models().Incident.findById(incident._id).lean())?.page?.acknowledgedAt,
      'the acknowledgement',
    );
    expect(dm).toBeTruthy();
    await settled([a.app, b.app]);
    const stored = (await models().Incident.findById(incident._id).lean())!;
    expect(stored.page).toMatchObject({ acknowledgedBy: SECONDARY, nextAt: null });
    expect(stored.timeline.filter((e) => e.kind === 'page_acknowledged')).toHaveLength(1);
    const room = stored.channel!.id!;
    expect(
      slack().messages.filter((m) => m.channel === room && String(m.text).includes('acknowledged the page')),
    ).toHaveLength(1);
    const briefUpdate = slack()
      .callsTo('chat.update')
      .filter((c) => c.args.ts === stored.brief?.ts)
      .at(-1);
    expect(JSON.stringify(briefUpdate?.args.blocks)).toContain(`acknowledged by <@${SECONDARY}>`);
    expect(pd.events.filter((e) => e.dedup_key === String(incident._id)).map((e) => e.event_action)).toEqual([
      'trigger',
      'acknowledge',
    ]);

    const paging = () =>
      [PRIMARY, SECONDARY, 'ULEAD1'].flatMap((u) => pages(u, incident.key)).length +
      slack().messages.filter((m) => m.channel === room && String(m.text).startsWith(':pager:')).length;
    const before = paging();
    clock.advance(30 * 60_000);
    await Promise.all([sweepPaging(a.app.context), sweepPaging(b.app.context)]);
    await settled([a.app, b.app]);
    expect(paging()).toBe(before);
  });

  it('hands command to whoever presses "Take command" (team members only): announced, topic and brief updated', async () => {
    const card = await ticketWithCard('Payments API down');
    await a.sender.blockAction(
      'UALICE',
      { type: 'button', action_id: ActionIds.declareP0, value: JSON.stringify({ ticketId: card.id }) },
      card,
    );
    const incident = await incidentOf(card.id);
    // Including the App Home refreshes the declaration asked for (they wait a few seconds to coalesce).
    await settled(a.app, { horizonMs: 10_000 });
    const publishes = slack().callsTo('views.publish').length;
    const room = (await models().Incident.findById(incident._id).lean())!.channel!.id!;
    const take = {
      type: 'button',
      action_id: ActionIds.incidentTakeCommand,
      value: JSON.stringify({ incidentId: String(incident._id) }),
    };
    await a.sender.blockAction('UOUTSIDER', take, { channel: room, ts: '1.1' });
    await a.sender.blockAction('UCAROL', take, { channel: room, ts: '1.2' });
    await waitFor(
      async () => (await models().Incident.findById(incident._id).lean())?.roles?.commander === 'UCAROL',
      'the new commander',
    );
    await settled(a.app);
    expect(
      slack().messages.filter((m) => m.channel === room && String(m.text).includes('<@UCAROL> took command')),
    ).toHaveLength(1);
    expect(slack().channels.get(room)!.topic).toContain('commander <@UCAROL>');
    expect(
      slack()
        .callsTo('chat.postEphemeral')
        .some((c) => c.args.user === 'UOUTSIDER'),
    ).toBe(true);
    // The declarer's App Home lists the incident with its new commander, without a ticket change or a reopened tab.
    await waitFor(
      () =>
        slack()
          .callsTo('views.publish')
          .slice(publishes)
          .find(
            (c) =>
              c.args.user_id === 'UALICE' &&
              JSON.stringify(c.args.view.blocks).includes(
                `*${incident.key}* investigating · Payments API down · commander <@UCAROL>`,
              ),
          ),
      'the App Home with the new commander',
      20_000,
    );
  }, 60_000);

  it('declares at once for a monitoring webhook that arrives as P0, and for /support incident', async () => {
    const res = await sendWebhook(a.url, {
      subject: 'Monitoring: error rate 40 %',
      body: 'Alert from monitoring.',
      requester: { email: 'alerts@monitoring.example' },
      priority: 'P0',
    });
    const { id } = (await res.json()) as { id: string };
    const fromWebhook = await incidentOf(id);
    expect(fromWebhook.declaredVia).toBe('webhook');
    await waitFor(() => alerts(fromWebhook.key)[0], 'the webhook incident alert');

    await a.sender.command('/support', 'incident Data loss in EU region', 'UBOB');
    const fromCommand = await waitFor(
      () => models().Incident.findOne({ declaredVia: 'command' }).lean(),
      'the command incident',
    );
    expect(fromCommand.title).toBe('Data loss in EU region');
    expect(fromCommand.roles?.commander).toBe('UBOB');
    await waitFor(() => alerts(fromCommand.key)[0], 'the command incident alert');
    const ticket = await models().Ticket.findById(fromCommand.ticketId).lean();
    expect(ticket).toMatchObject({ priority: 'P0', source: 'slack' });
    await settled(a.app);
  });

  it('gives a taken name a suffix, and finds the channel it made when the answer to conversations.create was lost', async () => {
    const next = ((await models().Counter.findById('incident').lean())?.seq ?? 0) + 1;
    slack().channels.set('CTAKEN001', {
      id: 'CTAKEN001',
      name: `inc-${next}-search-is-down`,
      members: new Set(),
      creator: 'USOMEONE',
      is_private: false,
    });
    slack().fail('conversations.create', { networkAfterEffect: true });
    const card = await ticketWithCard('Search is down');
    await a.sender.blockAction(
      'UALICE',
      { type: 'button', action_id: ActionIds.declareP0, value: JSON.stringify({ ticketId: card.id }) },
      card,
    );
    const incident = await incidentOf(card.id);
    expect(incident.number).toBe(next);
    await waitFor(() => alerts(incident.key)[0], 'the alert');
    await settled(a.app);
    const rooms = roomsFor(next);
    expect(rooms.map((r) => r.name).sort()).toEqual([`inc-${next}-search-is-down`, `inc-${next}-search-is-down-2`]);
    expect((await models().Incident.findById(incident._id).lean())!.channel).toMatchObject({
      name: `inc-${next}-search-is-down-2`,
    });
  });

  it('still alerts and pages when Slack refuses the war room, and says in the thread what fixes it', async () => {
    slack().fail('conversations.create', { error: 'restricted_action' });
    const card = await ticketWithCard('Login broken');
    await a.sender.blockAction(
      'UALICE',
      { type: 'button', action_id: ActionIds.declareP0, value: JSON.stringify({ ticketId: card.id }) },
      card,
    );
    const incident = await incidentOf(card.id);
    await waitFor(() => alerts(incident.key)[0], 'the alert without a war room');
    await waitFor(() => pages(PRIMARY, incident.key)[0], 'the page without a war room');
    await settled(a.app);
    expect((await models().Incident.findById(incident._id).lean())!.channel).toMatchObject({
      error: 'restricted_action',
    });
    const note = slack().messages.find(
      (m) => m.thread_ts === card.ts && String(m.text).includes('could not be opened'),
    );
    expect(note?.text).toContain('restricted_action');
    expect(note?.text).toContain('allow the Deskbell app to create');
  });

  it('/support oncall shows who is on call and /support oncall take covers', async () => {
    await a.sender.command('/support', 'oncall', 'UALICE');
    const shown = await waitFor(
      () =>
        slack()
          .callsTo('chat.postEphemeral')
          .find((c) => c.args.user === 'UALICE' && String(c.args.text).includes('On call now')),
      'the on-call answer',
    );
    expect(shown.args.text).toContain(`<@${PRIMARY}>`);
    expect(shown.args.text).toContain(`*Next:* <@${SECONDARY}>`);
    await a.sender.command('/support', 'oncall take until 2099-01-01', 'UCAROL');
    await waitFor(
      () =>
        slack()
          .callsTo('chat.postEphemeral')
          .find((c) => c.args.user === 'UCAROL' && String(c.args.text).includes('You are on call until')),
      'the take answer',
    );
    await a.sender.command('/support', 'oncall', 'UBOB');
    const after = await waitFor(
      () =>
        slack()
          .callsTo('chat.postEphemeral')
          .find((c) => c.args.user === 'UBOB' && String(c.args.text).includes('On call now')),
      'the second on-call answer',
    );
    expect(after.args.text).toContain('On call now:* <@UCAROL>');
  });
});
