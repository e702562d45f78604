import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postDailySummary } from '../src/flows/daily-summary.js';
import { STORM_CARD_EVENT_TYPE } from '../src/slack/storm-card.js';
import { ActionIds, cardControlsBlockId } from '../views/ids.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { incidentDriver, waitLong } from './support/incidents.js';
import { settled } from './support/settle.js';
import { HOSTILE, parsedTexts } from './support/slack-safety.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

/** HOSTILE's user mention as Slack shows it once escaped: text, not a mention. */
const ESCAPED = '&lt;@UHOSTILE1&gt;';

/**
 * Issue 20, item 6: requesters whose subject, words and name are all mentions and links, through a storm, a
 * card, an assignment, a P0 with its war room and pages, App Home and the daily summary. Every call the fake
 * Slack recorded is scanned (test/support/slack-safety.ts; every other test file's calls are too).
 */
describe('requester text reaching Slack', { timeout: 120_000 }, () => {
  let t: TestApp;
  const d = incidentDriver(() => t);
  beforeAll(async () => {
    t = await startTestApp({
      label: 'slack_escaping',
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STORM_THRESHOLD: '2',
        STORM_CARD_UPDATE_SECONDS: '1',
        ONCALL_USERGROUP: 'SONCALL01',
      },
    });
    t.slack.usergroups.set('SONCALL01', ['UONCALL1']);
  }, 60_000);
  afterAll(async () => t?.stop());

  it('is escaped in every text, fallback and mrkdwn block Deskbell sends', async () => {
    const requester = (n: number) => ({ email: `victim${n}@example.com`, name: HOSTILE });
    // A storm: its card's fallback text is the first subject.
    for (let n = 1; n <= 4; n++) {
      const similar = { subject: `${HOSTILE} checkout fails`, body: HOSTILE, requester: requester(n) };
      const res = await sendWebhook(t.url, similar);
      expect(res.status).toBe(201);
    }
    const stormCard = await waitLong(
      () =>
        t.slack.messages.find(
          (m) => m.metadata?.event_type === STORM_CARD_EVENT_TYPE && JSON.stringify(m.blocks).includes('4 similar'),
        ),
      'the storm card counting four tickets',
    );
    expect(stormCard.text).toContain(ESCAPED);

    // A ticket of its own: assigned (a DM), then a P0 (war room, alert, pages).
    const ticket = await d.customerTicket(`Export broken ${HOSTILE}`, requester(9), HOSTILE);
    const controls = cardControlsBlockId(ticket.id);
    const assign = { type: 'users_select', action_id: ActionIds.assign, block_id: controls, selected_user: 'UBOB' };
    await t.sender.blockAction('UALICE', assign, ticket);
    await waitLong(() => t.slack.messages.find((m) => m.channel === 'UBOB'), 'the assignee DM');
    const declare = { type: 'button', action_id: ActionIds.declareP0, value: JSON.stringify({ ticketId: ticket.id }) };
    await t.sender.blockAction('UALICE', declare, ticket);
    const incident = await waitLong(async () => {
      const i = await d.models().Incident.findOne({ ticketId: ticket.id }).lean();
      return i?.brief?.ts && i.alert?.ts ? i : undefined;
    }, 'the war room, brief and alert');
    await waitLong(() => t.slack.messages.find((m) => m.channel === 'UONCALL1'), 'the page');
    await t.sender.event({ type: 'app_home_opened', user: 'UBOB', tab: 'home', channel: 'DUBOB' });
    await waitLong(() => t.slack.callsTo('views.publish').find((c) => c.args.user_id === 'UBOB'), 'App Home');
    expect(await postDailySummary(t.app.context)).toBe('posted');
    await settled(t.app);

    // The hostile text did arrive, escaped, on every surface.
    const carrying = t.slack.calls.filter((c) => parsedTexts(c.args).some((s) => s.includes(ESCAPED)));
    const where = new Set(carrying.map((c) => `${c.method} ${String(c.args.channel ?? c.args.user_id ?? '')}`));
    const surfaces = [
      'chat.postMessage CSUPPORT1', // cards, the storm card, the alert, the daily summary
      'chat.update CSUPPORT1',
      `chat.postMessage ${incident.channel!.id}`, // the war room
      'chat.postMessage UBOB', // the assignee's DM
      'chat.postMessage UONCALL1', // the page
      'views.publish UBOB', // App Home
    ];
    for (const surface of surfaces) expect([...where], surface).toContain(surface);
    // …and never as a live mention or link.
    expect(t.slack.unsafe).toEqual([]);
  });
});
