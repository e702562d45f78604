import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../src/domain/tickets.js';
import { changeTicket } from '../src/domain/ticket-changes.js';
import type { Priority } from '../src/domain/types.js';
import { appHomeView, HOME_MAX_BLOCKS } from '../views/app-home.js';
import { HOME_REFRESH_DELAY_MS } from '../src/delivery/effects.js';
import { postedCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';

const TEAM = 'SSUPPORT1';

type Block = { type: string; text?: { text: string }; elements?: Array<{ text: string }> };

/** The lines of one part of the Home tab: from its header to the next divider. */
function part(lines: string[], title: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) return [];
  const end = lines.indexOf('[divider]', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** Everything a person reads on a published Home tab, block by block. */
function homeText(call: { args: Record<string, any> }): string[] {
  return (call.args.view.blocks as Block[]).map(
    (b) => b.text?.text ?? b.elements?.map((e) => e.text).join(' ') ?? `[${b.type}]`,
  );
}

describe('App Home', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-03-02T10:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp({ label: 'app_home', clock, env: { SUPPORT_TEAM_USERGROUP: TEAM } });
    t.slack.usergroups.set(TEAM, ['U1', 'U2', 'ULEAD']);
  });
  afterAll(async () => {
    await t.stop();
  });

  const publishesFor = (user: string) => t.slack.callsTo('views.publish').filter((c) => c.args.user_id === user);
  const open = async (subject: string, priority?: Priority) => {
    clock.advance(60_000);
    return (
      await createTicket(t.app.context, {
        source: 'webhook',
        requester: { email: 'home@example.com' },
        subject,
        body: '',
        priority,
        idempotencyKeys: [`home:${subject}`],
        acknowledge: false,
      })
    ).ticket;
  };
  const assign = (ticketId: string, user: string | null) =>
    changeTicket(t.app.context, ticketId, { actor: { type: 'user', id: 'ULEAD' } }, (tk, record) => {
      tk.assignee = user;
      record({ kind: 'assigned' });
    });
  const setPriority = (ticketId: string, priority: Priority) =>
    changeTicket(t.app.context, ticketId, { actor: { type: 'user', id: 'ULEAD' } }, (tk, record) => {
      tk.priority = priority;
      record({ kind: 'priority' });
    });
  const waitForCard = (ticketId: string) => postedCard(t.app, ticketId);

  it('opening the Home tab publishes my tickets, the unassigned ones and the nearest targets, linked to their cards', async () => {
    const mine = await open('Home: exports fail', 'P1');
    const unassigned = await open('Home: typo <b>on</b> pricing', 'P3');
    await assign(mine.id, 'U1');
    const card = await waitForCard(mine.id);

    await t.sender.event({ type: 'app_home_opened', user: 'U1', tab: 'home', channel: 'D1' });
    const published = await t.slack.waitFor(() => publishesFor('U1').at(-1), 10_000, 'views.publish for U1');
    expect(published.args.view.type).toBe('home');
    const text = homeText(published);
    const at = (needle: string) => text.findIndex((line) => line.includes(needle));
    expect(at('Your open tickets (1)')).toBe(0);
    expect(text[1]).toContain(
      `<https://acme.slack.com/archives/${card.channel}/p${card.ts.replace('.', '')}|${mine.key}>`,
    );
    expect(text[1]).toContain('Home: exports fail');
    expect(at('Unassigned')).toBeGreaterThan(1);
    expect(text.find((line) => line.includes(unassigned.key))).toContain('Home: typo &lt;b&gt;on&lt;/b&gt; pricing');
    const nearest = at('Nearest their target');
    expect(nearest).toBeGreaterThan(at('Unassigned'));
    // P1's first response (2 h) comes before the P3's (24 business hours): the P1 is listed first, with its due time.
    expect(text[nearest + 1]).toContain(mine.key);
    expect(text[nearest + 1]).toContain('first response due');
    expect(text[nearest + 1]).toContain('<@U1>');
    expect(text.slice(nearest + 1).findIndex((l) => l.includes(unassigned.key))).toBeGreaterThan(0);
  });

  it('ignores the Messages tab and shows outsiders why the tab is empty', async () => {
    await t.sender.event({ type: 'app_home_opened', user: 'U2', tab: 'messages', channel: 'D2' });
    await t.sender.event({ type: 'app_home_opened', user: 'UOUTSIDER', tab: 'home', channel: 'D3' });
    const outsider = await t.slack.waitFor(() => publishesFor('UOUTSIDER')[0], 10_000, 'publish for outsider');
    expect(homeText(outsider).join('\n')).toContain(`members of <!subteam^${TEAM}>`);
    expect(homeText(outsider).join('\n')).not.toContain('SUP-');
    expect(publishesFor('U2')).toHaveLength(0);
  });

  it('republishes the assignee’s Home after changes, once for a burst of changes, with the latest state', async () => {
    const ticket = await open('Home: burst of changes');
    const before = publishesFor('U2').length;
    await assign(ticket.id, 'U2');
    await setPriority(ticket.id, 'P2');
    await setPriority(ticket.id, 'P0');
    const published = await t.slack.waitFor(() => publishesFor('U2')[before], 15_000, 'throttled publish for U2');
    const line = homeText(published).find((l) => l.includes(ticket.key));
    expect(line).toContain(':red_circle: P0');
    // Any extra publish would come from a refresh job scheduled up to the throttle delay later: wait past it.
    await settled(t.app, { horizonMs: HOME_REFRESH_DELAY_MS + 1000 });
    expect(publishesFor('U2')).toHaveLength(before + 1);
  });

  it('refreshes both the old and the new assignee when a ticket changes hands', async () => {
    const ticket = await open('Home: handover', 'P2');
    await assign(ticket.id, 'U1');
    const listsAsMine = (c: { args: Record<string, any> }) =>
      part(homeText(c), 'Your open tickets').some((l) => l.includes(ticket.key));
    await t.slack.waitFor(() => publishesFor('U1').find(listsAsMine), 15_000, 'U1 sees the ticket as theirs');
    const u1Before = publishesFor('U1').length;
    const u2Before = publishesFor('U2').length;
    await assign(ticket.id, 'U2');
    const u1After = await t.slack.waitFor(() => publishesFor('U1')[u1Before], 15_000, 'U1 refreshed');
    expect(listsAsMine(u1After)).toBe(false);
    expect(part(homeText(u1After), 'Unassigned').some((l) => l.includes(ticket.key))).toBe(false);
    await t.slack.waitFor(
      () => publishesFor('U2').slice(u2Before).find(listsAsMine),
      15_000,
      'U2 refreshed with the ticket as theirs',
    );
  });

  it('caps long lists with "and N more" and stays within the Home tab’s block limit', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const ticket = (n: number) => ({
      _id: n,
      key: `SUP-${n}`,
      subject: 'x'.repeat(400),
      priority: 'P2',
      suggestedPriority: null,
      status: 'new',
      assignee: null,
      requester: { email: 'a@example.com' },
      createdAt: now,
      card: { channel: 'C1', ts: `1700000000.${String(n).padStart(6, '0')}` },
      sla: { firstResponseDueAt: now },
      firstResponseAt: null,
    });
    const ten = Array.from({ length: 10 }, (_, i) => ticket(i)) as never[];
    const view = appHomeView({
      mine: { tickets: ten, total: 40 },
      unassigned: { tickets: ten, total: 11 },
      nearest: ten
        .slice(0, 5)
        .map((tk) => ({ ticket: tk, target: 'response' as const, dueAt: new Date(now.getTime() - 1) })),
      now,
      workspaceUrl: 'https://acme.slack.com/',
      supportChannel: 'C1',
    });
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    const text = homeText({ args: { view } });
    expect(text).toContain('and 30 more');
    expect(text).toContain('and 1 more');
    expect(text.filter((l) => l.includes('was due'))).toHaveLength(5);
    for (const l of text) expect(l.length).toBeLessThanOrEqual(3000);
  });
});
