import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../src/domain/tickets.js';
import { STORM_CARD_EVENT_TYPE } from '../src/slack/storm-card.js';
import { CARD_EVENT_TYPE } from '../src/slack/cards.js';
import { ActionIds, CallbackIds, InputIds, stormControlsBlockId } from '../views/ids.js';
import { NEW_INCIDENT } from '../views/storm-card.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';

const THRESHOLD = 5;

describe('ticket storms', () => {
  let a: TestApp;
  let b: TestApp;
  let smtp: SmtpSink;
  const clock = new ManualClock(new Date('2026-03-04T10:00:00Z'));
  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const env = {
      STORM_THRESHOLD: String(THRESHOLD),
      STORM_WINDOW_MINUTES: '5',
      STORM_CARD_UPDATE_SECONDS: '1',
      SLACK_CHANNEL_INTERVAL_MS: '250',
      SMTP_URL: smtp.url,
      SUPPORT_EMAIL_ADDRESS: 'support@acme.test',
    };
    a = await startTestApp({ label: 'storms', clock, env });
    // A second Deskbell process on the same database and the same Slack.
    b = await startTestApp({ db: a.db, slack: a.slack, clock, env });
  });
  afterAll(async () => {
    await b.stop({ keepDb: true });
    await a.stop();
    await smtp.stop();
  });

  const models = () => a.app.context.models;
  const slack = () => a.slack;
  const apps = () => [a.app, b.app];
  let seq = 0;
  const open = (app: TestApp, subject: string, extra: { priority?: 'P0' | 'P3'; declare?: boolean } = {}) =>
    createTicket(app.app.context, {
      source: 'email',
      requester: { email: `customer${++seq}@example.com`, name: `Customer <${seq}>` },
      subject,
      body: 'It does not work.',
      idempotencyKeys: [`storm-test-${seq}-${Math.random()}`],
      acknowledge: true,
      // As authenticated mail: their addresses may get mail to many (src/domain/bulk-mail.ts).
      senderAuthenticated: true,
      ...(extra.priority ? { priority: extra.priority } : {}),
      ...(extra.declare
        ? { declareIncident: { actor: { type: 'user' as const, id: 'UALICE' }, via: 'command' as const } }
        : {}),
    }).then((r) => r.ticket);
  const cardsOf = (ticketId: string) =>
    slack().messages.filter(
      (m) => m.metadata?.event_type === CARD_EVENT_TYPE && m.metadata.event_payload.ticket_id === ticketId,
    );
  const stormCards = (stormId: string) =>
    slack().messages.filter(
      (m) => m.metadata?.event_type === STORM_CARD_EVENT_TYPE && m.metadata.event_payload.storm_id === stormId,
    );

  let stormId = '';
  let stormCard: { channel: string; ts: string };
  let ids: string[] = [];

  it('detects a storm with two app processes: one storm, one storm card, later tickets grouped without cards', async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => open(i % 2 ? a : b, `Checkout fails for order ${4100 + i}`)),
    );
    ids = created.map((t) => t.id);
    const storm = await waitFor(
      () =>
        models()
          .Storm.findOne({ signature: 'subj:checkout fails order', 'card.ts': { $ne: null } })
          .lean(),
      'the storm card',
    );
    stormId = String(storm._id);
    stormCard = { channel: storm.card!.channel!, ts: storm.card!.ts! };
    // Its updates are throttled and queued behind the cards: room for a loaded machine.
    await waitFor(
      () =>
        JSON.stringify(slack().messages.find((m) => m.ts === stormCard.ts)?.blocks ?? '').includes(
          '12 similar tickets',
        ),
      'the storm card counting all 12',
      60_000,
    );
    await settled(apps());

    expect(await models().Storm.countDocuments({})).toBe(1);
    expect(stormCards(stormId)).toHaveLength(1);
    const tickets = await models()
      .Ticket.find({ _id: { $in: ids } })
      .lean();
    expect(tickets.every((t) => String(t.storm?.id) === stormId)).toBe(true);
    const grouped = tickets.filter((t) => t.storm?.grouped);
    expect(grouped.length).toBeGreaterThanOrEqual(12 - THRESHOLD - 1);
    for (const t of tickets) expect(cardsOf(String(t._id))).toHaveLength(t.storm?.grouped ? 0 : 1);
    // Requester text on the card is escaped.
    const blocks = JSON.stringify(slack().messages.find((m) => m.ts === stormCard.ts)!.blocks);
    expect(blocks).toContain('Customer &lt;');
    expect(blocks).not.toContain('Customer <');
  }, 90_000);

  it('grouped tickets keep their number, acknowledgement and SLA clock, and /support SUP-n shows the group', async () => {
    const tickets = await models()
      .Ticket.find({ _id: { $in: ids } })
      .lean();
    for (const t of tickets) {
      expect(t.key).toMatch(/^SUP-\d+$/);
      expect(t.sla?.firstResponseDueAt).toBeInstanceOf(Date);
      await smtp.waitFor(
        (m) => m.subject === `[${t.key}] ${t.subject}` && !!m.text?.includes('automatic acknowledgement'),
      );
    }
    for (const t of tickets)
      expect(smtp.messages.filter((m) => m.subject === `[${t.key}] ${t.subject}`)).toHaveLength(1);

    const grouped = tickets.find((t) => t.storm?.grouped)!;
    await a.sender.command('/support', grouped.key, 'UALICE');
    const said = await waitFor(
      () =>
        slack()
          .callsTo('chat.postEphemeral')
          .find((c) => String(c.args.text).includes(grouped.key) && String(c.args.text).includes('ticket storm')),
      'the /support answer',
    );
    expect(said.args.text).toContain('12 similar tickets');
    expect(said.args.text).toContain('storm card');
  });

  it('"Set priority for all" and "Reply to all" act on every ticket exactly once, delivered twice to two processes', async () => {
    const select = {
      type: 'static_select',
      action_id: ActionIds.stormSetPriority,
      block_id: stormControlsBlockId(stormId),
      selected_option: { value: 'P2', text: { type: 'plain_text', text: 'P2' } },
      action_ts: '1772618400.000200',
    };
    await Promise.all([
      a.sender.blockAction('UALICE', select, stormCard),
      b.sender.blockAction('UALICE', select, stormCard),
    ]);

    const view = {
      id: 'VSTORMREPLY1',
      callback_id: CallbackIds.stormReplyModal,
      private_metadata: JSON.stringify({ stormId, channel: stormCard.channel }),
      state: {
        values: {
          [InputIds.stormReplyMessage.block]: {
            [InputIds.stormReplyMessage.action]: {
              type: 'plain_text_input',
              value: 'We are on it: checkout is failing for everyone. Next update within the hour.',
            },
          },
        },
      },
    };
    const answers = await Promise.all([
      a.sender.viewSubmission('UALICE', view),
      b.sender.viewSubmission('UALICE', view),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);

    await waitFor(async () => {
      const s = await models().Storm.findById(stormId).lean();
      return s && s.actions.length === 2 && s.actions.every((x) => x.doneAt);
    }, 'both decisions applied');
    await settled(apps());
    const tickets = await models()
      .Ticket.find({ _id: { $in: ids } })
      .lean();
    for (const t of tickets) {
      expect(t.priority).toBe('P2');
      expect(t.timeline.filter((e) => e.kind === 'priority_set')).toHaveLength(1);
      expect(t.timeline.filter((e) => e.kind === 'agent_reply')).toHaveLength(1);
      expect(t.firstResponseAt).toBeTruthy();
    }
    for (const t of tickets)
      await smtp.waitFor(
        (m) => m.subject === `[${t.key}] ${t.subject}` && !!m.text?.includes('checkout is failing for everyone'),
      );
    await settled(apps());
    for (const t of tickets) {
      const replies = smtp.messages.filter(
        (m) => m.subject === `[${t.key}] ${t.subject}` && m.text?.includes('checkout is failing for everyone'),
      );
      expect(replies).toHaveLength(1);
      // Threaded on the requester's own ticket: under its acknowledgement.
      expect(String(replies[0]!.inReplyTo ?? replies[0]!.references ?? '')).toContain(t.key);
    }
    expect(
      slack().messages.filter((m) => m.thread_ts === stormCard.ts && String(m.text).includes('Reply sent to all')),
    ).toHaveLength(1);
  });

  it('"Link all to incident" declares one incident and links every ticket once; later similar tickets follow the decisions', async () => {
    const view = {
      id: 'VSTORMLINK1',
      callback_id: CallbackIds.stormLinkModal,
      private_metadata: JSON.stringify({ stormId, channel: stormCard.channel }),
      state: {
        values: {
          [InputIds.stormLinkIncident.block]: {
            [InputIds.stormLinkIncident.action]: { type: 'static_select', selected_option: { value: NEW_INCIDENT } },
          },
          [InputIds.stormLinkTitle.block]: {
            [InputIds.stormLinkTitle.action]: { type: 'plain_text_input', value: 'Checkout outage' },
          },
        },
      },
    };
    await Promise.all([a.sender.viewSubmission('UALICE', view), b.sender.viewSubmission('UALICE', view)]);
    await waitFor(
      async () => (await models().Storm.findById(stormId).lean())?.actions.find((x) => x.kind === 'link')?.doneAt,
      'link all applied',
    );
    await settled(apps());

    const incidents = await models().Incident.find({}).lean();
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!;
    const tickets = await models()
      .Ticket.find({ _id: { $in: ids } })
      .lean();
    for (const t of tickets) {
      expect(t.linkedIncident?.key).toBe(incident.key);
      expect(t.timeline.filter((e) => e.kind === 'incident_linked')).toHaveLength(1);
    }
    // One note on the incident for the whole storm, not one per ticket.
    expect(incident.timeline.filter((e) => e.kind === 'storm_linked')).toHaveLength(1);
    expect(incident.timeline.filter((e) => e.kind === 'ticket_linked')).toHaveLength(0);

    // A similar ticket arriving now joins the storm with the storm's priority and incident, and no card.
    const late = await open(a, 'checkout FAILS for order 9999');
    await waitFor(
      async () => (await models().Ticket.findById(late.id).lean())?.linkedIncident?.key,
      'the late ticket linked',
    );
    await settled(apps());
    const lateNow = (await models().Ticket.findById(late.id).lean())!;
    expect(lateNow.storm?.grouped).toBe(true);
    expect(lateNow.priority).toBe('P2');
    expect(cardsOf(late.id)).toHaveLength(0);
    ids.push(late.id);
  });

  it('"Split" gives every grouped ticket its own card exactly once, and later similar tickets get cards', async () => {
    const click = {
      type: 'button',
      action_id: ActionIds.stormSplit,
      value: JSON.stringify({ stormId }),
      action_ts: '1772618400.000300',
    };
    await Promise.all([
      a.sender.blockAction('UALICE', click, stormCard),
      b.sender.blockAction('UALICE', click, stormCard),
      a.sender.blockAction('UALICE', click, stormCard),
    ]);
    await waitFor(
      async () => (await models().Storm.findById(stormId).lean())?.actions.find((x) => x.kind === 'split')?.doneAt,
      'split applied',
    );
    await waitFor(
      async () => (await models().Ticket.countDocuments({ _id: { $in: ids }, 'card.ts': null })) === 0,
      'every ticket carded',
    );
    await settled(apps());
    for (const id of ids) expect(cardsOf(id)).toHaveLength(1);
    const storm = (await models().Storm.findById(stormId).lean())!;
    expect(storm.status).toBe('split');
    expect(storm.actions.filter((x) => x.kind === 'split')).toHaveLength(1);
    await waitFor(
      () => !JSON.stringify(slack().messages.find((m) => m.ts === stormCard.ts)?.blocks).includes(ActionIds.stormSplit),
      'the storm card without buttons',
    );

    const after = await open(b, 'Checkout fails for order 12');
    await waitFor(() => cardsOf(after.id)[0], 'a card for a similar ticket after the split');
  });

  it('under a per-channel rate limit: an unrelated ticket during a storm gets its card promptly, and 429s lose no card', async () => {
    // Slack allows 2 a second here; each process spaces its own posts 250 ms apart, so Slack refuses some.
    slack().limitPerChannel({ perSecond: 2 });
    try {
      const storm = await Promise.all(
        Array.from({ length: 25 }, (_, i) => open(i % 2 ? a : b, `Cannot log in to the dashboard (${i})`)),
      );
      // How soon (p99 ≤ 5 s) is measured by `npm run bench:storm`, not timed here: a busy machine is no failure.
      const unrelated = await open(a, 'Invoice address is wrong');
      await waitFor(() => cardsOf(unrelated.id)[0], 'the unrelated card');
      await waitFor(
        async () => (await models().Storm.countDocuments({ signature: 'subj:cannot dashboard log' })) === 1,
        'the second storm',
      );
      await settled(apps(), { timeoutMs: 60_000 });
      const tickets = await models()
        .Ticket.find({ _id: { $in: storm.map((t) => t.id) } })
        .lean();
      for (const t of tickets) expect(cardsOf(String(t._id))).toHaveLength(t.storm?.grouped ? 0 : 1);
      expect(tickets.filter((t) => !t.storm?.grouped).length).toBeLessThanOrEqual(THRESHOLD + 4);
      // Two processes each spacing their own posts: Slack refused some, Deskbell waited and resent.
      expect(slack().rateLimited.length).toBeGreaterThan(0);
      expect(
        a.app.context.channelQueue.stats.rateLimited + b.app.context.channelQueue.stats.rateLimited,
      ).toBeGreaterThan(0);
      expect(await a.db.collection('agendaJobs').countDocuments({ name: 'card.post', failCount: { $gt: 0 } })).toBe(0);
    } finally {
      slack().limitPerChannel(undefined);
    }
  });

  it('a P0 alert overtakes cards waiting in the channel queue', async () => {
    slack().limitPerChannel({ perSecond: 2 });
    try {
      // About 15 s of P3 cards at 2 a second: the alert has to overtake them, not outrun them.
      const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
      const backlog = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          open(a, `Typo on pricing page ${words[i % 6]} ${words[Math.floor(i / 6) % 6]}`, { priority: 'P3' }),
        ),
      );
      await waitFor(() => backlog.some((t) => cardsOf(t.id)[0]), 'the first P3 card');
      const p0 = await open(a, 'Database unreachable', { priority: 'P0', declare: true });
      const incident = await waitFor(() => models().Incident.findOne({ ticketId: p0._id }).lean(), 'the incident');
      const alert = await waitFor(
        () =>
          slack().messages.find(
            (m) =>
              m.channel === 'CSUPPORT1' &&
              String(m.text).startsWith('<!channel>') &&
              String(m.text).includes(incident.key),
          ),
        'the alert',
        40_000,
      );
      await settled(apps(), { timeoutMs: 60_000 });
      const support = slack().messages.filter((m) => m.channel === 'CSUPPORT1' && !m.thread_ts);
      const lastP3 = Math.max(...backlog.map((t) => support.indexOf(cardsOf(t.id)[0]!)));
      expect(support.indexOf(alert)).toBeLessThan(lastP3);
      for (const t of backlog) expect(cardsOf(t.id)).toHaveLength(1);
    } finally {
      slack().limitPerChannel(undefined);
    }
  }, 120_000);
});
