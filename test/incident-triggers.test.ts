import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePagerDuty } from './support/fake-pagerduty.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { submittedView } from './support/new-ticket-view.js';
import { settled, waitFor } from './support/settle.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const TEAM = 'STEAM0001';
const PRIMARY = 'UONCALL1';

/** The ways to a P0 not covered in incidents.test.ts: the New ticket form, and PagerDuty being down. */
describe('P0 incidents: the form and a PagerDuty outage', () => {
  let t: TestApp;
  let pd: FakePagerDuty;
  const clock = new ManualClock(new Date('2026-03-04T10:00:00Z'));
  beforeAll(async () => {
    pd = await new FakePagerDuty().start();
    const dir = mkdtempSync(join(tmpdir(), 'deskbell-oncall-'));
    const oncallFile = join(dir, 'oncall.json');
    writeFileSync(
      oncallFile,
      JSON.stringify({
        rotation: [PRIMARY, 'UONCALL2'],
        handoff: { day: 'monday', time: '09:00' },
        start: '2026-03-02',
      }),
    );
    t = await startTestApp({
      label: 'incident_triggers',
      clock,
      env: {
        SUPPORT_TEAM_USERGROUP: TEAM,
        ONCALL_FILE: oncallFile,
        PAGERDUTY_ROUTING_KEY: 'pd-key',
        PAGERDUTY_EVENTS_URL: pd.url,
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
    t.slack.usergroups.set(TEAM, ['UALICE', 'UBOB']);
  });
  afterAll(async () => {
    await t.stop();
    await pd.stop();
  });

  const models = () => t.app.context.models;
  const alerts = (key: string) =>
    t.slack.messages.filter(
      (m) => m.channel === 'CSUPPORT1' && String(m.text).startsWith('<!channel>') && String(m.text).includes(key),
    );
  const pages = (key: string) =>
    t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === PRIMARY && String(c.args.text).includes(key));

  it('declares once when the New ticket form is submitted as P0, even submitted twice', async () => {
    const view = submittedView('VP0FORM', {
      email: 'ops@example.com',
      subject: 'Login is down for everyone',
      body: 'Nobody can sign in since 09:50.',
      category: 'bug',
      priority: 'P0',
    });
    expect((await t.sender.viewSubmission('UALICE', view)).status).toBe(200);
    expect((await t.sender.viewSubmission('UALICE', view)).status).toBe(200);

    const ticket = await waitFor(
      () => models().Ticket.findOne({ subject: 'Login is down for everyone' }).lean(),
      'the ticket',
    );
    const incident = await waitFor(() => models().Incident.findOne({ ticketId: ticket._id }).lean(), 'the incident');
    await waitFor(() => alerts(incident.key)[0], 'the @channel alert');
    await waitFor(() => pages(incident.key)[0], 'the page');
    await settled([t.app]);

    expect(await models().Ticket.countDocuments({ subject: 'Login is down for everyone' })).toBe(1);
    expect(await models().Incident.countDocuments({ ticketId: ticket._id })).toBe(1);
    expect(incident.roles).toMatchObject({ declarer: 'UALICE', commander: 'UALICE' });
    expect(alerts(incident.key)).toHaveLength(1);
    expect(pages(incident.key)).toHaveLength(1);
    expect([...t.slack.channels.values()].filter((c) => c.name.startsWith(`inc-${incident.number}-`))).toHaveLength(1);
  });

  it('alerts and pages in Slack while PagerDuty is down, and sends the trigger once when it is back', async () => {
    pd.failNext = 3;
    const attemptsBefore = pd.attempts;
    const res = await sendWebhook(t.url, {
      subject: 'Payments API returns 503',
      body: 'Monitoring: error rate 40 %.',
      requester: { email: 'monitor@example.com' },
      priority: 'P0',
    });
    expect(res.status).toBe(201);
    const { ticket: key } = (await res.json()) as { ticket: string };
    const ticket = (await models().Ticket.findOne({ key }).lean())!;
    const incident = await waitFor(() => models().Incident.findOne({ ticketId: ticket._id }).lean(), 'the incident');
    await waitFor(() => alerts(incident.key)[0], 'the @channel alert');
    await waitFor(() => pages(incident.key)[0], 'the page');
    await waitFor(
      () => pd.events.find((e) => e.dedup_key === String(incident._id)),
      'the PagerDuty trigger after the outage',
    );
    await settled([t.app]);

    expect(pd.attempts - attemptsBefore).toBe(4); // three refused, the fourth accepted, none after
    expect(pd.events.filter((e) => e.dedup_key === String(incident._id))).toEqual([
      expect.objectContaining({ event_action: 'trigger', routing_key: 'pd-key' }),
    ]);
    expect(alerts(incident.key)).toHaveLength(1);
    expect(pages(incident.key)).toHaveLength(1);
  });
});
