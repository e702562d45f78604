import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noEffects } from '../src/domain/effects.js';
import { requestBugFiling } from '../src/domain/bugs.js';
import { agentReply } from '../src/domain/replies.js';
import { reconcileOutbox } from '../src/flows/reconcile.js';
import { CallbackIds } from '../views/ids.js';
import { FakeGitHub } from './support/fake-trackers.js';
import { FakeSlack } from './support/fake-slack.js';
import { postedCard, type PostedCard } from './support/fixtures.js';
import { type ManualClock, startTestApp, type TestApp } from './support/harness.js';
import { settled, waitFor } from './support/settle.js';
import { SmtpSink } from './support/smtp-sink.js';
import { GITHUB_SECRET, issuesPayload, sendGithubDelivery } from './support/tracker-webhooks.js';
import { sendWebhook, WEBHOOK_SECRET } from './support/webhooks.js';

const TEAM = 'STEAM01';
const AGENT = 'UAGENT01';
const AUTHOR = { id: 4242, login: 'octo-ada' };

/*
 * GitHub Issues as a support channel (GITHUB_INTAKE_LABEL, GITHUB_INTAKE_CLOSE), and BUG_FIX_NOTIFY=auto,
 * through signed GitHub deliveries and the real @octokit/rest client against the fake GitHub.
 */
describe('GitHub Issues as a support channel', () => {
  let t: TestApp;
  let github: FakeGitHub;
  let smtp: SmtpSink;
  beforeAll(async () => {
    [github, smtp] = await Promise.all([new FakeGitHub('acme/app').start(), new SmtpSink().start()]);
    const slack = await new FakeSlack().start();
    slack.usergroups.set(TEAM, [AGENT]);
    slack.users.set(AGENT, { id: AGENT, name: 'bob', real_name: 'Bob Baker' });
    t = await startTestApp({
      label: 'github_intake',
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
        GITHUB_INTAKE_LABEL: 'support',
        GITHUB_INTAKE_CLOSE: 'true',
        BUG_FIX_NOTIFY: 'auto',
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await t.slack.stop();
    await Promise.all([github.stop(), smtp.stop()]);
  });

  const stored = async (id: string) => (await t.app.context.models.Ticket.findById(id).lean())!;
  const notes = (card: PostedCard) => t.slack.messages.filter((m) => m.thread_ts === card.ts).map((m) => m.text ?? '');
  const waitForNote = (card: PostedCard, text: string) =>
    t.slack.waitFor(() => notes(card).find((n) => n.includes(text)), 15_000, `note "${text}"`);
  const input = (value: string) => ({ value: { type: 'plain_text_input', value } });
  const comment = (issueNumber: number, user: { id: number; login: string }, body: string, id: number) => {
    const issue = github.issues.find((i) => i.number === issueNumber)!;
    const now = new Date().toISOString();
    return {
      action: 'created',
      issue: issuesPayload('x', issue, 'acme/app').issue,
      comment: { id, body, user, created_at: now, updated_at: now },
      repository: { full_name: 'acme/app' },
    };
  };

  let card: PostedCard;
  let issueNumber: number;

  it('a labelled issue becomes a ticket whose requester is its author; a replay makes no second ticket', async () => {
    const issue = github.open({
      title: 'App crashes on launch',
      body: 'Since 2.3 the app crashes when I open it.',
      labels: ['support'],
      user: AUTHOR,
    });
    issueNumber = issue.number;
    const unlabelled = github.open({ title: 'A feature idea', body: 'Dark mode?', user: AUTHOR });
    expect(
      await (await sendGithubDelivery(t.url, 'issues', issuesPayload('opened', unlabelled, 'acme/app'))).json(),
    ).toEqual({ outcome: 'ignored' });

    const res = await sendGithubDelivery(t.url, 'issues', issuesPayload('opened', issue, 'acme/app'), {
      id: 'delivery-open-1',
    });
    const answer = (await res.json()) as { outcome: string; ticket: string };
    expect(answer.outcome).toBe('ticket created');
    // GitHub also says the label was added: the same ticket.
    const labelled = await sendGithubDelivery(
      t.url,
      'issues',
      issuesPayload('labeled', issue, 'acme/app', { label: { name: 'support' } }),
    );
    expect(await labelled.json()).toEqual({ outcome: 'duplicate', ticket: answer.ticket });

    const ticket = (await t.app.context.models.Ticket.findOne({ key: answer.ticket }).lean())!;
    expect(ticket).toMatchObject({
      source: 'github',
      subject: 'App crashes on launch',
      requester: { email: '4242+octo-ada@users.noreply.github.com', name: 'octo-ada', verified: 'github' },
    });
    card = await postedCard(t.app, ticket._id);
    const cardMessage = t.slack.messages.find((m) => m.ts === card.ts)!;
    expect(JSON.stringify(cardMessage.blocks)).toContain('github');
    // Triaged like any ticket: the priority select starts its SLA clock.
    expect(JSON.stringify(cardMessage.blocks)).toContain('ticket_set_priority');
  });

  it("a reply becomes one issue comment, internal notes never; the author's comment joins the ticket", async () => {
    const reply = {
      id: 'V_GH_REPLY',
      type: 'modal',
      callback_id: CallbackIds.replyModal,
      private_metadata: JSON.stringify({ ticketId: card.id, channel: card.channel, ts: card.ts }),
      state: { values: { reply_message: input('Thanks! Which device do you use?') } },
    };
    await Promise.all([t.sender.viewSubmission(AGENT, reply), t.sender.viewSubmission(AGENT, reply)]);
    await t.sender.event({
      type: 'message',
      channel: card.channel,
      user: AGENT,
      text: 'Internal: probably the 2.3 migration',
      ts: '1800000000.000100',
      thread_ts: card.ts,
      client_msg_id: 'note-1',
      channel_type: 'channel',
    });
    await waitFor(
      async () => (await stored(card.id)).timeline.some((e) => e.kind === 'internal_note'),
      'internal note',
    );
    await settled(t.app);
    const issue = github.issues.find((i) => i.number === issueNumber)!;
    expect(issue.comments).toHaveLength(1);
    expect(issue.comments[0]!.body).toContain('Thanks! Which device do you use?');
    expect(issue.comments[0]!.body).toContain(`Bob Baker, Support team (${card.key})`);
    expect(issue.comments.map((c) => c.body).join('\n')).not.toContain('Internal');
    expect(smtp.messages).toHaveLength(0);

    const authorSays = await sendGithubDelivery(
      t.url,
      'issue_comment',
      comment(issueNumber, AUTHOR, 'A Pixel 8 with Android 15.', 501),
    );
    expect(await authorSays.json()).toMatchObject({ outcome: 'reply added' });
    await waitForNote(card, 'A Pixel 8 with Android 15.');
    expect(
      await (
        await sendGithubDelivery(
          t.url,
          'issue_comment',
          comment(issueNumber, AUTHOR, 'A Pixel 8 with Android 15.', 501),
        )
      ).json(),
    ).toMatchObject({ outcome: 'duplicate' });
    const stranger = await sendGithubDelivery(
      t.url,
      'issue_comment',
      comment(issueNumber, { id: 77, login: 'someone' }, 'Me too!', 502),
    );
    expect(await stranger.json()).toEqual({ outcome: 'ignored: not the author' });
    await settled(t.app);
    expect((await stored(card.id)).timeline.filter((e) => e.kind === 'requester_reply')).toHaveLength(1);
    expect((await stored(card.id)).status).toBe('in_progress');
  });

  it('resolving comments on the issue and closes it (GITHUB_INTAKE_CLOSE)', async () => {
    const resolve = {
      id: 'V_GH_RESOLVE',
      type: 'modal',
      callback_id: CallbackIds.resolveModal,
      private_metadata: JSON.stringify({ ticketId: card.id, channel: card.channel, ts: card.ts }),
      state: {
        values: {
          resolve_summary: input('Fixed the launch crash in 2.3.1.'),
          resolve_verify: input('Update to 2.3.1 and open the app.'),
        },
      },
    };
    await t.sender.viewSubmission(AGENT, resolve);
    const issue = github.issues.find((i) => i.number === issueNumber)!;
    await waitFor(() => issue.state === 'closed', 'the issue closed');
    expect(issue.state_reason).toBe('completed');
    const last = issue.comments.at(-1)!.body;
    expect(last).toContain('We have resolved this request.');
    expect(last).toContain('Fixed the launch crash in 2.3.1.');
    expect(last).toContain('How to verify: Update to 2.3.1 and open the app.');
    await settled(t.app);
    expect(smtp.messages).toHaveLength(0);
  });

  it('with BUG_FIX_NOTIFY=auto, a fixed bug mails its requesters at once, each once', async () => {
    const res = await sendWebhook(t.url, {
      subject: 'Sync is slow',
      body: 'Takes minutes.',
      requester: { email: 'lin@example.com', name: 'Lin' },
    });
    const ticket = await postedCard(t.app, ((await res.json()) as { id: string }).id);
    const bug = github.open({ title: 'Sync slow for large accounts', labels: ['bug'] });
    await t.sender.command('/support', `bug ${ticket.key} https://github.com/acme/app/issues/${bug.number}`, AGENT);
    await waitForNote(ticket, `Linked to GitHub #${bug.number}`);
    const closed = {
      ...bug,
      state: 'closed' as const,
      state_reason: 'completed',
      updated_at: new Date().toISOString(),
    };
    await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', closed, 'acme/app'), { id: 'auto-close-1' });
    await waitForNote(ticket, 'Deskbell tells the requester.');
    await smtp.waitFor((m) => !!m.text?.includes('The fix for the problem you reported is out'));
    await sendGithubDelivery(t.url, 'issues', issuesPayload('closed', closed, 'acme/app'), { id: 'auto-close-1' });
    await settled(t.app);
    expect(smtp.messages.filter((m) => m.text?.includes('The fix for the problem you reported is out'))).toHaveLength(
      1,
    );
    expect((await stored(ticket.id)).status).toBe('resolved');
  });

  it('after a crash before its effect, the reconcile sweep files the bug and posts the reply', async () => {
    const crashed = { ...t.app.context, effects: noEffects };
    const issue = github.open({ title: 'Crash on save', labels: ['support'], user: AUTHOR });
    const opened = await sendGithubDelivery(t.url, 'issues', issuesPayload('opened', issue, 'acme/app'));
    const { ticket: key } = (await opened.json()) as { ticket: string };
    const ghTicket = (await t.app.context.models.Ticket.findOne({ key }).lean())!;
    await postedCard(t.app, ghTicket._id);
    const actor = { type: 'user' as const, id: AGENT, name: 'Bob Baker' };
    await agentReply(crashed, {
      ticketId: String(ghTicket._id),
      actor,
      message: 'We are on it.',
      waitOnCustomer: false,
      requestKey: 'crash-reply',
    });
    const res = await sendWebhook(t.url, {
      subject: 'Saving fails',
      body: 'Save does nothing.',
      requester: { email: 'kim@example.com' },
    });
    const other = await postedCard(t.app, ((await res.json()) as { id: string }).id);
    const report = {
      title: 'Filed after a crash',
      steps: 'Save',
      expected: 'Saved',
      actual: 'Nothing',
      environment: '',
      impact: '',
    };
    await requestBugFiling(crashed, { ticketId: other.id, tracker: 'github', report, actor, requestKey: 'crash-file' });
    await settled(t.app);
    expect(issue.comments).toHaveLength(0);
    expect(github.issues.some((i) => i.title === 'Filed after a crash')).toBe(false);

    (t.clock as ManualClock).advance(60_000);
    await reconcileOutbox(t.app.context);
    await waitFor(() => issue.comments.length === 1, 'the reply as a comment');
    expect(issue.comments[0]!.body).toContain('We are on it.');
    await waitForNote(other, 'Filed as GitHub #');
    await settled(t.app);
    expect(github.issues.filter((i) => i.title === 'Filed after a crash')).toHaveLength(1);
  });

  it('a comment GitHub refuses is said in the thread, and not asked for again', async () => {
    const issue = github.open({ title: 'Locked issue', labels: ['support'], user: AUTHOR });
    const opened = await sendGithubDelivery(t.url, 'issues', issuesPayload('opened', issue, 'acme/app'));
    const { ticket: key } = (await opened.json()) as { ticket: string };
    const locked = await postedCard(t.app, (await t.app.context.models.Ticket.findOne({ key }).lean())!._id);
    github.fail('POST', new RegExp(`/issues/${issue.number}/comments$`), 403);
    const metadata = JSON.stringify({ ticketId: locked.id, channel: locked.channel, ts: locked.ts });
    const values = { reply_message: input('Can you try again?') };
    await t.sender.viewSubmission(AGENT, {
      id: 'V_LOCKED',
      type: 'modal',
      callback_id: CallbackIds.replyModal,
      private_metadata: metadata,
      state: { values },
    });
    await waitForNote(locked, 'GitHub refused the comment on the issue (it answered 403');
    (t.clock as ManualClock).advance(60_000);
    await reconcileOutbox(t.app.context);
    await settled(t.app);
    expect(issue.comments).toHaveLength(0);
    expect(
      github.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/issues/${issue.number}/comments`)),
    ).toHaveLength(1);
  });
});
