import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postDailySummary } from '../src/flows/daily-summary.js';
import { postWeeklyDigest } from '../src/flows/weekly-digest.js';
import { sweepIncidentClocks } from '../src/domain/incidents/clock.js';
import { FakePagerDuty } from './support/fake-pagerduty.js';
import { ManualClock, type TestApp } from './support/harness.js';
import { INCIDENT_LEADS as LEADS, incidentDriver, startIncidentApps, waitLong } from './support/incidents.js';
import { settled } from './support/settle.js';
import type { SmtpSink } from './support/smtp-sink.js';

const HOUR = 3_600_000;

// A busy machine shares one database server between the files in parallel: generous timeouts.
describe('P0 incidents: resolution, monitoring, the incident report, the archive and the status page', {
  timeout: 90_000,
}, () => {
  let a: TestApp;
  let b: TestApp;
  let smtp: SmtpSink;
  let pd: FakePagerDuty;
  const clock = new ManualClock(new Date('2026-03-09T08:00:00Z'));
  const d = incidentDriver(() => a);

  let apps: Awaited<ReturnType<typeof startIncidentApps>>;
  beforeAll(async () => {
    pd = await new FakePagerDuty().start();
    apps = await startIncidentApps({
      label: 'incident_resolution',
      clock,
      team: ['UALICE', 'UBOB'],
      users: [
        { id: 'UALICE', name: 'alice', real_name: 'Alice Archer' },
        { id: 'UBOB', name: 'bob', real_name: 'Bob Baker' },
      ],
      env: {
        PUBLIC_URL: 'https://desk.acme.test',
        PAGERDUTY_ROUTING_KEY: 'pd-key',
        PAGERDUTY_EVENTS_URL: pd.url,
        INCIDENT_MONITOR_MINUTES: '120',
        INCIDENT_REPORT_HOURS: '48',
        INCIDENT_ARCHIVE_DAYS: '7',
      },
      // The second process runs without the status page.
      onlyA: { STATUS_PAGE_ENABLED: 'true' },
    });
    ({ a, b, smtp } = apps);
  }, 120_000);
  afterAll(async () => {
    await apps.stop();
    await pd.stop();
  }, 120_000);

  const sweepBoth = () => Promise.all([sweepIncidentClocks(a.app.context), sweepIncidentClocks(b.app.context)]);
  const inRoom = (room: string, eventType: string, includes = '') =>
    d
      .slack()
      .messages.filter(
        (m) => m.channel === room && m.metadata?.event_type === eventType && String(m.text).includes(includes),
      );
  const resolutionMails = (to: string) =>
    smtp.messages.filter(
      (m) => JSON.stringify(m.to).includes(to) && String(m.text).includes('We have resolved your request'),
      60_000,
    );
  const stored = async (id: string) => (await d.models().Incident.findById(id).lean())!;

  async function resolve(
    user: string,
    inc: { id: string; room: string },
    r: Parameters<typeof d.resolveState>[0],
    viewId = `VRES${Math.random().toString(36).slice(2, 8)}`,
  ) {
    const opens = d.slack().callsTo('views.open').length;
    await d.button(user, 'incident_resolve', inc.id, { channel: inc.room });
    const open = await d.openedModal('incident_resolve_modal', opens);
    const view = {
      id: viewId,
      callback_id: 'incident_resolve_modal',
      private_metadata: open.args.view.private_metadata,
      state: d.resolveState(r),
    };
    const answers = await Promise.all([d.submit(user, view, a), d.submit(user, view, b)]);
    return { open, answers };
  }

  it('resolves without linked tickets: all-clear without @channel, PagerDuty resolve, pages and cadence stop, duration fixed; then the report reminders, the prefilled report, its file and the archive', async () => {
    const inc = await d.declared('Payments API down', { email: 'gus@example.com' }, 'UALICE');
    await settled([a.app, b.app]);
    clock.advance(45 * 60_000);
    await d.postUpdate('UALICE', inc, {
      status: 'identified',
      known: 'Connection pool exhausted after the 09:00 deploy.',
      impact: 'All card payments fail.',
    });
    await waitLong(
      async () => (await stored(inc.id)).timeline.some((e) => e.kind === 'status_update' && e.done),
      'the update',
    );
    clock.advance(15 * 60_000);

    const { open } = await resolve('UALICE', inc, { fix: 'Rolled back the 09:00 deploy and raised the pool size.' });
    expect(
      open.args.view.blocks
        .find((bl: any) => bl.block_id === 'incident_resolve_options')
        .element.initial_options.map((o: any) => o.value),
    ).toEqual(['monitor']);
    const allClear = await waitLong(
      () =>
        d
          .slack()
          .messages.find((m) => m.channel === 'CSUPPORT1' && m.metadata?.event_type === 'deskbell_incident_all_clear'),
      'the all-clear',
    );
    await waitLong(
      () => pd.events.some((e) => e.event_action === 'resolve' && e.dedup_key === inc.id),
      'PagerDuty resolve',
    );
    await settled([a.app, b.app]);

    expect(
      d
        .slack()
        .messages.filter(
          (m) =>
            m.metadata?.event_type === 'deskbell_incident_all_clear' && m.metadata.event_payload.incident_id === inc.id,
        ),
    ).toHaveLength(1);
    expect(allClear.text).not.toContain('<!channel>');
    expect(allClear.text).toContain(`All clear: ${inc.incident.key} is resolved`);
    expect(allClear.text).toContain('Duration 1 h');
    expect(inRoom(inc.room, 'deskbell_incident_update', '[Resolved]')).toHaveLength(1);
    expect(pd.events.filter((e) => e.dedup_key === inc.id).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    const resolvedAt = clock.now();
    const incident = await stored(inc.id);
    expect(incident).toMatchObject({
      status: 'resolved',
      currentStatus: 'resolved',
      resolvedAt,
      closedAt: resolvedAt,
      fix: 'Rolled back the 09:00 deploy and raised the pool size.',
    });
    expect(incident.page?.nextAt).toBeNull();
    expect(incident.cadence?.dueAt).toBeNull();
    expect(incident.report?.dueAt).toEqual(new Date(resolvedAt.getTime() + 48 * HOUR));
    expect(resolvedAt.getTime() - incident.declaredAt.getTime()).toBe(60 * 60_000);
    expect(d.slack().channels.get(inc.room)!.topic).toMatch(
      new RegExp(`^Resolved · ${inc.ticket.key} · ${inc.incident.key} · commander <@UALICE> · lasted 1 h$`),
    );
    const brief = d
      .slack()
      .callsTo('chat.update')
      .filter((c) => c.args.ts === incident.brief!.ts)
      .at(-1)!;
    expect(JSON.stringify(brief.args.blocks)).toContain('incident_write_report');
    expect((await d.models().Ticket.findById(inc.ticket.id).lean())!.status).not.toBe('resolved');
    expect(resolutionMails('gus@example.com')).toHaveLength(0);
    // No more reminders to post updates.
    clock.advance(2 * HOUR);
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(inRoom(inc.room, 'deskbell_incident_reminder', 'status update')).toHaveLength(0);

    // The report clock: half time, 2 hours before, overdue (leads, in the alert's thread in #support), each once.
    const reportReminders = () =>
      d
        .slack()
        .messages.filter(
          (m) =>
            m.metadata?.event_type === 'deskbell_incident_reminder' && String(m.text).includes('incident report on'),
        );
    for (const [at, count] of [
      [24 * HOUR + 1000, 1],
      [46 * HOUR + 1000, 2],
      [48 * HOUR + 1000, 3],
    ] as const) {
      clock.set(new Date(resolvedAt.getTime() + at));
      await sweepBoth();
      await waitLong(() => reportReminders().length === count, `report reminder ${count}`);
      await sweepBoth();
      await settled([a.app, b.app]);
      expect(reportReminders()).toHaveLength(count);
    }
    const [half, late, overdue] = reportReminders();
    expect(half!.channel).toBe(inc.room);
    expect(half!.text).toContain('<@UALICE>');
    expect(late!.text).toContain('soon');
    expect(overdue!.channel).toBe('CSUPPORT1');
    expect(overdue!.thread_ts).toBe(incident.alert!.ts);
    expect(overdue!.text).toContain(`<!subteam^${LEADS}>`);

    // "Write report": prefilled from the incident, timeline built from its events.
    const opens = d.slack().callsTo('views.open').length;
    await d.button('UBOB', 'incident_write_report', inc.id, { channel: inc.room });
    const form = await d.openedModal('incident_report_modal', opens);
    const input = (block: string) => form.args.view.blocks.find((bl: any) => bl.block_id === block)?.element;
    expect(input('report_title').initial_value).toBe('Payments API down');
    expect(input('report_start').initial_date_time).toBe(Math.floor(incident.declaredAt.getTime() / 1000));
    expect(input('report_end').initial_date_time).toBe(Math.floor(resolvedAt.getTime() / 1000));
    expect(input('report_root_cause').initial_value).toBe('Connection pool exhausted after the 09:00 deploy.');
    expect(input('report_resolution').initial_value).toBe('Rolled back the 09:00 deploy and raised the pool size.');
    expect(input('report_impact').initial_value).toBe('All card payments fail.');
    const timeline: string = input('report_timeline').initial_value;
    expect(timeline).toContain('2026-03-09 08:00  Declared P0 (card) by Alice Archer');
    expect(timeline).toMatch(/Paged/);
    expect(timeline).toContain('08:45  [Identified] update by Alice Archer: Connection pool exhausted');
    expect(timeline).toContain('09:00  Resolved by Alice Archer: Rolled back');

    const values = {
      report_title: { value: d.text('Payments API outage') },
      report_start: {
        value: { type: 'datetimepicker', selected_date_time: Math.floor(incident.declaredAt.getTime() / 1000) },
      },
      report_end: { value: { type: 'datetimepicker', selected_date_time: Math.floor(resolvedAt.getTime() / 1000) } },
      report_impact: { value: d.text('All card payments failed for an hour; about 1,200 customers.') },
      report_root_cause: { value: d.text('The deploy halved the connection pool.') },
      report_resolution: { value: d.text('Rolled back; pool size raised.') },
      report_prevention: {
        value: d.text(
          '- Canary deploys for the payment service — Alice\n- Alert on pool saturation — Bob\n- Load test before release',
        ),
      },
      report_timeline: { value: d.text(timeline) },
    };
    const view = {
      id: 'VREPORT1',
      callback_id: 'incident_report_modal',
      private_metadata: form.args.view.private_metadata,
      state: { values },
    };
    await Promise.all([d.submit('UBOB', view, a), d.submit('UBOB', view, b)]);
    const file = await waitLong(() => d.slack().filesIn(inc.room)[0], 'the uploaded report');
    await settled([a.app, b.app]);

    expect(d.slack().filesIn(inc.room)).toHaveLength(1);
    expect(file.filename).toBe(`${inc.incident.key.toLowerCase()}-incident-report-r1.md`);
    const markdown = file.bytes!.toString('utf8');
    for (const part of [
      `# Incident report: ${inc.incident.key} · Payments API outage`,
      '| Duration | 1 h |',
      '## Impact',
      '## Root cause',
      'The deploy halved the connection pool.',
      '## Resolution',
      '## Prevention',
      '- [ ] Canary deploys for the payment service (owner: Alice)',
      '- [ ] Load test before release (owner: to be named)',
      '## Timeline',
      '- 2026-03-09 08:00  Declared P0 (card) by Alice Archer',
    ]) {
      expect(markdown).toContain(part);
    }
    const posted = d
      .slack()
      .messages.filter(
        (m) => m.metadata?.event_type === 'deskbell_incident_report' && m.metadata.event_payload.incident_id === inc.id,
      );
    expect(posted.map((m) => m.channel).sort()).toEqual(['CSUPPORT1', inc.room].sort());
    expect(d.slack().pins).toContainEqual({
      channel: inc.room,
      timestamp: posted.find((m) => m.channel === inc.room)!.ts,
    });
    const report = (await stored(inc.id)).report!;
    expect(report).toMatchObject({
      revision: 1,
      title: 'Payments API outage',
      submittedBy: 'UBOB',
      rootCause: 'The deploy halved the connection pool.',
    });
    expect(report.prevention).toEqual([
      { action: 'Canary deploys for the payment service', owner: 'Alice' },
      { action: 'Alert on pool saturation', owner: 'Bob' },
      { action: 'Load test before release' },
    ]);
    const archiveAt = (await stored(inc.id)).archive!.at!;
    expect(archiveAt).toEqual(new Date(clock.now().getTime() + 7 * 24 * HOUR));

    // INCIDENT_ARCHIVE_DAYS after the report, the war room is archived, once.
    clock.set(new Date(archiveAt.getTime() - 1000));
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(d.slack().channels.get(inc.room)!.is_archived).toBeFalsy();
    clock.set(new Date(archiveAt.getTime() + 1000));
    await sweepBoth();
    await waitLong(() => d.slack().channels.get(inc.room)!.is_archived, 'the archive');
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(
      d
        .slack()
        .callsTo('conversations.archive')
        .filter((c) => c.args.channel === inc.room),
    ).toHaveLength(1);
    expect((await stored(inc.id)).archive?.doneAt).toBeTruthy();
  });

  it('resolves the linked tickets too (one survey mail each), monitors first, asks the commander to close once, and closes', async () => {
    const inc = await d.declared('Emails not delivered', { email: 'hal@example.com', name: 'Hal' }, 'UBOB');
    const t1 = await d.customerTicket('No emails since noon', { email: 'ivy@example.com' });
    const t2 = await d.customerTicket('Password reset mail missing', { email: 'jon@example.com' });
    for (const t of [t1, t2]) await a.sender.command('/support', `link ${t.key} ${inc.incident.key}`, 'UBOB');
    await waitLong(
      async () => (await d.models().Ticket.countDocuments({ 'linkedIncident.id': inc.incident._id })) === 2,
      'two linked tickets',
    );
    await settled([a.app, b.app]);

    // Resolving the tickets needs the words their mails carry.
    const opens = d.slack().callsTo('views.open').length;
    await d.button('UBOB', 'incident_resolve', inc.id, { channel: inc.room });
    const open = await d.openedModal('incident_resolve_modal', opens);
    const refused = await d.submit('UBOB', {
      id: 'VRESX',
      callback_id: 'incident_resolve_modal',
      private_metadata: open.args.view.private_metadata,
      state: d.resolveState({ fix: 'Queue drained.', options: ['tickets'] }),
    });
    expect(refused).toEqual({
      response_action: 'errors',
      errors: { incident_verify: 'Say how requesters can check that it works: their resolution mails carry it.' },
    });

    await resolve('UBOB', inc, {
      fix: 'The mail queue was stuck; we drained it and fixed the worker.',
      options: ['monitor', 'tickets'],
      verify: 'Send yourself a password-reset mail.',
    });
    for (const to of ['hal@example.com', 'ivy@example.com', 'jon@example.com'])
      await smtp.waitFor(
        (m) => JSON.stringify(m.to).includes(to) && String(m.text).includes('We have resolved your request'),
        60_000,
      );
    await settled([a.app, b.app]);
    for (const [to, ticket] of [
      ['hal@example.com', inc.ticket],
      ['ivy@example.com', t1],
      ['jon@example.com', t2],
    ] as const) {
      const mails = resolutionMails(to);
      expect(mails, to).toHaveLength(1);
      expect(mails[0]!.subject).toMatch(new RegExp(`^\\[${ticket.key}\\] `));
      expect(mails[0]!.text).toContain('Send yourself a password-reset mail.');
      expect(mails[0]!.text).toMatch(/https:\/\/desk\.acme\.test\/csat\/\S+/);
      expect((await d.models().Ticket.findById(ticket.id).lean())!.status).toBe('resolved');
    }
    const monitoring = await stored(inc.id);
    expect(monitoring.status).toBe('monitoring');
    expect(monitoring.monitor?.until).toEqual(new Date(clock.now().getTime() + 120 * 60_000));
    const allClear = d
      .slack()
      .messages.find(
        (m) =>
          m.metadata?.event_type === 'deskbell_incident_all_clear' && m.metadata.event_payload.incident_id === inc.id,
      )!;
    expect(allClear.text).toContain(`${inc.incident.key} is fixed`);
    expect(allClear.text).toContain('monitoring until');
    expect(d.slack().channels.get(inc.room)!.topic).toContain('monitoring until');

    const prompts = () => inRoom(inc.room, 'deskbell_incident_reminder', 'Close it when it holds');
    clock.advance(119 * 60_000);
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(prompts()).toHaveLength(0);
    clock.advance(60_000 + 1000);
    await sweepBoth();
    await waitLong(() => prompts()[0], 'the close prompt');
    await sweepBoth();
    await settled([a.app, b.app]);
    expect(prompts()).toHaveLength(1);
    expect(prompts()[0]!.text).toContain('<@UBOB>');
    expect(JSON.stringify(prompts()[0]!.blocks)).toContain('incident_close');

    await d.button('UBOB', 'incident_close', inc.id, { channel: inc.room });
    await waitLong(async () => (await stored(inc.id)).status === 'resolved', 'closed');
    await settled([a.app, b.app]);
    expect(inRoom(inc.room, 'deskbell_incident_note', 'closed by <@UBOB>')).toHaveLength(1);
    expect(d.slack().channels.get(inc.room)!.topic).toMatch(/^Resolved · /);
  });

  it('reopens from monitoring when the problem is back (PagerDuty triggered again, resolved again); tickets cannot be linked to a resolved incident', async () => {
    const inc = await d.declared('VPN drops', { email: 'kai@example.com' }, 'UALICE');
    await settled(a.app);
    await resolve('UALICE', inc, { fix: 'Restarted the gateway.', options: ['monitor'] });
    await waitLong(async () => (await stored(inc.id)).status === 'monitoring', 'monitoring');
    await settled([a.app, b.app]);
    await d.button('UALICE', 'incident_reopen', inc.id, { channel: inc.room });
    await waitLong(async () => (await stored(inc.id)).status === 'active', 'reopened');
    await settled([a.app, b.app]);
    const reopened = await stored(inc.id);
    expect(reopened.resolvedAt).toBeFalsy();
    expect(reopened.cadence?.dueAt).toEqual(new Date(clock.now().getTime() + 30 * 60_000));
    expect(inRoom(inc.room, 'deskbell_incident_note', 'reopened by <@UALICE>')).toHaveLength(1);
    // PagerDuty resolved its alert with the fix; the problem being back triggers it again, and the next fix
    // resolves it again: one event each, across both processes.
    await waitLong(() => pd.events.filter((e) => e.dedup_key === inc.id).length === 3, 'PagerDuty trigger again');
    await resolve('UALICE', inc, { fix: 'Replaced the gateway.', options: [] });
    await waitLong(async () => (await stored(inc.id)).status === 'resolved', 'resolved after the reopen');
    await waitLong(() => pd.events.filter((e) => e.dedup_key === inc.id).length === 4, 'the second PagerDuty resolve');
    await settled([a.app, b.app]);
    expect(pd.events.filter((e) => e.dedup_key === inc.id).map((e) => e.event_action)).toEqual([
      'trigger',
      'resolve',
      'trigger',
      'resolve',
    ]);

    const resolved = await d.models().Incident.findOne({ status: 'resolved' }).lean();
    const t = await d.customerTicket('VPN again', { email: 'lou@example.com' });
    await a.sender.command('/support', `link ${t.key} ${resolved!.key}`, 'UBOB');
    await waitLong(
      () =>
        d
          .slack()
          .callsTo('chat.postEphemeral')
          .find(
            (c) =>
              c.args.user === 'UBOB' &&
              String(c.args.text).includes(`${resolved!.key} is resolved: link tickets to an active incident`),
          ),
      'the refusal',
    );
  });

  it('serves the status page with public updates only (no internal notes, requester data or Slack links), and 404 where it is off', async () => {
    const inc = await d.declared('Dashboard slow for ACME Corp', { email: 'mia@acme-corp.example' }, 'UALICE');
    await settled(a.app);
    await d.postUpdate('UALICE', inc, {
      status: 'investigating',
      known:
        'Dashboards are slow; see <https://acme.slack.com/archives/C1/p1|our thread> and ask <@UALICE>. We are on it.',
      impact: 'Dashboards take 30 s to load.',
      options: ['public'],
    });
    await d.postUpdate('UALICE', inc, {
      status: 'identified',
      known: 'Internal: db03 at 100 % CPU, mia@acme-corp.example reported first.',
      impact: 'Same.',
    });
    await waitLong(
      async () => (await stored(inc.id)).timeline.filter((e) => e.kind === 'status_update' && e.done).length === 2,
      'both updates',
    );

    const json = (await (await fetch(`${a.url}/status.json`)).json()) as any;
    const entry = json.incidents.find((i: any) => i.id === inc.incident.key);
    expect(json.status).toBe('incident');
    expect(entry.updates).toHaveLength(1);
    expect(entry.updates[0]).toMatchObject({
      status: 'investigating',
      message: 'Dashboards are slow; see our thread and ask . We are on it.',
      impact: 'Dashboards take 30 s to load.',
    });
    const html = await (await fetch(`${a.url}/status`)).text();
    expect(html).toContain('Dashboards are slow');
    for (const leak of ['db03', 'mia@acme-corp.example', 'ACME Corp', 'slack.com', 'UALICE', 'Internal']) {
      expect(html, leak).not.toContain(leak);
      expect(JSON.stringify(json), leak).not.toContain(leak);
    }
    expect((await fetch(`${b.url}/status`)).status).toBe(404);
    expect((await fetch(`${b.url}/status.json`)).status).toBe(404);

    await resolve('UALICE', inc, { fix: 'Added an index; dashboards are fast again.', options: ['public'] });
    await waitLong(
      async () => (await stored(inc.id)).timeline.filter((e) => e.kind === 'status_update' && e.done).length === 3,
      'the resolution',
    );
    const after = (await (await fetch(`${a.url}/status.json`)).json()) as any;
    const resolvedEntry = after.incidents.find((i: any) => i.id === inc.incident.key);
    expect(resolvedEntry.status).toBe('resolved');
    expect(resolvedEntry.resolvedAt).toBe(clock.now().toISOString());
    expect(resolvedEntry.updates.map((u: any) => u.status)).toEqual(['resolved', 'investigating']);
  });

  it('counts incidents in the daily summary and the weekly review, and shows active ones at the top of App Home', async () => {
    const fixed = await d.declared('Search flaky', { email: 'ola@example.com' }, 'UALICE');
    await settled(a.app);
    clock.advance(40 * 60_000);
    await resolve('UALICE', fixed, { fix: 'Replaced a node.' });
    await waitLong(
      async () => (await stored(fixed.id)).timeline.some((e) => e.kind === 'status_update' && e.done),
      'the resolution',
    );
    await d.declared('Status page down', { email: 'ned@example.com' }, 'UALICE');
    await settled(a.app);
    await postDailySummary(a.app.context);
    const summary = await waitLong(
      () =>
        d
          .slack()
          .messages.find(
            (m) => m.metadata?.event_type === 'deskbell_summary' && JSON.stringify(m.blocks).includes('P0 incidents'),
          ),
      'the daily summary',
    );
    const text = JSON.stringify(summary.blocks);
    expect(text).toMatch(/\*\d+\* declared/);
    expect(text).toMatch(/resolved \(total [^,]+, median /);
    expect(text).toMatch(/\*[1-9]\d*\* active/);
    await postWeeklyDigest(a.app.context);
    const weekly = await waitLong(
      () =>
        d
          .slack()
          .messages.find(
            (m) => m.metadata?.event_type === 'deskbell_summary' && String(m.text).startsWith('Weekly review'),
          ),
      'the weekly review',
    );
    expect(JSON.stringify(weekly.blocks)).toMatch(/P0 incidents.*declared \(▲ \d+\)/);
    const publishes = d.slack().callsTo('views.publish').length;
    await a.sender.event({ type: 'app_home_opened', user: 'UALICE', tab: 'home', channel: 'D1' });
    const home = await d.slack().waitFor(
      () =>
        d
          .slack()
          .callsTo('views.publish')
          .slice(publishes)
          .find((c) => c.args.user_id === 'UALICE'),
      60_000,
      'App Home',
    );
    expect(home.args.view.blocks[0].text.text).toMatch(/Active incidents/);
  });
});
