import { parse } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobNames } from '../jobs/names.js';
import { postFeedbackDigest } from '../src/flows/feedback-digest.js';
import { postWeeklyDigest } from '../src/flows/weekly-digest.js';
import { FakeSlack } from './support/fake-slack.js';
import { ticketWithCard, type PostedCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';

const AGENT = 'UAGENT01';
const LEAD = 'ULEAD001';
const PRODUCT = 'CPRODUCT1';
const NOW = '2026-06-15T10:00:00Z'; // Monday; the digest's week is 8 June 10:00 – 15 June 10:00 (UTC)

describe('feedback tags, the feature-request log, the product digest and recurring subjects without an article', () => {
  let a: TestApp;
  let b: TestApp;
  let clock: ManualClock;
  const env = { SUPPORT_TEAM_USERGROUP: 'STEAM01', PRODUCT_CHANNEL_ID: PRODUCT, FEEDBACK_DIGEST_CRON: '0 10 * * 1' };

  beforeAll(async () => {
    const slack = await new FakeSlack().start();
    slack.usergroups.set('STEAM01', [AGENT, LEAD]);
    clock = new ManualClock(new Date('2026-06-03T09:00:00Z'));
    a = await startTestApp({ label: 'feedback', slack, clock, env });
    b = await startTestApp({ db: a.db, slack, clock, env, schedulerPollMs: 5000 });
  });
  afterAll(async () => {
    await b?.stop({ keepDb: true });
    await a.stop();
    await a.slack.stop();
  });

  let seq = 0;
  const ticket = async (subject: string, email: string, extra: Record<string, unknown> = {}) =>
    ticketWithCard(a.app, subject, {
      requester: { email },
      body: 'Details follow.',
      idempotencyKeys: [`feedback-${++seq}`],
      ...extra,
    });
  const tag = (card: PostedCard, tags: string[], actionTs = `${Date.now() / 1000}${++seq}`) =>
    a.sender.blockAction(
      AGENT,
      {
        type: 'multi_static_select',
        action_id: 'ticket_feedback_tags',
        block_id: `ticket_feedback:${card.id}`,
        selected_options: tags.map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
        action_ts: actionTs,
      },
      card,
    );
  const stored = async (id: string) => (await a.app.context.models.Ticket.findById(id).lean())!;
  const ephemeral = (user: string, includes: string, after: number) =>
    a.slack.waitFor(
      () =>
        a.slack
          .callsTo('chat.postEphemeral')
          .slice(after)
          .find((c) => c.args.user === user && JSON.stringify(c.args).includes(includes)),
      30_000,
      `ephemeral "${includes}"`,
    );
  const feedbackRow = (blocks: any[]) => blocks.find((x) => String(x.block_id).startsWith('ticket_feedback:'));

  let darkMode: PostedCard;

  it('tags feedback from the card: stored, noted in the thread, shown on the card; suggestions come from the keyword rules', async () => {
    // Last week: the first request for dark mode, and a documentation gap.
    const first = await ticket('Dark mode please', 'r1@example.com');
    expect((await tag(first, ['feature request'])).status).toBe(200);
    await a.slack.waitFor(
      () =>
        a.slack.messages.find(
          (m) => m.thread_ts === first.ts && m.text === `Feedback tagged feature request by <@${AGENT}>`,
        ),
      10_000,
      'tag note',
    );
    const docs = await ticket('API keys page undocumented', 'r9@example.com');
    await tag(docs, ['documentation gap']);
    await settled(a.app);

    // This week.
    clock.set('2026-06-09T09:00:00Z');
    darkMode = await ticket('Dark mode please', 'r2@example.com', { category: 'feature_request' });
    const card = a.slack.messages.find((m) => m.ts === darkMode.ts)!;
    expect(feedbackRow(card.blocks as any[]).elements[0].placeholder.text).toBe(
      'Feedback (suggested: feature request)',
    );
    const actionTs = '1781000000.000100';
    await tag(darkMode, ['feature request', 'usability issue'], actionTs);
    await a.slack.waitFor(
      () => {
        const row = feedbackRow((a.slack.messages.find((m) => m.ts === darkMode.ts)!.blocks as any[]) ?? []);
        return row?.elements[0].initial_options?.length === 2;
      },
      10_000,
      'card showing the tags',
    );
    // Slack redelivering the same selection changes nothing more; a forged tag is refused.
    await tag(darkMode, ['feature request', 'usability issue'], actionTs);
    const before = a.slack.callsTo('chat.postEphemeral').length;
    await tag(darkMode, ['feature request', 'rocket science']);
    await ephemeral(AGENT, 'Unknown feedback tag: rocket science', before);
    await settled(a.app);
    const tagged = await stored(darkMode.id);
    expect(tagged.feedback).toMatchObject({
      tags: ['feature request', 'usability issue'],
      taggedAt: new Date('2026-06-09T09:00:00Z'),
    });
    expect(tagged.timeline.filter((e) => e.kind === 'feedback_tagged')).toHaveLength(1);

    for (const [subject, email] of [
      ['dark mode please!', 'r3@example.com'],
      ['Re: Dark mode please', 'r3@example.com'],
    ] as const) {
      await tag(await ticket(subject, email), ['feature request']);
    }
    await tag(await ticket('Export to PDF', 'r4@example.com'), ['feature request']);
    await tag(await ticket('Love the new editor', 'r5@example.com'), ['praise']);
    await settled(a.app);
  });

  it('/support-report feedback: top themes per tag, new requests, the feature-request log with requesters, a chart and the CSV', async () => {
    clock.set(NOW);
    const before = a.slack.callsTo('chat.postEphemeral').length;
    expect((await a.sender.command('/support-report', 'feedback', LEAD)).status).toBe(200);
    const answer = await ephemeral(LEAD, 'Feature-request log', before);
    const text = (answer.args.blocks as any[]).map((x) => x.text?.text ?? '').join('\n');
    expect(text).toContain('*feature request*: 4 tickets from 3 requesters (▲ 3)');
    // One theme however the subject was written; its requesters counted once each.
    expect(text).toContain('1. Dark mode please: *2 requesters*, 3 tickets');
    expect(text).toMatch(/\*New feature requests\*\n1\. Export to PDF: \*1 requester\*/);
    expect(text).not.toMatch(/New feature requests\*[^*]*dark mode/i);
    expect(text).toContain('*documentation gap*: 0 tickets from 0 requesters (▼ 1)');
    expect(text).toContain('*praise*: 1 ticket from 1 requester (▲ 1)');

    const dm = `D${LEAD}`;
    const files = await a.slack.waitFor(
      () => (a.slack.filesIn(dm).length >= 2 ? a.slack.filesIn(dm) : undefined),
      30_000,
      'chart and CSV in the DM',
    );
    const png = PNG.sync.read(files.find((f) => f.filename === 'feedback-tags.png')!.bytes!);
    expect(png.width).toBeGreaterThan(600);
    const csv = files.find((f) => f.filename.endsWith('.csv'))!;
    const rows = parse(csv.bytes!.toString('utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(5);
    const key = (await stored(darkMode.id)).key;
    expect(rows.find((r) => r.key === key)).toMatchObject({
      tags: 'feature request; usability issue',
      theme: 'dark mode please',
      tagged_at: '2026-06-09 09:00',
    });
    expect(Object.keys(rows[0]!)).not.toContain('requester');
  });

  it('the weekly digest goes to the product channel once with two processes, with its chart; the job is scheduled', async () => {
    const outcomes = await Promise.all([postFeedbackDigest(a.app.context), postFeedbackDigest(b.app.context)]);
    expect(outcomes.sort()).toEqual(['already_posted', 'posted']);
    expect(await postFeedbackDigest(b.app.context)).toBe('already_posted');
    const posts = a.slack
      .callsTo('chat.postMessage')
      .map((c) => c.args)
      .filter((m) => m.channel === PRODUCT);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toMatch(
      /^Feedback digest 8 Jun 2026 – 15 Jun 2026: feature request 4, usability issue 1, praise 1$/,
    );
    expect(JSON.stringify(posts[0]!.blocks)).toContain('Export to PDF');
    const chart = await a.slack.waitFor(() => a.slack.filesIn(PRODUCT)[0], 30_000, 'digest chart');
    expect(PNG.sync.read(chart.bytes!).width).toBeGreaterThan(600);
    await settled(a.app);
    expect(a.slack.filesIn(PRODUCT)).toHaveLength(1);
    const job = await a.db.collection('agendaJobs').findOne({ name: JobNames.feedbackDigest });
    expect(job?.repeatInterval).toBe('0 10 * * 1');
  });

  it('subjects seen more than three times without an article: in /support-report and the weekly review, with Write article', async () => {
    clock.set('2026-06-12T08:00:00Z');
    for (let i = 0; i < 4; i++)
      await ticket(i % 2 ? 'Re: Password reset mail missing' : 'Password reset mail missing', `p${i}@example.com`);
    await ticket('Printer on fire', 'x@example.com');
    clock.set(NOW);
    const before = a.slack.callsTo('chat.postEphemeral').length;
    await a.sender.command('/support-report', '', LEAD);
    const report = await ephemeral(LEAD, 'no article yet', before);
    const gap = (report.args.blocks as any[]).find((x) => x.accessory?.action_id === 'kb_write_article');
    expect(gap.text.text).toBe('• Password reset mail missing: *4×*');
    expect(JSON.stringify(report.args.blocks)).not.toContain('Printer on fire: ');

    await postWeeklyDigest(a.app.context);
    const digest = a.slack.messages.find(
      (m) => m.channel === 'CSUPPORT1' && String(m.text).startsWith('Weekly review'),
    )!;
    expect(JSON.stringify(digest.blocks)).toContain('Password reset mail missing: *4×*');

    const opens = a.slack.callsTo('views.open').length;
    await a.sender.blockAction(
      LEAD,
      { type: 'button', action_id: 'kb_write_article', block_id: gap.block_id ?? 'x', value: gap.accessory.value },
      { channel: 'CSUPPORT1', ts: '1.000001' },
    );
    const form = await a.slack.waitFor(
      () =>
        a.slack
          .callsTo('views.open')
          .slice(opens)
          .find((c) => c.args.view?.callback_id === 'article_modal'),
      10_000,
      'article form',
    );
    const title = (form.args.view.blocks as any[]).find((x) => x.block_id === 'article_title');
    expect(title.element.initial_value).toBe('Password reset mail missing');
    const input = (value: string) => ({ value: { type: 'plain_text_input', value } });
    await a.sender.viewSubmission(LEAD, {
      type: 'modal',
      id: 'V_WRITE_1',
      callback_id: 'article_modal',
      private_metadata: form.args.view.private_metadata,
      state: {
        values: {
          article_title: input('Password reset mail missing'),
          article_fix: input('Check the spam folder; allow mail from our domain.'),
          article_visibility: { value: { type: 'radio_buttons', selected_option: { value: 'internal' } } },
        },
      },
    });
    const article = await a.slack.waitFor(
      async () =>
        (await a.app.context.models.Article.findOne({ title: 'Password reset mail missing' }).lean()) ?? undefined,
      10_000,
      'article',
    );
    expect(article!.sources).toHaveLength(4);

    const again = a.slack.callsTo('chat.postEphemeral').length;
    await a.sender.command('/support-report', '', LEAD);
    await ephemeral(LEAD, 'Every recurring subject has an article.', again);
  });
});
