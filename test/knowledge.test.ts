import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArticle } from '../src/domain/knowledge.js';
import { helpLink } from '../src/domain/self-help.js';
import { FakeSlack } from './support/fake-slack.js';
import { postedCard } from './support/fixtures.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const AGENT = 'UAGENT01';
const SUPPORT = 'help@acme.test';
const BASE = 'https://desk.acme.test';
const HOSTILE = '<script>alert(1)</script> & <img src=x onerror=alert(2)> "quoted"';

describe('knowledge base: articles from resolutions, similar matches, self-help', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    const slack = await new FakeSlack().start();
    slack.usergroups.set('STEAM01', [AGENT]);
    slack.users.set(AGENT, { id: AGENT, name: 'bob', real_name: 'Bob Baker' });
    t = await startTestApp({
      label: 'knowledge',
      slack,
      clock: new ManualClock(new Date('2026-03-02T10:00:00Z')),
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        SUPPORT_TEAM_USERGROUP: 'STEAM01',
        PUBLIC_URL: `${BASE}/`,
        KB_PUBLIC_ENABLED: 'true',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await t.slack.stop();
    await smtp.stop();
  });

  const models = () => t.app.context.models;
  const stored = async (id: string) => (await models().Ticket.findById(id).lean())!;

  async function newTicket(subject: string, body: string, email = 'ada@example.com') {
    const res = await sendWebhook(t.url, { subject, body, requester: { email, name: 'Ada Lovelace' } });
    expect(res.status).toBe(201);
    const { id, ticket: key } = (await res.json()) as { id: string; ticket: string };
    const card = await postedCard(t.app, id);
    const ack = await smtp.waitFor((m) => m.subject === `[${key}] ${subject}`);
    return { ...card, key, ack };
  }

  const click = (actionId: string, value: object, where?: { channel: string; ts: string }) =>
    t.sender.blockAction(
      AGENT,
      { type: 'button', action_id: actionId, block_id: 'b', value: JSON.stringify(value) },
      where,
    );
  const opened = (callbackId: string, after: number) =>
    t.slack.waitFor(
      () =>
        t.slack
          .callsTo('views.open')
          .slice(after)
          .find((c) => c.args.view?.callback_id === callbackId),
      10_000,
      `views.open ${callbackId}`,
    );
  const submit = async (view: Record<string, unknown>) => {
    const res = await t.sender.viewSubmission(AGENT, { type: 'modal', hash: 'h1', ...view });
    expect(res.status).toBe(200);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  const ephemeral = (includes: string, after = 0) =>
    t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postEphemeral')
          .slice(after)
          .find((c) => c.args.user === AGENT && JSON.stringify(c.args).includes(includes)),
      15_000,
      `ephemeral "${includes}"`,
    );
  const input = (value: string) => ({ value: { type: 'plain_text_input', value } });
  const articleValues = (a: {
    title: string;
    problem?: string;
    cause?: string;
    fix: string;
    verify?: string;
    notes?: string;
    visibility: 'public' | 'internal';
  }) => ({
    article_title: input(a.title),
    article_problem: input(a.problem ?? ''),
    article_cause: input(a.cause ?? ''),
    article_fix: input(a.fix),
    article_verify: input(a.verify ?? ''),
    article_notes: input(a.notes ?? ''),
    article_visibility: { value: { type: 'radio_buttons', selected_option: { value: a.visibility } } },
  });

  let article: { id: string; slug: string };
  let similar: Awaited<ReturnType<typeof newTicket>>;

  it('saves an article from a resolution (the resolve form turns into the article form) and /support kb finds it', async () => {
    const first = await newTicket(
      'CSV export stops at 10k rows',
      'Our CSV export stops after 10000 rows, the rest is missing.',
    );
    const opens = t.slack.callsTo('views.open').length;
    await click('ticket_resolve', { ticketId: first.id }, first);
    const resolveForm = await opened('resolve_modal', opens);
    expect(JSON.stringify(resolveForm.args.view.blocks)).toContain('resolve_save_article');
    const answer = await submit({
      id: 'V_RESOLVE_1',
      callback_id: 'resolve_modal',
      private_metadata: resolveForm.args.view.private_metadata,
      state: {
        values: {
          resolve_summary: input('The export was capped at 10,000 rows; we raised the cap.'),
          resolve_verify: input('Export again: the file has every row.'),
          resolve_save_article: { value: { type: 'checkboxes', selected_options: [{ value: 'save' }] } },
        },
      },
    });
    // The resolve form becomes the article form, prefilled from the ticket and this resolution.
    expect(answer.response_action).toBe('update');
    expect(answer.view.callback_id).toBe('article_modal');
    const prefilled = Object.fromEntries(
      (answer.view.blocks as any[])
        .filter((b) => b.type === 'input')
        .map((b) => [b.block_id, b.element.initial_value ?? b.element.initial_option?.value]),
    );
    expect(prefilled).toMatchObject({
      article_title: 'CSV export stops at 10k rows',
      article_problem: 'Our CSV export stops after 10000 rows, the rest is missing.',
      article_fix: 'The export was capped at 10,000 rows; we raised the cap.',
      article_verify: 'Export again: the file has every row.',
      article_visibility: 'internal',
    });
    await smtp.waitFor(
      (m) => m.subject === `[${first.key}] CSV export stops at 10k rows` && !!m.text?.includes('We have resolved'),
    );
    expect((await stored(first.id)).status).toBe('resolved');

    const saveForm = {
      id: 'V_ARTICLE_1',
      callback_id: 'article_modal',
      private_metadata: answer.view.private_metadata,
    };
    const values = articleValues({
      title: 'CSV export stops at 10k rows',
      problem: 'The CSV export stops after 10,000 rows.',
      cause: 'A row cap in the exporter.',
      fix: 'We raised the cap; export again.',
      verify: 'The file has every row.',
      notes: 'INTERNAL-NOTE: cap lives in exporter.ts',
      visibility: 'public',
    });
    expect(await submit({ ...saveForm, state: { values } })).toBeUndefined();
    await ephemeral('Saved *KB-1* (public, version 1)');
    // Slack redelivering the same submission saves nothing more.
    await submit({ ...saveForm, state: { values } });
    await settled(t.app);
    const saved = await models().Article.find().lean();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ number: 1, version: 1, visibility: 'public', sources: [{ key: first.key }] });
    expect(saved[0]!.revisions).toHaveLength(1);
    article = { id: String(saved[0]!._id), slug: '1-csv-export-stops-at-10k-rows' };

    const before = t.slack.callsTo('chat.postEphemeral').length;
    expect((await t.sender.command('/support', 'kb exporting rows', AGENT)).status).toBe(200);
    const results = await ephemeral('KB-1', before);
    const text = JSON.stringify(results.args.blocks);
    expect(text).toContain('CSV export stops at 10k rows');
    expect(text).toContain('kb_view_article');
    // Ranked with a passage of the matching text.
    expect(text).toMatch(/export/i);
    const none = t.slack.callsTo('chat.postEphemeral').length;
    await t.sender.command('/support', 'kb printer toner', AGENT);
    await ephemeral('No article matches', none);
  });

  it('Edit saves a new version; a form opened on an older version is refused, not overwriting', async () => {
    const opens = t.slack.callsTo('views.open').length;
    await click('kb_edit_article', { articleId: article.id }, { channel: 'CSUPPORT1', ts: '1.000001' });
    const form = await opened('article_modal', opens);
    const fix = (form.args.view.blocks as any[]).find((b) => b.block_id === 'article_fix');
    expect(fix.element.initial_value).toBe('We raised the cap; export again.');
    const values = articleValues({
      title: 'CSV export stops at 10k rows',
      problem: 'The CSV export stops after 10,000 rows.',
      fix: 'We raised the cap; export again.',
      verify: 'The file has every row.',
      notes: 'INTERNAL-NOTE: cap lives in exporter.ts',
      visibility: 'public',
    });
    await submit({
      id: 'V_EDIT_1',
      callback_id: 'article_modal',
      private_metadata: form.args.view.private_metadata,
      state: { values },
    });
    await ephemeral('Saved *KB-1* (public, version 2)');
    const before = t.slack.callsTo('chat.postEphemeral').length;
    await submit({
      id: 'V_EDIT_2',
      callback_id: 'article_modal',
      private_metadata: form.args.view.private_metadata,
      state: { values: { ...values, article_cause: input('Someone else’s words') } },
    });
    await ephemeral('was changed by someone else since you opened it', before);
    const saved = (await models().Article.findById(article.id).lean())!;
    expect(saved.version).toBe(2);
    expect(saved.cause).toBe('');
    expect(saved.revisions.map((r) => [r.version, r.cause])).toEqual([
      [1, 'A row cap in the exporter.'],
      [2, ''],
    ]);
  });

  it('a new similar ticket: its acknowledgement links the public article, its thread lists it after the card', async () => {
    similar = await newTicket(
      'Export stops at 10k rows again',
      'The CSV export is cut at 10000 rows for me too.',
      'grace@example.com',
    );
    const ack = similar.ack.text ?? '';
    expect(ack).toContain('These help articles may answer your question right away:');
    expect(ack).toContain(`- CSV export stops at 10k rows: ${BASE}/help/${article.slug}?t=`);

    const note = await t.slack.waitFor(
      () => t.slack.messages.find((m) => m.thread_ts === similar.ts && String(m.text).startsWith('Similar to')),
      15_000,
      'similar matches in the thread',
    );
    const blocks = JSON.stringify(note.blocks);
    expect(blocks).toContain('KB-1 · CSV export stops at 10k rows');
    expect(blocks).toContain(`${BASE}/help/${article.slug}`);
    expect(blocks).toContain('kb_send_article');
    // The solved ticket behind the article is not listed twice.
    expect(note.text).not.toMatch(/SUP-\d+ CSV export/);
    // The card came first: the matches are a reply in its thread.
    const card = t.slack.messages.find((m) => m.ts === similar.ts)!;
    expect(Number(card.ts)).toBeLessThan(Number(note.ts));
  });

  it('"Send this article" prefills the reply; sending counts the article once', async () => {
    const opens = t.slack.callsTo('views.open').length;
    await click(
      'kb_send_article',
      { articleId: article.id, ticketId: similar.id },
      { channel: similar.channel, ts: similar.ts },
    );
    const form = await opened('reply_modal', opens);
    const message = (form.args.view.blocks as any[]).find((b) => String(b.block_id).startsWith('reply_message'));
    expect(message.element.initial_value).toContain('Hello Ada Lovelace,');
    expect(message.element.initial_value).toContain('We raised the cap; export again.');
    const view = {
      id: 'V_SEND_1',
      callback_id: 'reply_modal',
      private_metadata: form.args.view.private_metadata,
      state: { values: { [message.block_id]: input(message.element.initial_value) } },
    };
    await submit(view);
    await smtp.waitFor(
      (m) => m.subject === `[${similar.key}] Export stops at 10k rows again` && !!m.text?.includes('We raised the cap'),
    );
    await submit(view);
    await settled(t.app);
    expect((await models().Article.findById(article.id).lean())!.stats).toMatchObject({ sent: 1 });
  });

  it('the public page: escaped, no internal notes or requester data; a GET never resolves, the POST resolves once', async () => {
    const link = /(https:\/\/desk\.acme\.test\/help\/\S+)/.exec(similar.ack.text ?? '')![1]!;
    const path = link.slice(BASE.length);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await res.text();
      expect(html).toContain('CSV export stops at 10k rows');
      expect(html).toContain('We raised the cap; export again.');
      expect(html).toContain('This solved my problem');
      expect(html).not.toContain('INTERNAL-NOTE');
      expect(html).not.toContain('ada@example.com');
      expect(html).not.toContain('grace@example.com');
      expect(html).not.toContain('SUP-');
    }
    expect((await stored(similar.id)).status).not.toBe('resolved');
    expect((await models().Article.findById(article.id).lean())!.stats?.views).toBeGreaterThanOrEqual(3);

    const token = new URL(link).searchParams.get('t')!;
    const post = (t2 = token) =>
      fetch(`${t.url}/help/${article.slug}/solved`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `t=${encodeURIComponent(t2)}`,
      });
    const forged = await post(`${token.slice(0, -2)}AA`);
    expect(forged.status).toBe(400);
    expect((await stored(similar.id)).status).not.toBe('resolved');

    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const pages = [await a.text(), await b.text()];
    expect(pages.filter((p) => p.includes('Thank you'))).toHaveLength(1);
    const after = await stored(similar.id);
    expect(after.status).toBe('resolved');
    expect(after.timeline.filter((e) => e.kind === 'resolved')).toHaveLength(1);
    expect(after.timeline.find((e) => e.kind === 'resolved')!.data).toMatchObject({
      via: 'self_help',
      articleId: article.id,
    });
    await t.slack.waitFor(
      () =>
        t.slack.messages.find((m) => m.thread_ts === similar.ts && String(m.text).includes('resolved by self-help')),
      10_000,
      'self-help note',
    );
    expect((await models().Article.findById(article.id).lean())!.stats?.solved).toBe(1);
    // The page no longer offers the button for a ticket that is not open.
    expect(await (await fetch(`${t.url}${path}`)).text()).not.toContain('This solved my problem');
  });

  it('/help/:slug escapes hostile article text and answers 404 for internal articles; /help searches public ones', async () => {
    const actor = { type: 'user' as const, id: AGENT };
    const ctx = t.app.context;
    const hostile = await createArticle(ctx, {
      requestKey: 'hostile',
      actor,
      content: {
        title: `Export ${HOSTILE}`,
        problem: HOSTILE,
        cause: '',
        fix: `Fix ${HOSTILE}`,
        verify: '',
        internalNotes: '',
        visibility: 'public',
      },
    });
    const internal = await createArticle(ctx, {
      requestKey: 'internal',
      actor,
      content: {
        title: 'Export secret workaround',
        problem: '',
        cause: '',
        fix: 'Flip the hidden flag.',
        verify: '',
        internalNotes: 'secret',
        visibility: 'internal',
      },
    });
    const page = await fetch(helpLink(ctx, hostile.article).replace(BASE, t.url));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot;',
    );

    expect((await fetch(helpLink(ctx, internal.article).replace(BASE, t.url))).status).toBe(404);
    expect((await fetch(`${t.url}/help/999-nothing`)).status).toBe(404);

    const search = await (await fetch(`${t.url}/help?q=export`)).text();
    expect(search).toContain('CSV export stops at 10k rows');
    expect(search).not.toContain('secret workaround');
    expect(search).not.toContain('<script>');
  });

  it('without KB_PUBLIC_ENABLED the help pages are not served and acknowledgements list no article', async () => {
    const off = await startTestApp({
      db: t.db,
      slack: t.slack,
      clock: t.clock,
      env: {
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: SUPPORT,
        PUBLIC_URL: `${BASE}/`,
      },
    });
    try {
      expect((await fetch(`${off.url}/help`)).status).toBe(404);
      expect((await fetch(`${off.url}/help/${article.slug}`)).status).toBe(404);
      const res = await sendWebhook(off.url, {
        subject: 'CSV export stops at 10k rows here too',
        body: 'Same problem.',
        requester: { email: 'lin@example.com' },
      });
      const { ticket: key } = (await res.json()) as { ticket: string };
      const ack = await smtp.waitFor((m) => m.subject === `[${key}] CSV export stops at 10k rows here too`);
      expect(ack.text).not.toContain('/help/');
    } finally {
      await off.stop({ keepDb: true });
    }
  });
});
