import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepIncidentClocks } from '../src/domain/incidents/clock.js';
import { acknowledgementId } from '../src/domain/acknowledgement.js';
import { createTicket } from '../src/domain/tickets.js';
import { noEffects } from '../src/domain/effects.js';
import { postIncidentUpdate } from '../src/domain/incidents/updates.js';
import { ManualClock, startTestApp, testMessageId, type TestApp } from './support/harness.js';
import {
  INCIDENT_LEADS as LEADS,
  INCIDENT_SUPPORT_EMAIL as SUPPORT,
  INCIDENT_TEAM as TEAM,
  incidentDriver,
  startIncidentApps,
  waitLong,
} from './support/incidents.js';
import { settled } from './support/settle.js';
import type { SmtpSink } from './support/smtp-sink.js';

// A busy machine shares one database server between the files in parallel: generous timeouts.
describe('P0 incidents: status updates, the cadence, linked tickets and mails to their requesters', {
  timeout: 90_000,
}, () => {
  let a: TestApp;
  let b: TestApp;
  let smtp: SmtpSink;
  const clock = new ManualClock(new Date('2026-03-04T10:00:00Z'));
  const d = incidentDriver(() => a);

  let apps: Awaited<ReturnType<typeof startIncidentApps>>;
  beforeAll(async () => {
    apps = await startIncidentApps({
      label: 'incident_updates',
      clock,
      team: ['UALICE', 'UBOB', 'UCAROL'],
      users: [{ id: 'UALICE', name: 'alice', real_name: 'Alice Archer' }],
      env: { INCIDENT_UPDATE_MINUTES: '30' },
    });
    ({ a, b, smtp } = apps);
  }, 120_000);
  afterAll(async () => apps.stop(), 120_000);

  const updateMails = (to: string) =>
    smtp.messages.filter(
      (m) => m.to && JSON.stringify(m.to).includes(to) && String(m.text).includes('Service update'),
      60_000,
    );
  const refs = (m: ParsedMail) => (Array.isArray(m.references) ? m.references : m.references ? [m.references] : []);
  const sweepBoth = () =>
    Promise.all([
      sweepIncidentClocks(a.app.context),
      sweepIncidentClocks(b.app.context),
      sweepIncidentClocks(a.app.context),
    ]);
  const ephemeral = (user: string, includes: string) =>
    d
      .slack()
      .callsTo('chat.postEphemeral')
      .filter((c) => c.args.user === user && String(c.args.text).includes(includes));

  it('links tickets from the card, the command and the war room (twice is harmless), shows them on card, brief and /support incident, unlinks; an update reaches war room, thread, topic and brief and mails each linked requester once, on their own ticket, as first response', async () => {
    const inc = await d.declared('Checkout returns 500', { email: 'ada@example.com', name: 'Ada' }, 'UALICE');
    const t1 = await d.customerTicket('Cannot pay', { email: 'bob@example.org', name: 'Bob' });
    const t2 = await d.customerTicket('Payment page broken', { email: 'cy@example.net' });
    const t3 = await d.customerTicket('Order fails', { email: 'dee@example.com' });

    // 1. `/support link SUP-n INC-m` in #support, twice (the second is harmless).
    await a.sender.command('/support', `link ${t1.key} ${inc.incident.key}`, 'UBOB');
    await waitLong(() => ephemeral('UBOB', `${t1.key} is linked to ${inc.incident.key}`)[0], 'the link answer');
    await b.sender.command('/support', `link ${t1.key} ${inc.incident.key}`, 'UBOB');
    await waitLong(() => ephemeral('UBOB', `${t1.key} was already linked`)[0], 'the second link answer');

    // 2. The card's "Link to incident": a form listing the active incidents.
    const opens = d.slack().callsTo('views.open').length;
    await d.cardButton('UCAROL', 'ticket_link_incident', t2);
    const form = await d.openedModal('link_incident_modal', opens);
    expect(JSON.stringify(form.args.view.blocks)).toContain(`${inc.incident.key} · Checkout returns 500`);
    await d.submit('UCAROL', {
      id: 'VLINK1',
      callback_id: 'link_incident_modal',
      private_metadata: form.args.view.private_metadata,
      state: { values: { link_incident: { value: { type: 'static_select', selected_option: { value: inc.id } } } } },
    });

    // 3. `/support link SUP-n` typed inside the war room.
    await a.sender.command('/support', `link ${t3.key}`, 'UALICE', { channel_id: inc.room, channel_name: 'inc' });

    await waitLong(
      async () => (await d.models().Ticket.countDocuments({ 'linkedIncident.id': inc.incident._id })) === 3,
      'three linked tickets',
    );
    await settled([a.app, b.app]);
    const linked = await d.models().Ticket.find({ 'linkedIncident.id': inc.incident._id }).lean();
    expect(linked.map((t) => t.key).sort()).toEqual([t1.key, t2.key, t3.key].sort());
    const stored = (await d.models().Incident.findById(inc.id).lean())!;
    expect(stored.timeline.filter((e) => e.kind === 'ticket_linked')).toHaveLength(3);
    // The card shows the incident and offers Unlink instead of Link.
    const card = d
      .slack()
      .callsTo('chat.update')
      .filter((c) => c.args.ts === t1.ts)
      .at(-1)!;
    expect(JSON.stringify(card.args.blocks)).toContain(
      `Linked to incident *${inc.incident.key}* · war room <#${inc.room}>`,
    );
    expect(JSON.stringify(card.args.blocks)).toContain('ticket_unlink_incident');
    expect(JSON.stringify(card.args.blocks)).not.toContain('ticket_link_incident');
    // The war room hears of each, and the brief lists them by number: their requesters stay on the cards.
    expect(
      d
        .slack()
        .messages.filter(
          (m) => m.channel === inc.room && String(m.text).includes(`${t1.key} linked to ${inc.incident.key}`),
        ),
    ).toHaveLength(1);
    const brief = d
      .slack()
      .callsTo('chat.update')
      .filter((c) => c.args.ts === stored.brief!.ts)
      .at(-1)!;
    expect(JSON.stringify(brief.args.blocks)).toContain('Linked tickets (3)');
    expect(JSON.stringify(brief.args.blocks)).toContain(t1.key);
    expect(JSON.stringify(brief.args.blocks)).not.toContain('bob@example.org');

    await a.sender.command('/support', `incident ${inc.incident.key}`, 'UBOB');
    const shown = await waitLong(() => ephemeral('UBOB', '*Linked tickets (3)*')[0], '/support incident INC-n');
    expect(shown.args.text).toContain('cy@example.net');
    expect(shown.args.text).toContain(`*Its ticket* ${inc.ticket.key}`);

    // Unlink from the card: the card offers Link again and the war room is told.
    await d.cardButton('UBOB', 'ticket_unlink_incident', t3);
    await waitLong(async () => !(await d.models().Ticket.findById(t3.id).lean())?.linkedIncident?.id, 'the unlink');
    await settled(a.app);
    expect(
      JSON.stringify(
        d
          .slack()
          .callsTo('chat.update')
          .filter((c) => c.args.ts === t3.ts)
          .at(-1)!.args.blocks,
      ),
    ).toContain('ticket_link_incident');
    expect(
      d.slack().messages.filter((m) => m.channel === inc.room && String(m.text).includes(`${t3.key} unlinked`)),
    ).toHaveLength(1);

    // An update mailed to the requesters: exactly one mail each, on their own ticket's thread, counted as first response.
    const automated = await createTicket(a.app.context, {
      source: 'email',
      requester: { email: 'robot@monitor.example' },
      subject: 'Out of office',
      body: 'I am away.',
      email: { messageId: '<ooo-1@monitor.example>', automated: true },
      idempotencyKeys: ['ooo-1'],
      acknowledge: true,
    });
    await a.sender.command('/support', `link ${automated.ticket.key} ${inc.incident.key}`, 'UBOB');
    await waitLong(
      async () => (await d.models().Ticket.countDocuments({ 'linkedIncident.id': inc.incident._id })) === 3,
      'the automated ticket linked',
    );
    await settled([a.app, b.app]);

    const update = {
      status: 'identified',
      known: 'A bad deploy of the payment service. Rolling back now.',
      impact: 'Every checkout fails since 09:50.',
      next: '20',
      options: ['email'],
    };
    const { open } = await d.postUpdate('UALICE', inc, update, 'VUPDATE1', [a, b, a]);
    expect(JSON.stringify(open.args.view.blocks)).toContain('Email the affected requesters (4 tickets)');
    const warRoomUpdate = await waitLong(
      () =>
        d.slack().messages.find((m) => m.channel === inc.room && m.metadata?.event_type === 'deskbell_incident_update'),
      'the update in the war room',
    );
    for (const to of ['ada@example.com', 'bob@example.org', 'cy@example.net'])
      await smtp.waitFor((m) => JSON.stringify(m.to).includes(to) && String(m.text).includes('Service update'), 60_000);
    await settled([a.app, b.app]);

    // War room, in the status template.
    expect(
      d.slack().messages.filter((m) => m.channel === inc.room && m.metadata?.event_type === 'deskbell_incident_update'),
    ).toHaveLength(1);
    const blocks = JSON.stringify(warRoomUpdate.blocks);
    for (const part of ['[Identified] Service update', 'Current status', 'Impact', 'Next update', 'Rolling back now'])
      expect(blocks).toContain(part);
    // The incident ticket's thread in #support.
    expect(
      d
        .slack()
        .messages.filter(
          (m) =>
            m.thread_ts === inc.ticket.ts &&
            String(m.text).includes(`:mega: [Identified] ${inc.incident.key} update by <@UALICE>`),
        ),
    ).toHaveLength(1);
    // Topic and brief.
    const room = d.slack().channels.get(inc.room)!;
    expect(room.topic).toMatch(
      new RegExp(
        `^P0 · ${inc.ticket.key} · ${inc.incident.key} · identified · commander <@UALICE> · next update 10:20$`,
      ),
    );
    const briefNow = d
      .slack()
      .callsTo('chat.update')
      .filter((c) => c.args.ts === stored.brief!.ts)
      .at(-1)!;
    expect(JSON.stringify(briefNow.args.blocks)).toContain('Latest update');
    expect(JSON.stringify(briefNow.args.blocks)).toContain('Rolling back now');

    // Mail: one each, threaded on the requester's own ticket, nobody else's address in it; none to the automatic address.
    for (const [to, ticket] of [
      ['ada@example.com', inc.ticket],
      ['bob@example.org', t1],
      ['cy@example.net', t2],
    ] as const) {
      const mails = updateMails(to);
      expect(mails, to).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.subject).toMatch(new RegExp(`^\\[${ticket.key}\\] `));
      const stored = (await d.models().Ticket.findById(ticket.id))!;
      expect(mail.inReplyTo).toBe(testMessageId(SUPPORT, acknowledgementId(stored), to));
      expect(refs(mail)).toContain(testMessageId(SUPPORT, acknowledgementId(stored), to));
      expect(stored.email?.messageIds).toContain(mail.messageId);
      for (const other of ['ada@example.com', 'bob@example.org', 'cy@example.net', 'dee@example.com'].filter(
        (o) => o !== to,
      ))
        expect(mail.text).not.toContain(other);
      expect(mail.text).toContain('[Identified] Service update');
      expect(mail.text).toContain('Every checkout fails since 09:50.');
      expect(mail.text).toContain('Next update: by 10:20 (UTC)');
      expect(stored.firstResponseAt).toEqual(clock.now());
      expect(stored.sla?.responseMet).toBe(true);
      expect(stored.timeline.filter((e) => e.kind === 'incident_update')).toHaveLength(1);
    }
    expect(updateMails('dee@example.com')).toHaveLength(0); // unlinked
    expect(updateMails('robot@monitor.example')).toHaveLength(0);
    const skipped = (await d.models().Ticket.findById(automated.ticket.id).lean())!.timeline.find(
      (e) => e.kind === 'incident_update',
    );
    expect(skipped?.text).toContain('not emailed: the address only sends automatic mail');
    expect(
      (await d.models().Incident.findById(inc.id).lean())!.timeline.filter((e) => e.kind === 'status_update'),
    ).toHaveLength(1);
  });

  it('opens no second incident when a ticket linked to a live one is made P0, twice from two processes: its thread says which incident it is part of', async () => {
    const inc = await d.declared('Search is down', { email: 'eve@example.com' }, 'UALICE');
    const t = await d.customerTicket('Search finds nothing', { email: 'fay@example.com' });
    await a.sender.command('/support', `link ${t.key} ${inc.incident.key}`, 'UBOB');
    await waitLong(
      async () => String((await d.models().Ticket.findById(t.id).lean())?.linkedIncident?.id ?? '') === inc.id,
      'the link',
    );
    await settled([a.app, b.app]);
    const incidents = await d.models().Incident.countDocuments();
    const rooms = d.slack().callsTo('conversations.create').length;
    const alerts = d.slack().messages.filter((m) => String(m.text).includes('<!channel>')).length;

    // "Declare P0" on its card, delivered to both processes.
    const click = {
      type: 'button',
      action_id: 'ticket_declare_p0',
      block_id: 'ticket_workflow',
      value: JSON.stringify({ ticketId: t.id }),
      action_ts: '1772620000.000100',
    };
    for (const app of [a, b]) expect((await app.sender.blockAction('UCAROL', click, t)).status).toBe(200);
    await waitLong(async () => (await d.models().Ticket.findById(t.id).lean())?.priority === 'P0', 'the P0');
    const note = await waitLong(
      () =>
        d
          .slack()
          .messages.find(
            (m) =>
              m.thread_ts === t.ts && String(m.text).includes(`part of ${inc.incident.key}: no second incident opened`),
          ),
      'the thread note',
    );
    expect(note.text).toContain('<@UCAROL>');
    await settled([a.app, b.app]);

    expect(await d.models().Incident.countDocuments()).toBe(incidents);
    expect(d.slack().callsTo('conversations.create')).toHaveLength(rooms);
    expect(d.slack().messages.filter((m) => String(m.text).includes('<!channel>'))).toHaveLength(alerts);
    expect(
      d.slack().messages.filter((m) => m.thread_ts === t.ts && String(m.text).includes('no second incident opened')),
    ).toHaveLength(1);
    expect((await d.models().Ticket.findById(t.id).lean())!.linkedIncident?.key).toBe(inc.incident.key);
  });

  it('reminds the commander before an update is due and pings them with the leads when it is overdue, each once across two processes; an update resets the clock', async () => {
    const inc = await d.declared('Search is down', { email: 'eve@example.com' }, 'UCAROL');
    await settled([a.app, b.app]);
    const remindersIn = (room: string, includes: string) =>
      d
        .slack()
        .messages.filter(
          (m) =>
            m.channel === room &&
            m.metadata?.event_type === 'deskbell_incident_reminder' &&
            String(m.text).includes(includes),
        );
    const declaredAt = inc.incident.declaredAt.getTime();

    clock.set(new Date(declaredAt + 24 * 60_000));
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(remindersIn(inc.room, 'next status update')).toHaveLength(0);

    clock.set(new Date(declaredAt + 25 * 60_000 + 1000));
    await sweepBoth();
    await waitLong(() => remindersIn(inc.room, 'next status update')[0], 'the reminder');
    await sweepBoth();
    await settled([a.app, b.app]);
    const reminder = remindersIn(inc.room, 'next status update');
    expect(reminder).toHaveLength(1);
    expect(reminder[0]!.text).toContain('<@UCAROL>');
    expect(JSON.stringify(reminder[0]!.blocks)).toContain('incident_post_update');

    clock.set(new Date(declaredAt + 30 * 60_000 + 1000));
    await sweepBoth();
    await waitLong(() => remindersIn(inc.room, 'none came')[0], 'the overdue ping');
    await sweepBoth();
    await settled([a.app, b.app]);
    const overdue = remindersIn(inc.room, 'none came');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.text).toContain('<@UCAROL>');
    expect(overdue[0]!.text).toContain(`<!subteam^${LEADS}>`);

    // Still nothing an hour in: pinged again, once per cadence period.
    clock.set(new Date(declaredAt + 60 * 60_000 + 1000));
    await sweepBoth();
    await waitLong(() => remindersIn(inc.room, 'none came').length === 2, 'the second overdue ping');
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(remindersIn(inc.room, 'none came')).toHaveLength(2);

    // A restart (a third process on the same database) sends nothing again.
    const c = await startTestApp({
      db: a.db,
      slack: a.slack,
      clock,
      env: {
        SUPPORT_TEAM_USERGROUP: TEAM,
        SUPPORT_LEADS_USERGROUP: LEADS,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
      },
    });
    try {
      await sweepIncidentClocks(c.app.context);
      await settled([a.app, c.app]);
    } finally {
      await c.stop({ keepDb: true });
    }
    expect(remindersIn(inc.room, 'none came')).toHaveLength(2);

    // An update resets the clock: the old deadline is forgotten, the new one is 30 minutes on.
    await d.postUpdate('UCAROL', inc, {
      status: 'investigating',
      known: 'Index nodes restarting.',
      impact: 'Search returns nothing.',
    });
    await waitLong(
      async () =>
        (await d.models().Incident.findById(inc.id).lean())?.timeline.some((e) => e.kind === 'status_update' && e.done),
      'the update published',
    );
    const after = (await d.models().Incident.findById(inc.id).lean())!;
    expect(after.cadence?.dueAt).toEqual(new Date(clock.now().getTime() + 30 * 60_000));
    clock.advance(10 * 60_000);
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(remindersIn(inc.room, 'none came')).toHaveLength(2);
    expect(remindersIn(inc.room, 'next status update')).toHaveLength(1);
  });

  it('publishes an update stored by a process that crashed before asking for its effects, once the clock sweep finds it', async () => {
    const inc = await d.declared('Reports time out', { email: 'gil@example.com' }, 'UALICE');
    await settled(a.app);
    // The update is stored, then the process dies before its job is asked for: effects that do nothing.
    const crashed = { ...a.app.context, effects: noEffects };
    await postIncidentUpdate(crashed, {
      incidentId: inc.id,
      actor: { type: 'user', id: 'UALICE' },
      status: 'identified',
      known: 'A slow query on the reports table.',
      impact: 'Reports time out.',
      emailRequesters: false,
      public: false,
      requestKey: 'crashed-1',
    });
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(
      d.slack().messages.filter((m) => m.channel === inc.room && String(m.text).includes('A slow query')),
    ).toHaveLength(0);
    clock.advance(31_000);
    await sweepBoth();
    await waitLong(
      () => d.slack().messages.find((m) => m.channel === inc.room && String(m.text).includes('A slow query')),
      'the re-asked update',
    );
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(
      d.slack().messages.filter((m) => m.channel === inc.room && String(m.text).includes('A slow query')),
    ).toHaveLength(1);
    expect(
      d.slack().messages.filter((m) => m.thread_ts === inc.ticket.ts && String(m.text).includes(':mega: [Identified]')),
    ).toHaveLength(1);
    expect(
      (await d.models().Incident.findById(inc.id).lean())!.timeline.find((e) => e.kind === 'status_update')?.done,
    ).toBe(true);
  });

  it('refuses outsiders; /support update opens the form in a war room and says where to use it elsewhere; /support incidents lists the active ones', async () => {
    const inc = await d.declared('Login broken', { email: 'fay@example.com' }, 'UALICE');
    await settled(a.app);
    await d.button('UOUTSIDER', 'incident_post_update', inc.id, { channel: inc.room });
    await waitLong(() => ephemeral('UOUTSIDER', 'Only members of')[0], 'the refusal');
    await a.sender.command('/support', 'update', 'UBOB');
    await waitLong(() => ephemeral('UBOB', 'inside an incident')[0], 'the /support update hint');
    const opens = d.slack().callsTo('views.open').length;
    await a.sender.command('/support', 'update', 'UBOB', { channel_id: inc.room });
    const form = await d.openedModal('incident_update_modal', opens);
    expect(JSON.parse(form.args.view.private_metadata)).toEqual({ incidentId: inc.id, channel: inc.room });
    expect(form.args.view.blocks.find((bl: any) => bl.block_id === 'update_next').element.initial_value).toBe('30');
    await a.sender.command('/support', 'incidents', 'UBOB');
    const list = await waitLong(() => ephemeral('UBOB', '*Active incidents*')[0], '/support incidents');
    expect(list.args.text).toContain(inc.incident.key);
    expect(list.args.text).toContain('next update');
  });
});
