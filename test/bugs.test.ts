import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTOMATIC_KINDS } from '../src/mail/send-outbox.js';
import { computeReport } from '../src/domain/report-figures.js';
import { supportReportMessage } from '../views/support-report.js';
import { ActionIds, CallbackIds, InputIds, cardControlsBlockId } from '../views/ids.js';
import { FakeGitHub, FakeJira } from './support/fake-trackers.js';
import { FakeSlack } from './support/fake-slack.js';
import { postedCard, ticketWithCard, type PostedCard } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import {
  GITHUB_SECRET,
  issuesPayload,
  JIRA_SECRET,
  sendGithubDelivery,
  sendJiraDelivery,
} from './support/tracker-webhooks.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const TEAM = 'STEAM01';
const AGENT = 'UAGENT01';
const ASSIGNEE = 'UASSIGN1';

/*
 * Bugs from the card through the real paths: signed Slack requests, the real @octokit/rest and jira.js
 * clients against local fake GitHub and Jira servers, signed tracker webhooks, the SMTP sink.
 */
describe('bugs filed and linked from the card, fixes told to the requesters', () => {
  let t: TestApp;
  let github: FakeGitHub;
  let jira: FakeJira;
  let smtp: SmtpSink;
  beforeAll(async () => {
    [github, jira, smtp] = await Promise.all([
      new FakeGitHub('acme/app').start(),
      new FakeJira().start(),
      new SmtpSink().start(),
    ]);
    const slack = await new FakeSlack().start();
    slack.usergroups.set(TEAM, [AGENT, ASSIGNEE]);
    slack.users.set(AGENT, { id: AGENT, name: 'bob', real_name: 'Bob Baker' });
    t = await startTestApp({
      label: 'bugs',
      slack,
      env: {
        SUPPORT_TEAM_USERGROUP: TEAM,
        INTAKE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: smtp.url,
        SUPPORT_EMAIL_ADDRESS: 'help@acme.test',
        GITHUB_TOKEN: 'github_pat_test_0123456789',
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_API_URL: github.url,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        JIRA_BASE_URL: jira.url,
        JIRA_EMAIL: 'deskbell@acme.test',
        JIRA_API_TOKEN: 'jira-api-token-0123',
        JIRA_PROJECT_KEY: 'APP',
        JIRA_WEBHOOK_SECRET: JIRA_SECRET,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await t.slack.stop();
    await Promise.all([github.stop(), jira.stop(), smtp.stop()]);
  });

  const models = () => t.app.context.models;
  const stored = async (id: string) => (await models().Ticket.findById(id).lean())!;
  const notes = (card: PostedCard) => t.slack.messages.filter((m) => m.thread_ts === card.ts).map((m) => m.text ?? '');
  const waitForNote = (card: PostedCard, text: string) =>
    t.slack.waitFor(() => notes(card).find((n) => n.includes(text)), 15_000, `note "${text}" under ${card.key}`);
  const lastCard = (card: PostedCard) =>
    t.slack
      .callsTo('chat.update')
      .filter((c) => c.args.ts === card.ts)
      .at(-1)?.args.blocks ?? t.slack.messages.find((m) => m.ts === card.ts)?.blocks;
  const cardShowing = (card: PostedCard, text: string) =>
    t.slack.waitFor(
      () => JSON.stringify(lastCard(card) ?? '').includes(text),
      15_000,
      `card ${card.key} showing ${text}`,
    );
  const click = (card: PostedCard, actionId: string, user = AGENT) =>
    t.sender.blockAction(
      user,
      {
        type: 'button',
        action_id: actionId,
        block_id: 'ticket_workflow',
        value: JSON.stringify({ ticketId: card.id }),
        action_ts: `${Date.now() / 1000}${Math.random()}`,
      },
      card,
    );
  const opened = (callbackId: string, after: number) =>
    t.slack.waitFor(
      () =>
        t.slack
          .callsTo('views.open')
          .slice(after)
          .find((c) => c.args.view?.callback_id === callbackId)?.args.view,
      10_000,
      `views.open ${callbackId}`,
    );
  const input = (value: string) => ({ value: { type: 'plain_text_input', value } });

  /** A ticket from the signed intake webhook (its requester is verified), with its card. */
  async function webhookTicket(subject: string, email: string, body = 'The CSV export stops at 10,000 rows.') {
    const res = await sendWebhook(t.url, { subject, body, requester: { email, name: email.split('@')[0] } });
    const { id } = (await res.json()) as { id: string };
    return postedCard(t.app, id);
  }

  function fileForm(tracker: 'github' | 'jira', title: string) {
    return {
      [InputIds.bugTracker.block]: { value: { type: 'static_select', selected_option: { value: tracker } } },
      [InputIds.bugTitle.block]: input(title),
      [InputIds.bugSteps.block]: input('1. Open Reports\n2. Export 20,000 rows as CSV'),
      [InputIds.bugExpected.block]: input('All 20,000 rows in the file'),
      [InputIds.bugActual.block]: input('The file stops at 10,000 rows; write to ada@example.com for a sample'),
      [InputIds.bugEnvironment.block]: input('Chrome 131, EU region'),
      [InputIds.bugImpact.block]: input('Exports of large accounts are incomplete'),
    };
  }

  let ghCard: PostedCard;

  it('files a GitHub bug once despite a double submit, a 403 and a 502; the thread says why', async () => {
    ghCard = await webhookTicket(
      'Export stops at 10k rows',
      'ada@example.com',
      'The export stops at 10,000 rows. Reach me at ada@example.com.',
    );
    const opens = t.slack.callsTo('views.open').length;
    expect((await click(ghCard, ActionIds.ticketFileBug)).status).toBe(200);
    const view = await opened(CallbackIds.fileBugModal, opens);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('Export stops at 10k rows');
    expect(json).toContain('The export stops at 10,000 rows. Reach me at [address removed].');
    expect(json).toContain('1 support ticket from 1 requester so far');
    expect(json).not.toContain('ada@example.com');
    expect(
      view.blocks.find((b: any) => b.block_id === InputIds.bugTracker.block).element.options.map((o: any) => o.value),
    ).toEqual(['github', 'jira']);
    expect(JSON.parse(view.private_metadata)).toMatchObject({
      ticketId: ghCard.id,
      cardUrl: expect.stringContaining('http'),
    });

    github.fail('POST', /^\/repos\/acme\/app\/issues$/, 403);
    github.fail('POST', /^\/repos\/acme\/app\/issues$/, 502);
    const submission = {
      id: 'V_FILE_GH',
      type: 'modal',
      hash: 'h',
      callback_id: CallbackIds.fileBugModal,
      private_metadata: view.private_metadata,
      state: { values: fileForm('github', 'CSV export stops at 10,000 rows') },
    };
    const answers = await Promise.all([
      t.sender.viewSubmission(AGENT, submission),
      t.sender.viewSubmission(AGENT, submission),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);

    await waitForNote(ghCard, 'GitHub refused the bug: it answered 403');
    await waitForNote(ghCard, 'GitHub has not taken the bug yet: it answered 502. Deskbell keeps trying.');
    await waitForNote(ghCard, 'Filed as GitHub #1 for <@UAGENT01>');
    await cardShowing(ghCard, 'GitHub #1');
    await settled(t.app);
    expect(github.issues).toHaveLength(1);
    const issue = github.issues[0]!;
    expect(issue.title).toBe('CSV export stops at 10,000 rows');
    expect(issue.labels).toEqual(['bug', 'from-support']);
    for (const heading of ['Steps to reproduce', 'Expected result', 'Actual result', 'Environment', 'User impact'])
      expect(issue.body).toContain(`### ${heading}`);
    expect(issue.body).toContain(`support ticket ${ghCard.key}`);
    expect(issue.body).not.toMatch(/@example\.com/);
    expect(github.requests.find((r) => r.method === 'POST')?.authorization).toBe('token github_pat_test_0123456789');
    const ticket = await stored(ghCard.id);
    expect(ticket.bug).toMatchObject({ tracker: 'github', key: '#1', state: 'open' });
    expect(ticket.timeline.filter((e) => e.kind === 'bug_filed')).toHaveLength(1);
    // Filed: the card offers neither File bug nor Link to bug any more.
    expect(JSON.stringify(lastCard(ghCard))).not.toContain(ActionIds.ticketFileBug);
  });

  it('files in Jira with an ADF description, once although Jira took it and then answered 502', async () => {
    const card = await webhookTicket('Login loops', 'lin@example.com');
    const opens = t.slack.callsTo('views.open').length;
    await click(card, ActionIds.ticketFileBug);
    const view = await opened(CallbackIds.fileBugModal, opens);
    jira.fail('POST', /^\/rest\/api\/3\/issue$/, 502, { afterEffect: true });
    await t.sender.viewSubmission(AGENT, {
      id: 'V_FILE_JIRA',
      type: 'modal',
      callback_id: CallbackIds.fileBugModal,
      private_metadata: view.private_metadata,
      state: { values: fileForm('jira', 'Login redirects forever') },
    });
    await waitForNote(card, 'Filed as Jira APP-1');
    await settled(t.app);
    expect(jira.issues).toHaveLength(1);
    const fields = jira.issues[0]!.fields;
    expect(fields).toMatchObject({
      summary: 'Login redirects forever',
      project: { key: 'APP' },
      issuetype: { name: 'Bug' },
    });
    expect(fields.description).toMatchObject({ type: 'doc', version: 1 });
    expect(fields.description.content[0]).toEqual({
      type: 'heading',
      attrs: { level: 3 },
      content: [{ type: 'text', text: 'Steps to reproduce' }],
    });
    expect(JSON.stringify(fields.description)).not.toContain('@example.com');
    expect(fields.labels).toContain('from-support');
    // The check that found the issue after the 502 searched by the bug's label: no second create.
    expect(jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue')).toHaveLength(1);
    expect(jira.requests.some((r) => r.path === '/rest/api/3/search/jql')).toBe(true);

    // A second ticket linked by key: one comment on the Jira issue, in ADF, with the counts and its marker.
    const second = await webhookTicket('Login loops again', 'max@example.com');
    await t.sender.command('/support', `bug ${second.key} APP-1`, AGENT);
    await waitForNote(second, 'Linked to Jira APP-1');
    await settled(t.app);
    const comments = jira.issues[0]!.comments;
    expect(comments).toHaveLength(1);
    expect(JSON.stringify(comments[0]!.body)).toContain(`${second.key}. Now 2 tickets from 2 requesters`);
    expect(comments[0]!.properties[0]).toMatchObject({ key: 'deskbell' });

    // Jira says the issue is done: the ticket's thread hears of it.
    const payload = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'APP-1', fields: { status: { name: 'Done', statusCategory: { key: 'done' } } } },
    };
    expect((await sendJiraDelivery(t.url, payload, { secret: 'not-the-secret-0123456789' })).status).toBe(401);
    expect((await sendJiraDelivery(t.url, { ...payload, timestamp: Date.now() - 2 * 3600_000 })).status).toBe(401);
    expect((await sendJiraDelivery(t.url, payload)).status).toBe(200);
    await waitForNote(card, 'Jira APP-1 is fixed');
  });

  let linked: PostedCard;
  let unverified: PostedCard;

  it('links two more tickets to the issue: one comment per ticket with counts, no addresses', async () => {
    linked = await webhookTicket('Export incomplete', 'bob@example.com');
    const opens = t.slack.callsTo('views.open').length;
    await click(linked, ActionIds.ticketLinkBug);
    const view = await opened(CallbackIds.linkBugModal, opens);
    const bad = await t.sender.viewSubmission(AGENT, {
      id: 'V_LINK_BAD',
      type: 'modal',
      callback_id: CallbackIds.linkBugModal,
      private_metadata: view.private_metadata,
      state: { values: { [InputIds.bugIssue.block]: input('  ') } },
    });
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: { [InputIds.bugIssue.block]: 'Paste the issue URL or key.' },
    });
    const link = {
      id: 'V_LINK',
      type: 'modal',
      callback_id: CallbackIds.linkBugModal,
      private_metadata: view.private_metadata,
      state: { values: { [InputIds.bugIssue.block]: input('https://github.com/acme/app/issues/1') } },
    };
    await Promise.all([t.sender.viewSubmission(AGENT, link), t.sender.viewSubmission(AGENT, link)]);
    await waitForNote(linked, 'Linked to GitHub #1 by <@UAGENT01>');

    // A requester whose mail nobody authenticated: linked like the others, never mailed in bulk.
    unverified = await ticketWithCard(t.app, 'CSV cut short', {
      source: 'email',
      requester: { email: 'eve@example.com', name: 'Eve' },
    });
    expect((await t.sender.command('/support', `bug ${unverified.key} #1`, AGENT)).status).toBe(200);
    await waitForNote(unverified, 'Linked to GitHub #1');
    await settled(t.app);

    const comments = github.issues[0]!.comments.map((c) => c.body);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain(
      `Another support ticket reports this: ${linked.key}. Now 2 tickets from 2 requesters`,
    );
    expect(comments[1]).toContain(`${unverified.key}. Now 3 tickets from 3 requesters`);
    expect(comments.join('\n')).not.toContain('@');

    // The double submit linked once, and said so; an issue GitHub does not have is refused, nothing linked.
    await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postEphemeral')
          .find((c) => String(c.args.text).includes(`${linked.key} was already linked to GitHub #1`)),
      10_000,
      'double submit',
    );
    const other = await webhookTicket('Another export problem', 'kim@example.com');
    await t.sender.command('/support', `bug ${other.key} #99`, AGENT);
    await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postEphemeral')
          .find((c) => String(c.args.text).includes('GitHub has no issue acme/app#99')),
      10_000,
      'refusal',
    );
    expect((await stored(other.id)).bug?.id).toBeUndefined();

    await t.sender.command('/support', linked.key, AGENT);
    await t.slack.waitFor(
      () =>
        t.slack
          .callsTo('chat.postEphemeral')
          .find((c) =>
            String(c.args.text).includes(':beetle: Bug <https://github.com/acme/app/issues/1|GitHub #1> · open'),
          ),
      10_000,
      '/support SUP-n with its bug',
    );
  });

  it('a close reaches each thread and the assignee; Tell requesters mails each verified requester once', async () => {
    await t.sender.blockAction(
      AGENT,
      {
        type: 'users_select',
        action_id: ActionIds.assign,
        block_id: cardControlsBlockId(ghCard.id),
        selected_user: ASSIGNEE,
      },
      ghCard,
    );
    await waitFor(async () => (await stored(ghCard.id)).assignee === ASSIGNEE, 'assignee');
    const issue = github.issues[0]!;
    const closed = {
      ...issue,
      state: 'closed' as const,
      state_reason: 'completed',
      updated_at: new Date().toISOString(),
    };

    expect(
      (
        await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', closed, 'acme/app'), {
          signature: 'sha256=deadbeef',
        })
      ).status,
    ).toBe(401);
    const stale = { ...closed, updated_at: new Date(Date.now() - 2 * 3600_000).toISOString() };
    expect((await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', stale, 'acme/app'))).status).toBe(401);
    await settled(t.app);
    expect((await models().Bug.findOne({ ref: 'acme/app#1' }).lean())!.state).toBe('open');

    const first = await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', closed, 'acme/app'), {
      id: 'delivery-close-1',
    });
    expect(await first.json()).toEqual({ outcome: 'applied' });
    for (const card of [ghCard, linked, unverified])
      await waitForNote(card, 'GitHub #1 is fixed (closed as completed in the tracker)');
    const dm = await t.slack.waitFor(
      () => t.slack.messages.find((m) => m.channel === ASSIGNEE && m.text?.includes('is fixed')),
      10_000,
      'DM to the assignee',
    );
    expect(dm.text).toContain(ghCard.key);
    await cardShowing(ghCard, ActionIds.ticketTellRequesters);

    const replay = await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', closed, 'acme/app'), {
      id: 'delivery-close-1',
    });
    expect(await replay.json()).toEqual({ outcome: 'replayed' });
    await settled(t.app);
    const notesBefore = t.slack.messages.length;

    await click(ghCard, ActionIds.ticketTellRequesters);
    const fixMail = (to: string) =>
      smtp.messages.filter(
        (m) =>
          m.text?.includes('The fix for the problem you reported is out') &&
          (m.to as { text: string }).text.includes(to),
      );
    await smtp.waitFor(
      (m) =>
        !!m.text?.includes('The fix for the problem you reported is out') &&
        (m.to as { text: string }).text.includes('bob@example.com'),
    );
    await waitForNote(unverified, 'Not emailed about the fix of GitHub #1: unverified');
    await click(linked, ActionIds.ticketTellRequesters);
    await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', closed, 'acme/app'), { id: 'delivery-close-1' });
    await settled(t.app);

    expect(fixMail('ada@example.com')).toHaveLength(1);
    expect(fixMail('bob@example.com')).toHaveLength(1);
    expect(fixMail('eve@example.com')).toHaveLength(0);
    expect(fixMail('ada@example.com')[0]!.subject).toBe(`[${ghCard.key}] Export stops at 10k rows`);
    expect((await stored(ghCard.id)).status).toBe('resolved');
    expect((await stored(linked.id)).status).toBe('resolved');
    expect((await stored(unverified.id)).status).not.toBe('resolved');
    expect(await models().OutboundMail.countDocuments({ kind: 'bug_fix' })).toBe(2);
    expect(AUTOMATIC_KINDS.has('bug_fix')).toBe(true);
    expect(notes(ghCard).filter((n) => n.includes('is fixed'))).toHaveLength(1);
    expect(t.slack.messages.length).toBeGreaterThan(notesBefore);

    // Reopened: the threads say so.
    const reopened = {
      ...issue,
      state: 'open' as const,
      state_reason: 'reopened',
      updated_at: new Date().toISOString(),
    };
    await sendGithubDelivery(t.url, 'issues', issuesPayload('reopened', reopened, 'acme/app'), {
      id: 'delivery-reopen-1',
    });
    await waitForNote(unverified, 'GitHub #1 was reopened: the fix did not hold.');
  });

  it('the support report counts bugs filed, tickets per bug and days to fix', async () => {
    const now = t.app.context.clock.now().getTime();
    const day = 86_400_000;
    const report = await computeReport(t.app.context, {
      current: { start: new Date(now - day), end: new Date(now + day) },
      previous: { start: new Date(now - 3 * day), end: new Date(now - day) },
      buckets: [],
    });
    // GitHub #1 (three tickets) and Jira APP-1 (two), both filed from cards and both fixed today.
    expect(report.current.bugs).toEqual({ filed: 2, fixed: 2, ticketsPerBug: 2.5, medianDaysToFix: 0 });
    const { blocks } = supportReportMessage(report, { label: 'Test', trend: false }, 'UTC');
    expect(JSON.stringify(blocks)).toContain(
      '2 filed (▲ 2) · 2 fixed (▲ 2) · 2.5 tickets per bug · median 0.0 days to fix',
    );
  });
});
