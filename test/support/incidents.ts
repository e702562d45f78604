import { expect } from 'vitest';
import { FakeSlack } from './fake-slack.js';
import { startTestApp, type ManualClock, type TestApp } from './harness.js';
import { waitFor } from './settle.js';
import { SmtpSink } from './smtp-sink.js';
import { sendWebhook, WEBHOOK_SECRET } from './webhooks.js';

/**
 * waitFor with room for a loaded machine: the whole suite shares one database server, and these waits are
 * on jobs (war rooms, posts, mails) that queue behind every other file's.
 */
export function waitLong<T>(probe: Parameters<typeof waitFor<T>>[0], what: string): Promise<T> {
  return waitFor(probe, what, 60_000);
}

/** Drives incidents the way Slack does (signed clicks and form submissions) and reads what Slack was sent. */
export function incidentDriver(t: () => TestApp) {
  const models = () => t().app.context.models;
  const slack = () => t().slack;

  /** A customer's ticket from the webhook (acknowledged by mail), with its card posted. */
  async function customerTicket(
    subject: string,
    requester: { email: string; name?: string },
    body = `${subject}: nothing works for us.`,
  ) {
    const res = await sendWebhook(t().url, { subject, body, requester });
    expect(res.status).toBe(201);
    const { id, ticket: key } = (await res.json()) as { id: string; ticket: string };
    const card = await waitLong(async () => {
      const c = (await models().Ticket.findById(id).lean())?.card;
      return c?.ts && c.channel ? { channel: c.channel, ts: c.ts } : undefined;
    }, `card of ${key}`);
    return { id, key, ...card };
  }

  /** A customer ticket declared P0 from its card by `user`, once its war room, brief and alert are there. */
  async function declared(subject: string, requester: { email: string; name?: string }, user: string, body?: string) {
    const ticket = await customerTicket(subject, requester, body);
    await t().sender.blockAction(
      user,
      { type: 'button', action_id: 'ticket_declare_p0', value: JSON.stringify({ ticketId: ticket.id }) },
      ticket,
    );
    const incident = await waitLong(async () => {
      const i = await models().Incident.findOne({ ticketId: ticket.id }).lean();
      return i?.brief?.ts && i.alert?.ts ? i : undefined;
    }, `incident of ${ticket.key} with its brief and alert`);
    return { ticket, incident, room: incident.channel!.id!, id: String(incident._id) };
  }

  const button = (
    user: string,
    actionId: string,
    incidentId: string,
    where: { channel: string; ts?: string },
    actionTs = `${Date.now() / 1000}`,
  ) =>
    t().sender.blockAction(
      user,
      { type: 'button', action_id: actionId, value: JSON.stringify({ incidentId }), action_ts: actionTs },
      { channel: where.channel, ts: where.ts ?? '1.000001' },
    );

  const cardButton = (user: string, actionId: string, ticket: { id: string; channel: string; ts: string }) =>
    t().sender.blockAction(
      user,
      {
        type: 'button',
        action_id: actionId,
        block_id: 'ticket_workflow',
        value: JSON.stringify({ ticketId: ticket.id }),
        action_ts: `${Date.now() / 1000}`,
      },
      ticket,
    );

  const openedModal = (callbackId: string, after: number) =>
    slack().waitFor(
      () =>
        slack()
          .callsTo('views.open')
          .slice(after)
          .find((c) => c.args.view?.callback_id === callbackId),
      60_000,
      `views.open ${callbackId}`,
    );

  async function submit(user: string, view: Record<string, unknown>, app: TestApp = t()) {
    const res = await app.sender.viewSubmission(user, { type: 'modal', hash: 'h1', ...view });
    expect(res.status).toBe(200);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  }

  const text = (value: string) => ({ type: 'plain_text_input', value });
  const checks = (...values: string[]) => ({
    type: 'checkboxes',
    selected_options: values.map((value) => ({ value })),
  });

  /** The state of a filled "Post update" form. */
  function updateState(u: { status: string; known: string; impact: string; next?: string; options?: string[] }) {
    return {
      values: {
        update_status: { value: { type: 'static_select', selected_option: { value: u.status } } },
        update_known: { value: text(u.known) },
        update_impact: { value: text(u.impact) },
        update_next: { value: { type: 'number_input', value: u.next ?? '30' } },
        update_options: { value: checks(...(u.options ?? [])) },
      },
    };
  }

  function resolveState(r: { fix: string; options?: string[]; verify?: string }) {
    return {
      values: {
        incident_fix: { value: text(r.fix) },
        incident_resolve_options: { value: checks(...(r.options ?? [])) },
        incident_verify: { value: text(r.verify ?? '') },
      },
    };
  }

  /** Opens "Post update" from the brief and submits it (the same view id from every app given: Slack redelivering). */
  async function postUpdate(
    user: string,
    incident: { id: string; room: string },
    u: Parameters<typeof updateState>[0],
    viewId = `VUPD${Math.random().toString(36).slice(2, 8)}`,
    apps: TestApp[] = [t()],
  ) {
    const opens = slack().callsTo('views.open').length;
    await button(user, 'incident_post_update', incident.id, { channel: incident.room });
    const open = await openedModal('incident_update_modal', opens);
    const answers = await Promise.all(
      apps.map((app) =>
        submit(
          user,
          {
            id: viewId,
            callback_id: 'incident_update_modal',
            private_metadata: open.args.view.private_metadata,
            state: updateState(u),
          },
          app,
        ),
      ),
    );
    return { open, answers };
  }

  return {
    models,
    slack,
    customerTicket,
    declared,
    button,
    cardButton,
    openedModal,
    submit,
    updateState,
    resolveState,
    postUpdate,
    text,
    checks,
  };
}

export const INCIDENT_TEAM = 'STEAM0001';
export const INCIDENT_LEADS = 'SLEADS001';
export const INCIDENT_SUPPORT_EMAIL = 'help@acme.test';

/**
 * Two Deskbell processes on one database, one fake Slack (the team, the leads, named people) and one SMTP
 * sink: the set-up the incident tests share. `onlyA` is added to the first process's settings only.
 */
export async function startIncidentApps(opts: {
  label: string;
  clock: ManualClock;
  team: string[];
  users: Array<{ id: string; name: string; real_name: string }>;
  env?: Record<string, string>;
  onlyA?: Record<string, string>;
}) {
  const smtp = await new SmtpSink().start();
  const slack = await new FakeSlack().start();
  slack.usergroups.set(INCIDENT_TEAM, opts.team);
  slack.usergroups.set(INCIDENT_LEADS, ['ULEAD1']);
  for (const u of opts.users) slack.users.set(u.id, u);
  const env = {
    SUPPORT_TEAM_USERGROUP: INCIDENT_TEAM,
    SUPPORT_LEADS_USERGROUP: INCIDENT_LEADS,
    INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SMTP_URL: smtp.url,
    SUPPORT_EMAIL_ADDRESS: INCIDENT_SUPPORT_EMAIL,
    ...opts.env,
  };
  const a = await startTestApp({ label: opts.label, slack, clock: opts.clock, env: { ...env, ...opts.onlyA } });
  const b = await startTestApp({ db: a.db, slack, clock: opts.clock, env, schedulerPollMs: 2000 });
  return {
    a,
    b,
    smtp,
    async stop() {
      await b.stop({ keepDb: true });
      await a.stop();
      await slack.stop();
      await smtp.stop();
    },
  };
}
