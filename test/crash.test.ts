import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from 'mongoose';
import { freePort } from '../src/db/embedded.js';
import { OnceKeys } from '../src/db/once-keys.js';
import { bindModels } from '../src/db/models/index.js';
import { parseConfig } from '../src/config.js';
import type { DomainDeps } from '../src/domain/deps.js';
import { noEffects } from '../src/domain/effects.js';
import { declareIncident } from '../src/domain/incidents/declare.js';
import { incidentSettings } from '../src/domain/incidents/settings.js';
import { domainSettings } from '../src/domain/settings.js';
import { loadSlaPolicy } from '../src/domain/sla-policy.js';
import { loadTriageRules } from '../src/domain/triage-rules.js';
import { createLogger } from '../src/logger.js';
import { ALERT_EVENT_TYPE, BRIEF_EVENT_TYPE } from '../src/slack/incidents/open.js';
import { FakePagerDuty } from './support/fake-pagerduty.js';
import { FakeSlack } from './support/fake-slack.js';
import { connectTestDb, SIGNING_SECRET, uniqueDbName } from './support/harness.js';
import { waitFor } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

/**
 * Deskbell as a real process, killed with SIGKILL while its card post is in flight (Slack has the
 * message, Deskbell never heard back). The next process finds the card instead of posting a second one.
 */
describe('a process killed mid-delivery', () => {
  let slack: FakeSlack;
  let smtp: SmtpSink;
  let pagerDuty: FakePagerDuty;
  let db: Connection;
  const dbName = uniqueDbName('crash');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    smtp = await new SmtpSink().start();
    pagerDuty = await new FakePagerDuty().start();
    db = await connectTestDb('crash-observer');
    db = db.useDb(dbName);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await slack.stop();
    await smtp.stop();
    await pagerDuty.stop();
  });

  /** Deskbell's settings in every process of this file (PagerDuty on; the incident sweep every 2 s). */
  const settings = () => ({
    SLACK_BOT_TOKEN: 'xoxb-crash-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    SUPPORT_CHANNEL_ID: 'CSUPPORT1',
    INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SMTP_URL: smtp.url,
    SUPPORT_EMAIL_ADDRESS: 'help@acme.test',
    PAGERDUTY_ROUTING_KEY: 'crash-test-routing-key',
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
    PAGE_REPEAT_MINUTES: '0.1',
    LOG_LEVEL: 'silent',
  });

  async function startDeskbell(): Promise<{ url: string; child: ChildProcess }> {
    const port = await freePort();
    // One process (tsx's own binary would run Deskbell in a child that SIGKILL does not reach).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MONGODB_URI: `${inject('mongoUri').replace(/\/?$/, '/')}${dbName}`,
        PORT: String(port),
        ...settings(),
      },
      stdio: 'ignore',
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`Deskbell exited with ${child.exitCode}`);
        return fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      'Deskbell to come up',
      60_000,
    );
    return { url, child };
  }

  it('posts exactly one card and one acknowledgement after a SIGKILL between Slack taking the card and Deskbell recording it', async () => {
    const first = await startDeskbell();
    const release = slack.hold('chat.postMessage');
    const res = await sendWebhook(first.url, {
      subject: 'Killed mid-post',
      body: 'The checkout fails.',
      requester: { email: 'kill@example.com' },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const cards = () =>
      slack.messages.filter((m) => (m.metadata?.event_payload as { ticket_id?: string } | undefined)?.ticket_id === id);
    await slack.waitFor(() => cards()[0], 20_000, 'the card reaching Slack');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    release();

    // The claims the dead process held run out (minutes of real time, moved instead of waited for).
    const { Delivery, Ticket } = bindModels(db);
    // The card went out under the intake's claim on the ticket, which the dead process still holds.
    expect((await Ticket.findById(id).lean())?.intake?.owner).toEqual(expect.any(String));
    await expireClaims();

    const second = await startDeskbell();
    const stored = await waitFor(
      async () => {
        const doc = await Ticket.findById(id).lean();
        return doc?.card?.ts ? doc : undefined;
      },
      'the second process to record the card',
      60_000,
    );
    expect(stored?.card?.ts).toBe(cards()[0]!.ts);
    await smtp.waitFor((m) => m.subject?.startsWith(`[${stored!.key}]`) ?? false, 30_000);
    expect(await Delivery.findById(`card:${id}`).lean()).toMatchObject({ state: 'done' });
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    expect(cards()).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.subject?.startsWith(`[${stored!.key}]`))).toHaveLength(1);
  }, 180_000);

  /** The claims a dead process held run out (a minute of real time, moved instead of waited for). */
  async function expireClaims(): Promise<void> {
    const past = new Date(Date.now() - 1000);
    await bindModels(db).Delivery.updateMany({ state: 'sending' }, { $set: { deadline: past } });
    await db.collection('effects').updateMany({ owner: { $ne: null } }, { $set: { nextAt: past } });
    await bindModels(db).Ticket.updateMany({ 'intake.owner': { $ne: null } }, { $set: { 'intake.deadline': past } });
  }

  async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    child.kill(signal);
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }

  /** A process's view of the domain, as the one that declared the incident had it a minute ago; it asks for nothing. */
  function diedBeforeAsking(): DomainDeps {
    const config = parseConfig(settings());
    const logger = createLogger('silent');
    return {
      models: bindModels(db),
      clock: { now: () => new Date(Date.now() - 60_000) },
      effects: noEffects,
      rules: loadTriageRules(undefined),
      policy: loadSlaPolicy(undefined, config.SUPPORT_TIMEZONE),
      settings: domainSettings(config, logger),
      logger,
      incidents: incidentSettings(config),
    };
  }

  it('opens the war room, alerts and pages PagerDuty once for a P0 whose process died before asking', async () => {
    const first = await startDeskbell();
    const ticket = { subject: 'Declared, then killed', body: 'Checkout down.', requester: { email: 'p0@acme.test' } };
    const res = await sendWebhook(first.url, ticket);
    const { id: ticketId } = (await res.json()) as { id: string };
    const { Incident, Ticket } = bindModels(db);
    await waitFor(async () => (await Ticket.findById(ticketId).lean())?.card?.ts, 'the card', 30_000);
    await kill(first.child);
    // What the dying process had written: the incident, stored; its first minute never asked for.
    const declaration = { ticketId, actor: { type: 'user' as const, id: 'UALICE' }, via: 'card' as const };
    const { incident } = await declareIncident(diedBeforeAsking(), declaration);

    // The next process takes it up and is killed while Slack creates the war room (the answer never comes).
    const release = slack.hold('conversations.create');
    const second = await startDeskbell();
    const created = () => slack.callsTo('conversations.create');
    await slack.waitFor(() => created()[0], 60_000, 'the war room asked for after the restart');
    // The PagerDuty trigger, asked first, runs beside the war room: killed between PagerDuty's answer and its
    // record, it would be sent again (with the same dedup_key, which PagerDuty merges), so it is let finish.
    const { Delivery } = bindModels(db);
    const triggerKey = OnceKeys.pagerDuty(incident.id, 'trigger');
    await waitFor(async () => (await Delivery.findById(triggerKey).lean())?.state === 'done', 'the trigger', 30_000);
    await kill(second.child);
    release();
    await expireClaims();

    const third = await startDeskbell();
    const opened = await waitFor(
      async () => {
        const i = await Incident.findById(incident.id).lean();
        return i?.alert?.ts && !i.openOwedAt ? i : undefined;
      },
      'the incident opened by the third process',
      60_000,
    );
    const triggers = () => pagerDuty.events.filter((e) => e.event_action === 'trigger' && e.dedup_key === incident.id);
    await waitFor(() => triggers()[0], 'the PagerDuty trigger', 30_000);
    await kill(third.child, 'SIGTERM');

    expect(created()).toHaveLength(1);
    const room = [...slack.channels.values()].find((c) => c.name.startsWith(`inc-${opened.number}-`));
    expect(opened.channel?.id).toBe(room?.id);
    const ofIncident = (type: string) =>
      slack.messages.filter(
        (m) => m.metadata?.event_type === type && m.metadata.event_payload.incident_id === incident.id,
      );
    expect(ofIncident(BRIEF_EVENT_TYPE)).toHaveLength(1);
    expect(ofIncident(ALERT_EVENT_TYPE)).toHaveLength(1);
    expect(triggers()).toHaveLength(1);
  }, 240_000);
});
