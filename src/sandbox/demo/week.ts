import { person, SUPPORT_CHANNEL } from '../people.js';
import type { Sandbox } from '../sandbox.js';
import { type Card, DemoActor } from './act.js';

/** How far back the demo week starts (its first morning, at 08:00). */
export const DEMO_DAYS = 7;

const AGENT = person('agent').id;
const LEAD = person('lead').id;
const ONCALL = person('on-call').id;

const ada = { email: 'ada@example.com', name: 'Ada Lovelace' };
const grace = { email: 'grace@globex.example', name: 'Grace Hopper' };
const linus = { email: 'linus@initech.example', name: 'Linus Chen' };
const marie = { email: 'marie@umbrella.example', name: 'Marie Curie' };

/** 08:00 on the first day of the demo week, in this process's time zone (the sandbox's team time zone). */
export function demoStart(now = new Date()): Date {
  const start = new Date(now.getTime() - DEMO_DAYS * 86_400_000);
  start.setHours(8, 0, 0, 0);
  return start;
}

/**
 * A realistic week, played through Deskbell's real entry points while its clock moves from a week ago to now:
 * tickets of every priority by mail and webhook, triage, replies and a requester's answer, an escalation, a
 * resolved incident with its report, a storm, summaries and reminders as the days pass, an active P0 with its
 * war room this morning, and the lead's /support-report. `progress` hears each step.
 */
export async function fillDemoWeek(s: Sandbox, progress: (step: string) => void = () => undefined): Promise<void> {
  const act = new DemoActor(s);
  const began = Date.now();
  const first = demoStart(s.clock.now());
  first.setTime(Math.max(first.getTime(), s.clock.now().getTime()));
  const day = (n: number, hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    const t = new Date(first);
    t.setDate(t.getDate() + n);
    t.setHours(h!, m!, 0, 0);
    return t;
  };
  const at = async (when: Date, step: string) => {
    await s.settled();
    const ms = when.getTime() - s.clock.now().getTime();
    if (ms > 0) await s.travel(ms);
    s.busyWith = `Filling a demo week: ${step}…`;
    s.bump();
    progress(`${when.toLocaleString()}: ${step} (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  };
  const card = (c: Card) => ({ channel: c.channel, ts: c.ts });

  try {
    await at(day(0, '08:10'), 'a login problem arrives by mail');
    const login = await act.byMail(
      ada,
      'Cannot log in after resetting my password',
      'Hi, since I reset my password this morning the login page says "invalid credentials". I tried twice. Ada',
    );
    await act.click(AGENT, card(login), 'ticket_set_priority', 'P2');
    await act.click(AGENT, card(login), 'ticket_assign_to_me');
    await act.click(AGENT, card(login), 'ticket_reply');
    await act.submit(AGENT, 'reply_modal', {
      reply_message:
        'Hello Ada,\n\nsorry about that. Could you tell us which browser you use? ' +
        'A stale saved password is the usual cause.\n\nAlex',
    });

    await at(day(0, '09:05'), 'a typo report comes in by webhook');
    const typo = await act.byWebhook({
      subject: 'Typo on the pricing page: "anual" plan',
      body: 'The pricing page says "anual" instead of "annual".',
      requester: grace,
      category: 'feedback',
    });
    await act.click(LEAD, card(typo), 'ticket_set_priority', 'P3');

    await at(day(0, '10:30'), 'an export bug, escalated to engineering');
    const exportBug = await act.byMail(
      linus,
      'Export to CSV sometimes fails with a timeout',
      'About one export in five fails with "Gateway timeout" since Monday. Retrying works. Linus',
    );
    await act.click(AGENT, card(exportBug), 'ticket_set_priority', 'P2');
    await act.click(AGENT, card(exportBug), 'ticket_assign', ONCALL);
    await act.click(AGENT, card(exportBug), 'ticket_escalate');
    await act.submit(AGENT, 'escalate_modal', {
      escalate_reason: 'Exports time out for large accounts; support cannot see the export workers.',
      escalate_users: '40',
      escalate_severity: 'major',
      escalate_tried: 'Reproduced with a 200k-row account; smaller exports work.',
      escalate_needed: 'Someone to look at the export queue and its timeout.',
    });

    await at(day(0, '11:40'), 'Ada answers the mail');
    await act.replyByMail(ada.email, 'I use Firefox. Clearing the saved password fixed it, thank you!');

    await at(day(0, '14:15'), 'a feature request');
    const dark = await act.byWebhook({
      subject: 'Feature request: dark mode for the dashboard',
      body: 'Several of our people work at night; a dark mode would help.',
      requester: marie,
      category: 'feature_request',
    });
    await act.click(LEAD, card(dark), 'ticket_set_priority', 'P3');

    await at(day(0, '16:30'), 'the login ticket is resolved');
    await act.click(AGENT, card(login), 'ticket_resolve');
    await act.submit(AGENT, 'resolve_modal', {
      resolve_summary: 'A saved password in the browser kept the old one.',
      resolve_verify: 'Log in with the new password after clearing the saved one.',
    });

    await at(day(1, '09:20'), 'slow API responses, P1');
    const slow = await act.byWebhook({
      subject: 'API responses take more than 5 seconds',
      body: 'Our integration sees p95 latency above 5 s on /v2/orders since 08:50.',
      requester: linus,
      priority: 'P1',
    });
    await act.click(AGENT, card(slow), 'ticket_assign_to_me');
    await act.say(AGENT, SUPPORT_CHANNEL, 'Traces point at the orders database; asked Omar to look.', slow.ts);

    await at(day(1, '11:00'), 'SSO fails for a whole customer: declared P0');
    const sso = await act.byMail(
      grace,
      'SSO login fails for all users at Globex',
      'None of our 300 users can sign in with SSO since 10:50. This is blocking our whole company.',
    );
    await act.click(AGENT, card(sso), 'ticket_declare_p0');
    const ssoIncident = await act.incidentOf(sso.id);
    await at(day(1, '11:20'), 'the first status update in the war room');
    await act.click(AGENT, ssoIncident.brief, 'incident_post_update');
    await act.submit(AGENT, 'incident_update_modal', {
      update_status: 'identified',
      update_known: 'An expired SAML signing certificate on the identity provider side.',
      update_impact: 'All Globex users (about 300) cannot sign in with SSO; password login works.',
      update_next: '30',
    });
    await act.say(ONCALL, ssoIncident.room, 'Rotating the certificate now; ETA 20 minutes.');

    await at(day(1, '12:05'), 'the incident is resolved');
    await act.click(AGENT, ssoIncident.brief, 'incident_resolve');
    await act.submit(AGENT, 'incident_resolve_modal', {
      incident_fix: 'Rotated the SAML signing certificate and re-published the metadata.',
      incident_resolve_options: [],
    });
    await act.click(AGENT, card(slow), 'ticket_resolve');
    await act.submit(AGENT, 'resolve_modal', {
      resolve_summary: 'An index on the orders table was missing after a migration; it is back.',
      resolve_verify: 'Call /v2/orders and check the latency header.',
    });

    await at(day(2, '09:40'), 'a storm: password reset mails not arriving');
    let last = '';
    for (const [i, who] of [ada, grace, linus, marie].entries()) {
      if (i > 0) await at(new Date(s.clock.now().getTime() + 60_000), 'another password reset mail went missing');
      last = await act.webhook({
        subject: 'Password reset email not arriving',
        body: `I requested a password reset ${i + 1} times and got no email.`,
        requester: who,
      });
    }
    const stormCard = await act.stormCardOf(last);
    await act.click(LEAD, stormCard, 'storm_reply_all');
    await act.submit(LEAD, 'storm_reply_modal', {
      storm_reply_message:
        'We know reset mails are delayed and are working on it; you will hear from us within the hour.',
      storm_reply_waiting: [],
    });

    await at(day(2, '10:00'), 'the SSO incident report');
    await act.click(AGENT, ssoIncident.brief, 'incident_write_report');
    await act.submit(AGENT, 'incident_report_modal', {
      report_impact: 'About 300 Globex users could not sign in with SSO for 75 minutes; password login worked.',
      report_root_cause: 'The SAML signing certificate expired; no alert watched its expiry date.',
      report_resolution: 'Rotated the certificate and re-published the metadata.',
      report_prevention:
        'Alert 30 days before a certificate expires — Omar Haddad\n' +
        'Add certificate expiry to the weekly review — Priya Shah',
    });

    await at(day(3, '10:15'), 'an invoice question and a how-to');
    const vat = await act.byMail(
      marie,
      'Invoice shows the wrong VAT rate',
      'Our March invoice uses 19 % VAT; we are VAT-exempt. Please correct it.',
    );
    await act.click(AGENT, card(vat), 'ticket_set_priority', 'P2');
    const teammate = await act.byMail(
      grace,
      'How do I add a teammate?',
      'Where do I invite a colleague to our workspace?',
    );
    await act.click(AGENT, card(teammate), 'ticket_set_priority', 'P3');
    await act.click(AGENT, card(teammate), 'ticket_assign_to_me');
    await act.click(AGENT, card(teammate), 'ticket_reply');
    await act.submit(AGENT, 'reply_modal', {
      reply_message: 'Hello Grace,\n\nopen Settings → Members → Invite, and enter their address.\n\nAlex',
    });

    await at(day(4, '15:30'), 'webhook deliveries delayed');
    const hooks = await act.byWebhook({
      subject: 'Webhook deliveries delayed by 20 minutes',
      body: 'Our order webhooks arrive 20 minutes late since 15:00.',
      requester: linus,
      priority: 'P1',
    });
    await act.click(LEAD, card(hooks), 'ticket_assign', ONCALL);

    const today = new Date(Math.max(s.clock.now().getTime(), Date.now() - 90 * 60_000));
    await at(today, 'checkout is down: a monitor sends a P0');
    const checkout = await act.byWebhook({
      subject: 'Checkout returns 500 for every order',
      body: 'Synthetic checkout probe: HTTP 500 on POST /checkout from 3 regions, 12 failures in a row.',
      requester: { email: 'alerts@monitoring.example', name: 'Checkout monitor' },
      priority: 'P0',
    });
    const checkoutIncident = await act.incidentOf(checkout.id);
    await act.click(ONCALL, checkoutIncident.brief, 'incident_take_command');
    await at(new Date(s.clock.now().getTime() + 10 * 60_000), 'an update from the war room');
    await act.click(ONCALL, checkoutIncident.brief, 'incident_post_update');
    await act.submit(ONCALL, 'incident_update_modal', {
      update_status: 'investigating',
      update_known: 'The payment service times out; rolling back the 08:40 deploy.',
      update_impact: 'No customer can pay; orders are not lost, carts are kept.',
      update_next: '30',
    });
    await act.say(AGENT, checkoutIncident.room, 'Three customers wrote in so far; linking their tickets.');

    await at(
      new Date(Math.max(s.clock.now().getTime() + 5 * 60_000, Date.now() - 20 * 60_000)),
      'new tickets waiting for triage',
    );
    await act.byMail(ada, 'Cannot pay: checkout shows an error', 'I get "something went wrong" when I click Pay.');
    await act.byMail(
      marie,
      'Where can I download last year’s invoices?',
      'I need all invoices of 2025 for our accountant.',
    );
    await act.command(LEAD, `D${LEAD}`, '/support-report', 'csv');

    const now = new Date(Math.max(Date.now(), s.clock.now().getTime()));
    await at(now, 'caught up with now');
    await s.settled();
  } finally {
    s.busyWith = undefined;
    s.bump();
  }
}
