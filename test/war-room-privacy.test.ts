import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { SIGNING_SECRET, startTestApp, type TestApp } from './support/harness.js';
import { incidentDriver, waitLong } from './support/incidents.js';
import { settled } from './support/settle.js';
import { WEBHOOK_SECRET } from './support/webhooks.js';

/** What requesters wrote and who they are: none of it may reach a war room. */
const PERSONAL = [
  ...['ada.private@example.com', 'Ada Privatename', 'BODY-OF-ADA'],
  ...['bob.hidden@example.org', 'Bob Hiddenname', 'BODY-OF-BOB'],
];

/** Issue 20, item 5: war rooms are private by default and show ticket numbers, not requesters. */
describe('war rooms', { timeout: 120_000 }, () => {
  let t: TestApp;
  const d = incidentDriver(() => t);
  beforeAll(async () => {
    // INCIDENT_CHANNEL_PRIVATE is not set: the default applies.
    t = await startTestApp({ label: 'war_room_privacy', env: { INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  }, 60_000);
  afterAll(async () => t?.stop());

  it('defaults to private channels', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: SIGNING_SECRET, SUPPORT_CHANNEL_ID: 'C0123' };
    expect(parseConfig(base).INCIDENT_CHANNEL_PRIVATE).toBe(true);
    expect(parseConfig({ ...base, INCIDENT_CHANNEL_PRIVATE: 'false' }).INCIDENT_CHANNEL_PRIVATE).toBe(false);
  });

  it('is opened private, and its brief, notes, topic and updates name tickets by number only', async () => {
    const ada = { email: 'ada.private@example.com', name: 'Ada Privatename' };
    const declared = await d.declared('Checkout returns 500', ada, 'UALICE', 'BODY-OF-ADA: every checkout fails.');
    const created = t.slack.callsTo('conversations.create');
    expect(created).toHaveLength(1);
    expect(String(created[0]!.args.is_private)).toBe('true');
    expect(t.slack.channels.get(declared.room)?.is_private).toBe(true);

    const bob = { email: 'bob.hidden@example.org', name: 'Bob Hiddenname' };
    const other = await d.customerTicket('Cannot pay either', bob, 'BODY-OF-BOB: the payment page hangs.');
    const inWarRoom = { channel_id: declared.room, channel_name: 'inc' };
    await t.sender.command('/support', `link ${other.key}`, 'UALICE', inWarRoom);
    const posted = (text: string) =>
      t.slack.messages.find((m) => m.channel === declared.room && String(m.text).includes(text));
    await waitLong(() => posted(`${other.key} linked`), 'the link note in the war room');
    await d.postUpdate('UALICE', declared, { status: 'identified', known: 'A bad deploy.', impact: 'Checkouts fail.' });
    await waitLong(() => posted('Service update'), 'the update');
    await settled(t.app);

    // Everything Deskbell sent into the war room: posts, edits of the brief, topic, bookmark.
    const room = declared.room;
    const inRoom = t.slack.calls.filter((c) => c.args.channel === room || c.args.channel_id === room);
    const methods = ['chat.postMessage', 'chat.update', 'conversations.setTopic'];
    expect(inRoom.map((c) => c.method)).toEqual(expect.arrayContaining(methods));
    for (const call of inRoom) {
      const sent = JSON.stringify(call.args);
      for (const secret of PERSONAL) expect(sent, `${call.method} must not carry "${secret}"`).not.toContain(secret);
    }
    const brief = t.slack.messages.find((m) => m.channel === room && m.ts === declared.incident.brief!.ts)!;
    expect(JSON.stringify(brief.blocks)).toContain(`Linked tickets (1)`);
    expect(JSON.stringify(brief.blocks)).toContain(other.key);
    // The card in #support, which only the team works in, still has them.
    const card = t.slack.messages.find((m) => m.channel === 'CSUPPORT1' && m.ts === declared.ticket.ts)!;
    expect(JSON.stringify(card.blocks)).toContain('ada.private@example.com');
  });
});
