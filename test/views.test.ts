import { describe, expect, it } from 'vitest';
import { defaultSlaPolicy, type SlaPolicy } from '../src/domain/sla-policy.js';
import type { EscalationSnapshot } from '../src/domain/escalation.js';
import type { QueueTicket } from '../src/domain/queues.js';
import { appHomeView } from '../views/app-home.js';
import { assigneeDmText } from '../views/assignee-dm.js';
import { attachmentLines, formatBytes } from '../views/attachment-list.js';
import { escalateModal } from '../views/escalate-modal.js';
import { escalationPostText } from '../views/escalation-post.js';
import { newTicketModal } from '../views/new-ticket-modal.js';
import { replyModal } from '../views/reply-modal.js';
import { resolveModal } from '../views/resolve-modal.js';
import { slaDirectMessageText, targetLabel, targetName } from '../views/sla-notes.js';
import { escapeMrkdwn, LIMITS, mrkdwn, plain, requesterText, safe, truncate } from '../views/text.js';
import { threadNoteText } from '../views/thread-note.js';
import { ticketCard, type CardTicket } from '../views/ticket-card.js';
import { ticketListText, ticketSummaryText } from '../views/ticket-list.js';
import { blockKitProblems, modalProblems } from './support/block-kit.js';
import { bugFixedDmText, fileBugModal, linkBugModal } from '../views/bug.js';

/** Requester text that tries every trick: a channel ping, a user mention, a link, entities, a bare @here. */
const HOSTILE = 'Ada <!channel> & <@U123ABC> <https://evil.example|click> @here';
/** What of HOSTILE must never reach Slack unescaped. */
const RAW = ['<!channel>', '<@U123ABC>', '<https://evil.example|click>'];
const policy: SlaPolicy = defaultSlaPolicy('UTC');
const now = new Date('2026-03-02T10:00:00Z');

function expectEscaped(text: string): void {
  for (const raw of RAW) expect(text).not.toContain(raw);
  expect(text).toContain('&lt;!channel&gt;');
  expect(text).toContain('&lt;@U123ABC&gt;');
  expect(text).toContain('&amp;');
  expect(text).not.toMatch(/(^|[^\u2060])@here/);
}

function cardTicket(over: Partial<CardTicket> = {}): CardTicket {
  return {
    id: '65f000000000000000000001',
    key: 'SUP-1001',
    subject: 'Export fails',
    body: 'The export stops at 10k rows.',
    source: 'email',
    requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
    category: null,
    suggestedCategory: null,
    priority: 'P2',
    suggestedPriority: null,
    status: 'new',
    assignee: null,
    escalationLevel: 'L1',
    attachments: [],
    metadata: undefined,
    sla: undefined,
    card: undefined,
    createdAt: now,
    ...over,
  } as CardTicket;
}

function queueTicket(n: number, over: Partial<QueueTicket> = {}): QueueTicket {
  return {
    _id: n,
    key: `SUP-${1000 + n}`,
    subject: `Ticket ${n}`,
    priority: 'P2',
    suggestedPriority: null,
    status: 'new',
    assignee: null,
    requester: { email: 'ada@example.com' },
    createdAt: now,
    card: { channel: 'CSUPPORT1', ts: `1700000000.${String(n).padStart(6, '0')}` },
    sla: { firstResponseDueAt: new Date(now.getTime() + 3600_000) },
    firstResponseAt: null,
    ...over,
  } as QueueTicket;
}

describe('the Block Kit checker', () => {
  it('reports what Slack would refuse', () => {
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } };
    const button = { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b' }, value: 'v'.repeat(2001) };
    const select = {
      type: 'static_select',
      action_id: 's',
      options: Array.from({ length: 101 }, (_, i) => ({ text: { type: 'plain_text', text: 'o' }, value: String(i) })),
    };
    const problems = blockKitProblems(
      [...Array(50).fill({ type: 'divider' }), section, { type: 'actions', elements: [button, select] }],
      'message',
    );
    expect(problems).toEqual([
      'blocks: 52 > 50',
      'block 50 (section) text: 3001 > 3000',
      'block 51 (actions) button value: 2001 > 2000',
      'block 51 (actions) options: 101 > 100',
    ]);
    expect(blockKitProblems(Array(100).fill({ type: 'divider' }), 'modal')).toEqual([]);
    expect(modalProblems({ title: { text: 't'.repeat(25) }, private_metadata: 'm'.repeat(3001), blocks: [] })).toEqual([
      'title: 25 > 24',
      'private_metadata: 3001 > 3000',
    ]);
  });
});

describe('text helpers', () => {
  it('escapes &, <, > and defuses bare @channel/@here/@everyone', () => {
    expect(escapeMrkdwn('a & b <!channel> <@U1> @channel @everyone')).toBe(
      'a &amp; b &lt;!channel&gt; &lt;@U1&gt; @\u2060channel @\u2060everyone',
    );
    expectEscaped(safe(HOSTILE, 500));
  });

  it('cuts with a visible ellipsis, after escaping so the limit holds', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 3)).toBe('abc');
    const cut = safe('<'.repeat(100), 20);
    expect(cut.length).toBe(20);
    expect(cut.endsWith('…')).toBe(true);
    expect(mrkdwn('x'.repeat(5000)).text.length).toBe(LIMITS.section);
    expect(plain(`${'y'.repeat(200)}\n\n`, LIMITS.button).text.length).toBe(LIMITS.button);
    expect(plain('   ', 10).text).toBe(' ');
  });

  it('names a requester with the address, both escaped', () => {
    expect(requesterText({ name: 'Ada <x>', email: 'a@b.c' })).toBe('Ada &lt;x&gt; (a@b.c)');
    expect(requesterText({ email: 'a@b.c' })).toBe('a@b.c');
    expect(requesterText(null, 'unknown')).toBe('unknown');
    expect(requesterText(undefined)).toBe('');
  });

  it('labels SLA targets from one map', () => {
    expect(targetLabel('response')).toBe('first response');
    expect(targetName('response')).toBe('first-response');
    expect(targetLabel('resolution')).toBe('resolution');
    expect(targetName('resolution')).toBe('resolution');
  });
});

describe('attachment list', () => {
  it('formats sizes in B, KB and MB', () => {
    expect(formatBytes(300)).toBe('300 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('lists ten files, escaped, and counts the rest', () => {
    const files = Array.from({ length: 13 }, (_, i) => ({
      filename: i ? `f${i}.png` : HOSTILE,
      contentType: 'image/png',
      size: 300,
      stored: i !== 1,
    }));
    const lines = attachmentLines(files);
    expect(lines).toHaveLength(11);
    expectEscaped(lines[0]!);
    expect(lines[1]).toContain('_not kept: too large_');
    expect(lines[2]).not.toContain('not kept');
    expect(lines.at(-1)).toBe('and 3 more');
  });
});

describe('ticket card', () => {
  it('stays within Block Kit limits for the largest ticket the app can store', () => {
    const card = ticketCard(
      cardTicket({
        subject: 'S'.repeat(1000),
        body: `${HOSTILE}\n`.repeat(400),
        requester: { email: `${'e'.repeat(300)}@example.com`, name: 'N'.repeat(500) },
        attachments: Array.from({ length: 40 }, (_, i) => ({
          filename: `${'f'.repeat(300)}${i}`,
          contentType: 'c'.repeat(200),
          size: 10,
          stored: true,
        })) as never,
        metadata: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`.repeat(20), 'v'.repeat(1000)])),
        incident: { key: 'INC-1', channelId: 'CWAR1' },
      }),
      policy,
    );
    expect(blockKitProblems(card.blocks, 'message')).toEqual([]);
    expect(card.text.length).toBeLessThanOrEqual(LIMITS.fallback);
    expect(JSON.stringify(card.blocks)).toContain('and 30 more');
  });

  it('escapes everything the requester wrote', () => {
    const card = ticketCard(
      cardTicket({
        subject: HOSTILE,
        body: HOSTILE,
        requester: { email: 'ada@example.com', name: HOSTILE },
        attachments: [{ filename: HOSTILE, contentType: 'text/plain', size: 1, stored: true }] as never,
        metadata: { [HOSTILE]: HOSTILE },
      }),
      policy,
    );
    const sections = card.blocks.filter((b) => b.type !== 'header' && b.type !== 'actions');
    // The header is plain_text, which Slack never parses for mentions; everything else is mrkdwn.
    expectEscaped(JSON.stringify(sections));
    for (const raw of RAW) expect(card.text).not.toContain(raw);
  });

  it('keeps every button value within 2000 characters and every select within 100 options', () => {
    for (const status of ['new', 'in_progress', 'resolved', 'closed'] as const) {
      expect(blockKitProblems(ticketCard(cardTicket({ status }), policy).blocks, 'message')).toEqual([]);
    }
  });

  it('calls a file whose stored flag is missing "not kept", as it always did', () => {
    const card = ticketCard(
      cardTicket({ attachments: [{ filename: 'a.txt', contentType: 'text/plain', size: 5 }] as never }),
      policy,
    );
    expect(JSON.stringify(card.blocks)).toContain('a.txt (text/plain, 5 B) _not kept: too large_');
  });
});

describe('modals', () => {
  const ticket = { key: 'SUP-1001', subject: HOSTILE, requester: { email: 'ada@example.com', name: HOSTILE } };

  it('Reply: within limits, the heading escaped, a long message cut to the input limit', () => {
    const view = replyModal({
      ticket,
      privateMetadata: JSON.stringify({ ticketId: 'x' }),
      message: 'm'.repeat(5000),
      template: 'how_to',
      waitOnCustomer: true,
      revision: 'r'.repeat(500),
    });
    expect(modalProblems(view as never)).toEqual([]);
    expectEscaped(JSON.stringify(view.blocks[0]));
  });

  it('Resolve: within limits, the heading escaped', () => {
    const view = resolveModal({ ticket, privateMetadata: '{}', autoCloseDays: 5 });
    expect(modalProblems(view as never)).toEqual([]);
    expectEscaped(JSON.stringify(view.blocks[0]));
  });

  it('Escalate: within limits from every level', () => {
    for (const escalationLevel of ['L1', 'L2', 'L3', null]) {
      const view = escalateModal(
        { id: 'x', key: 'SUP-1001', subject: HOSTILE.repeat(50), priority: 'P1', escalationLevel },
        '{}',
      );
      expect(modalProblems(view)).toEqual([]);
      for (const raw of RAW) expect(JSON.stringify(view)).not.toContain(raw);
    }
  });

  it('New ticket: within limits, and private_metadata fits 3000 characters however long the permalink', () => {
    const view = newTicketModal(
      { email: 'ada@example.com', subject: 's'.repeat(1000), description: 'd'.repeat(10_000) },
      {
        channel: 'C1',
        source: {
          channel: 'C1',
          ts: '1.2',
          author: 'UAUTHOR1',
          permalink: `https://acme.slack.com/${'p'.repeat(4000)}`,
        },
        requester: { email: 'ada@example.com', name: 'Ada' },
      },
    );
    expect(modalProblems(view)).toEqual([]);
    expect(JSON.parse(view.private_metadata!)).toMatchObject({ channel: 'C1', source: { channel: 'C1', ts: '1.2' } });
  });
});

describe('lists, home and messages', () => {
  it('App Home stays within 100 blocks with full pages', () => {
    const page = {
      tickets: Array.from({ length: 50 }, (_, i) => queueTicket(i, { subject: HOSTILE.repeat(20) })),
      total: 500,
    };
    const view = appHomeView({
      mine: page,
      unassigned: page,
      nearest: page.tickets.slice(0, 20).map((ticket) => ({ ticket, target: 'response' as const, dueAt: now })),
      now,
      workspaceUrl: 'https://acme.slack.com/',
      supportChannel: 'C1',
    });
    expect(blockKitProblems(view.blocks, 'home')).toEqual([]);
    for (const raw of RAW) expect(JSON.stringify(view.blocks)).not.toContain(raw);
  });

  it('ticket lists and the /support summary escape requester text', () => {
    const list = ticketListText(
      'Open',
      { tickets: [queueTicket(1, { subject: HOSTILE })], total: 3 },
      { empty: 'none', workspaceUrl: 'https://acme.slack.com/' },
    );
    for (const raw of RAW) expect(list).not.toContain(raw);
    expect(list).toContain('_and 2 more_');
    const summary = ticketSummaryText(
      {
        ...queueTicket(2, { subject: HOSTILE, requester: { email: 'ada@example.com', name: HOSTILE } }),
        body: HOSTILE,
      },
      { now },
    );
    expectEscaped(summary);
    expect(summary).toContain('first response due');
  });

  it('thread notes escape the quote and file names, but keep the app’s own mentions', () => {
    const note = threadNoteText({
      kind: 'requester_reply',
      text: 'Reply from {actor}',
      actor: { type: 'requester', id: 'ada@example.com', name: HOSTILE },
      data: { quote: HOSTILE, attachments: [{ filename: HOSTILE, contentType: 'x', size: 1, stored: true }] },
    } as never);
    expectEscaped(note);
    expect(
      threadNoteText({
        kind: 'assigned',
        text: 'Assigned to <@UBOB> by {actor}',
        actor: { type: 'user', id: 'UALICE' },
      } as never),
    ).toBe('Assigned to <@UBOB> by <@UALICE>');
  });

  it('the escalation post escapes what the agent and requester typed, and mentions the level’s group', () => {
    const e: EscalationSnapshot = {
      level: 'L2',
      from: 'L1',
      usergroup: 'SL2ENG',
      key: 'SUP-1001',
      subject: HOSTILE,
      requester: { email: 'ada@example.com', name: HOSTILE },
      priority: 'P1',
      suggestedPriority: null,
      reason: HOSTILE,
      usersAffected: 3,
      severity: 'major',
      tried: HOSTILE,
      needed: `${HOSTILE}\nsecond line`,
      firstResponseDueAt: now,
      resolutionDueAt: now,
      responded: false,
    } as EscalationSnapshot;
    const post = escalationPostText(e, '<@UALICE>');
    expectEscaped(post);
    expect(post).toContain('<!subteam^SL2ENG>');
    expect(post).toContain('first response due');
  });

  it('DMs escape the subject', () => {
    expectEscaped(
      assigneeDmText({
        key: 'SUP-1',
        subject: HOSTILE,
        priority: 'P1',
        by: 'UALICE',
        permalink: 'https://acme.slack.com/x',
      }),
    );
    const dm = slaDirectMessageText(
      {
        target: 'response',
        stage: 'warn',
        dueAt: now,
        priority: 'P1',
        targetText: '2 h',
        warnPercent: 75,
        assignee: 'UBOB',
      },
      { key: 'SUP-1', subject: HOSTILE },
      'https://acme.slack.com/x',
    );
    expectEscaped(dm);
    expect(dm).toContain('first-response target');
  });

  it('bugs: the card shows the bug and its buttons within limits; the form fits Slack; links only to http(s)', () => {
    const card = ticketCard(
      cardTicket({
        bug: {
          id: 'b1',
          tracker: 'github',
          key: '#12',
          url: 'https://github.com/acme/app/issues/12',
          state: 'fixed',
          round: 1,
          toldRound: 0,
        },
      }),
      policy,
      [],
      ['github'],
    );
    expect(blockKitProblems(card.blocks, 'message')).toEqual([]);
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('<https://github.com/acme/app/issues/12|GitHub #12>');
    expect(json).toContain('ticket_tell_requesters');
    expect(json).not.toContain('ticket_file_bug');
    const unlinked = JSON.stringify(ticketCard(cardTicket(), policy, [], ['github', 'jira']).blocks);
    expect(unlinked).toContain('ticket_file_bug');
    expect(unlinked).toContain('ticket_link_bug');
    expect(JSON.stringify(ticketCard(cardTicket(), policy).blocks)).not.toContain('ticket_file_bug');
    const forged = JSON.stringify(
      ticketCard(
        cardTicket({
          bug: { id: 'b1', tracker: 'jira', key: 'APP-1', url: 'javascript:alert(1)|<!channel>', state: 'open' },
        }),
        policy,
        [],
        ['jira'],
      ).blocks,
    );
    expect(forged).not.toContain('javascript:');

    const long = `${HOSTILE} `.repeat(200);
    const report = {
      title: long.slice(0, 200),
      steps: long,
      expected: long,
      actual: long,
      environment: long,
      impact: long,
    };
    const modal = fileBugModal({
      ticketKey: 'SUP-123456789',
      report,
      trackers: ['github', 'jira'],
      privateMetadata: JSON.stringify({
        ticketId: '65f000000000000000000001',
        cardUrl: 'https://acme.slack.com/archives/C1/p1',
      }),
    });
    expect(modalProblems(modal)).toEqual([]);
    expect(
      modalProblems(linkBugModal({ ticketKey: 'SUP-123456789', help: 'Name a GitHub issue.', privateMetadata: '{}' })),
    ).toEqual([]);
    expectEscaped(
      bugFixedDmText({
        key: 'SUP-1',
        subject: HOSTILE,
        bug: 'GitHub #1',
        permalink: 'https://acme.slack.com/x',
        auto: false,
      }),
    );
  });
});
