import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Connection } from 'mongoose';
import { freePort } from '../src/db/embedded.js';
import { bindModels } from '../src/db/models/index.js';
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
  let db: Connection;
  const dbName = uniqueDbName('crash');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    slack = await new FakeSlack().start();
    smtp = await new SmtpSink().start();
    db = await connectTestDb('crash-observer');
    db = db.useDb(dbName);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await slack.stop();
    await smtp.stop();
  });

  async function startDeskbell(): Promise<{ url: string; child: ChildProcess }> {
    const port = await freePort();
    // One process (tsx's own binary would run Deskbell in a child that SIGKILL does not reach).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MONGODB_URI: `${inject('mongoUri').replace(/\/?$/, '/')}${dbName}`,
        SLACK_BOT_TOKEN: 'xoxb-crash-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        SUPPORT_CHANNEL_ID: 'CSUPPORT1',
        PORT: String(port),
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: 'help@acme.test',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`Deskbell exited with ${child.exitCode}`);
        return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      },
      'Deskbell to come up',
      60_000,
    );
    return { url, child };
  }

  it('posts exactly one card and one acknowledgement after a SIGKILL between Slack taking the card and Deskbell recording it', async () => {
    const first = await startDeskbell();
    const release = slack.hold('chat.postMessage');
    const res = await sendWebhook(first.url, { subject: 'Killed mid-post', body: 'The checkout fails.', requester: { email: 'kill@example.com' } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const cards = () => slack.messages.filter((m) => (m.metadata?.event_payload as { ticket_id?: string } | undefined)?.ticket_id === id);
    await slack.waitFor(() => cards()[0], 20_000, 'the card reaching Slack');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    release();

    // The claims the dead process held run out (minutes of real time, moved instead of waited for).
    const { Delivery, Ticket } = bindModels(db);
    expect(await Delivery.findById(`card:${id}`).lean()).toMatchObject({ state: 'sending' });
    await Delivery.updateMany({ state: 'sending' }, { $set: { deadline: new Date(Date.now() - 1000) } });
    await db.collection('effects').updateMany({ owner: { $ne: null } }, { $set: { nextAt: new Date(Date.now() - 1000) } });

    const second = await startDeskbell();
    const stored = await waitFor(async () => {
      const doc = await Ticket.findById(id).lean();
      return doc?.card?.ts ? doc : undefined;
    }, 'the second process to record the card', 60_000);
    expect(stored?.card?.ts).toBe(cards()[0]!.ts);
    await smtp.waitFor((m) => m.subject?.startsWith(`[${stored!.key}]`) ?? false, 30_000);
    expect(await Delivery.findById(`card:${id}`).lean()).toMatchObject({ state: 'done' });
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    expect(cards()).toHaveLength(1);
    expect(smtp.messages.filter((m) => m.subject?.startsWith(`[${stored!.key}]`))).toHaveLength(1);
  }, 180_000);
});
