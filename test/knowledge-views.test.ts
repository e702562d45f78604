import { describe, expect, it } from 'vitest';
import { suggestFeedbackTags, DEFAULT_FEEDBACK_TAGS, feedbackTagList } from '../src/domain/feedback-tags.js';
import type { FeedbackReport, Theme } from '../src/domain/feedback.js';
import { articleSlug, cleanTitle, numberFromSlug } from '../src/domain/knowledge.js';
import type { Match } from '../src/domain/knowledge-search.js';
import { searchTerms, snippet } from '../src/domain/search-text.js';
import { signSelfHelp, verifySelfHelp } from '../src/domain/self-help.js';
import { parseConfig } from '../src/config.js';
import { articleModal } from '../views/article-modal.js';
import { feedbackDigestMessage } from '../views/feedback-digest.js';
import { feedbackBlock } from '../views/feedback-select.js';
import { helpArticlePage } from '../views/help-page.js';
import { articleViewModal, kbResultsMessage, knowledgeGapBlocks, similarMatchesMessage } from '../views/knowledge.js';
import { blockKitProblems, modalProblems } from './support/block-kit.js';

const HOSTILE = 'Ada <!channel> & <@U123ABC> <https://evil.example|click> @here';
const LONG = `${HOSTILE} ${'x'.repeat(5000)}`;
const ID = '65f000000000000000000001';

describe('knowledge-base and feedback views on worst-case input', () => {
  const stats = { sent: 1, views: 2, solved: 1 };
  const article = {
    id: ID,
    key: 'KB-1',
    title: LONG,
    visibility: 'public' as const,
    stats,
    url: 'https://desk.example/help/1-x',
    snippet: LONG,
  };

  it('search results, an article, the matches under a card and the gaps stay within Block Kit and escape', () => {
    const results = kbResultsMessage(`Articles for “${HOSTILE}”`, Array(20).fill(article), 'none');
    expect(blockKitProblems(results.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(results.blocks)).not.toContain('<!channel>');

    const matches: Match[] = [
      {
        kind: 'article',
        id: ID,
        key: 'KB-1',
        number: 1,
        slug: '1-x',
        title: LONG,
        visibility: 'internal',
        snippet: LONG,
        stats,
      },
      { kind: 'ticket', id: ID, key: 'SUP-9', subject: LONG, snippet: LONG, card: { channel: 'C1', ts: '1.2' } },
    ];
    const similar = similarMatchesMessage({ id: ID, key: 'SUP-10' }, matches, {
      workspaceUrl: 'https://acme.slack.com/',
      articleUrl: () => undefined,
    });
    expect(blockKitProblems(similar.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(similar.blocks)).not.toContain('<@U123ABC>');
    expect(JSON.stringify(similar.blocks)).toContain('https://acme.slack.com/archives/C1/p12|SUP-9');

    const gaps = knowledgeGapBlocks(
      Array(9).fill({ subject: LONG, count: 7, ticketIds: Array(10).fill(ID) }),
      { now: 3, before: 5 },
      4,
    );
    expect(blockKitProblems(gaps, 'message')).toEqual([]);
    expect(gaps.at(-1)).toMatchObject({
      type: 'context',
      elements: [{ text: 'Self-help: 3 tickets solved by a help article (▼ 2)' }],
    });

    const view = articleViewModal({
      ...article,
      problem: LONG,
      cause: LONG,
      fix: LONG,
      verify: LONG,
      internalNotes: LONG,
      version: 3,
      sources: Array(30).fill({ key: 'SUP-1' }),
    });
    expect(modalProblems(view)).toEqual([]);
    const form = articleModal({
      content: {
        title: LONG,
        problem: LONG,
        cause: LONG,
        fix: LONG,
        verify: LONG,
        internalNotes: LONG,
        visibility: 'public',
      },
      privateMetadata: '{}',
      context: LONG,
      editing: true,
    });
    expect(modalProblems(form)).toEqual([]);
  });

  it('the feedback row and the digest stay within Block Kit; subjects are escaped', () => {
    const row = feedbackBlock(
      {
        id: ID,
        subject: 'Please add dark mode, the documentation says nothing',
        category: null,
        suggestedCategory: 'feature_request',
        feedback: { tags: ['bug', 'retired tag'] },
      },
      DEFAULT_FEEDBACK_TAGS,
    );
    expect(blockKitProblems([row], 'message')).toEqual([]);
    const select = (row as any).elements[0];
    // A tag the team no longer uses is not offered back as selected (Slack refuses initial options it does not list).
    expect(select.initial_options.map((o: { value: string }) => o.value)).toEqual(['bug']);
    expect(select.placeholder.text).toBe('Feedback (suggested: feature request, documentation gap)');

    const theme: Theme = {
      key: 'x',
      subject: LONG,
      tickets: 3,
      requesters: 2,
      ticketKeys: ['SUP-1', 'SUP-2', 'SUP-3', 'SUP-4'],
      firstAt: new Date(),
      lastAt: new Date(),
    };
    const w = { start: new Date('2026-06-08T10:00:00Z'), end: new Date('2026-06-15T10:00:00Z') };
    const report: FeedbackReport = {
      current: {
        window: w,
        tagged: 40,
        tags: Array(20)
          .fill(0)
          .map((_, i) => ({ tag: `tag ${i}`, tickets: 3, requesters: 2, themes: Array(5).fill(theme) })),
      },
      previous: { window: w, tagged: 1, tags: [] },
      newRequests: Array(30).fill(theme),
      featureRequests: Array(60).fill(theme),
    };
    const message = feedbackDigestMessage(report, { title: 'Feedback digest', timeZone: 'UTC', log: true });
    expect(blockKitProblems(message.blocks, 'message')).toEqual([]);
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  });

  it('the public page escapes every field', () => {
    const html = helpArticlePage(
      {
        number: 1,
        key: 'KB-1',
        slug: '1-x',
        title: '<b>x</b>',
        problem: '"<i>',
        cause: '',
        fix: '<script>',
        verify: "'",
        updatedAt: new Date(),
      },
      { token: '"><script>', action: '1-x/solved' },
    );
    expect(html).not.toMatch(/<(b|i|script)>/);
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;"');
  });
});

describe('search words, slugs, tags and self-help tokens', () => {
  it('one term for a word and its inflections; common words dropped', () => {
    expect(searchTerms('Exports exporting exported export')).toEqual(['export']);
    expect(searchTerms('The files are missing')).toEqual(['file', 'miss']);
    expect(searchTerms('stopped stops')).toEqual(['stop']);
    expect(searchTerms('Fixes for the status')).toEqual(['fix', 'status']);
  });

  it('a snippet centres on the first matching word and says where it was cut', () => {
    const text = `${'filler '.repeat(60)}the export stops at ten thousand rows ${'tail '.repeat(60)}`;
    const s = snippet(text, ['export'], 80);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('export stops');
    expect(s.length).toBeLessThanOrEqual(82);
  });

  it('slugs lead with the number, which alone finds the article', () => {
    expect(articleSlug({ number: 12, title: 'Export: stops at 10k rows!' })).toBe('12-export-stops-at-10k-rows');
    expect(numberFromSlug('12-whatever-the-title-became')).toBe(12);
    expect(numberFromSlug('12')).toBe(12);
    expect(numberFromSlug('../etc')).toBeUndefined();
    expect(cleanTitle('RE: [SUP-12] Export fails')).toBe('Export fails');
  });

  it('feedback tags: FEEDBACK_TAGS replaces the defaults; suggestions come from the rules and the tags named', () => {
    expect(feedbackTagList(undefined)).toEqual(DEFAULT_FEEDBACK_TAGS);
    expect(feedbackTagList(' Feature request, pricing ,pricing')).toEqual(['feature request', 'pricing']);
    expect(() =>
      parseConfig({
        SLACK_BOT_TOKEN: 'xoxb-x',
        SLACK_SIGNING_SECRET: 'an-example-signing-secret',
        SUPPORT_CHANNEL_ID: 'C0123456789',
        FEEDBACK_TAGS: 'x'.repeat(41),
      }),
    ).toThrow(/FEEDBACK_TAGS/);
    expect(suggestFeedbackTags({ subject: 'Crash on save', suggestedCategory: 'bug' }, DEFAULT_FEEDBACK_TAGS)).toEqual([
      'bug',
    ]);
    expect(
      suggestFeedbackTags({ subject: 'Crash on save', suggestedCategory: 'bug', tags: ['bug'] }, DEFAULT_FEEDBACK_TAGS),
    ).toEqual([]);
    expect(suggestFeedbackTags({ subject: 'Praise for the team' }, ['praise'])).toEqual(['praise']);
  });

  it('a self-help token names one ticket and article, expires, and cannot be altered', () => {
    const key = Buffer.from('k'.repeat(32));
    const now = new Date('2026-03-02T10:00:00Z');
    const token = signSelfHelp(key, { ticketId: ID, articleNumber: 7, expiresAt: new Date('2026-04-01T00:00:00Z') });
    expect(verifySelfHelp(key, token, now)).toEqual({
      ticketId: ID,
      articleNumber: 7,
      expiresAt: new Date('2026-04-01T00:00:00Z'),
    });
    expect(verifySelfHelp(key, token, new Date('2026-04-02T00:00:00Z'))).toBeUndefined();
    expect(verifySelfHelp(Buffer.from('other-key'), token, now)).toBeUndefined();
    const [payload, sig] = token.split('.');
    const other = Buffer.from(`${ID}.8.${Math.floor(Date.parse('2026-04-01T00:00:00Z') / 1000)}`).toString('base64url');
    expect(verifySelfHelp(key, `${other}.${sig}`, now)).toBeUndefined();
    expect(payload).toBeTruthy();
  });
});
