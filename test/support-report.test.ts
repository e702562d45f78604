import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicket } from '../src/domain/tickets.js';
import { ManualClock, startTestApp, type TestApp } from './support/harness.js';

describe('/support-report', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2026-06-01T10:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ label: 'report', clock, env: { SUPPORT_TEAM_USERGROUP: 'SLEADS01' } });
    t.slack.usergroups.set('SLEADS01', ['ULEAD001']);
    for (const [i, subject] of ['Export fails', 'Export fails', 'Login broken'].entries()) {
      await createTicket(t.app.context, { source: 'webhook', requester: { email: `r${i}@example.com` }, subject, body: 'x', category: 'bug', idempotencyKeys: [`report-${i}`], acknowledge: false });
    }
    clock.set('2026-06-03T10:00:00Z');
  });
  afterAll(async () => {
    await t.stop();
  });

  const ephemeralsFor = (user: string) => t.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === user);

  it('shows the last seven days to a team member, only to them', async () => {
    const res = await t.sender.command('/support-report', '', 'ULEAD001');
    expect(res.status).toBe(200);
    const call = await t.slack.waitFor(() => ephemeralsFor('ULEAD001')[0], 10_000, 'the report');
    const json = JSON.stringify(call.args.blocks);
    expect(call.args.blocks[0]).toMatchObject({ type: 'header' });
    expect(json).toContain('Weekly review');
    expect(json).toContain('*Created*\\n3');
    expect(json).toMatch(/export fails[^"]*2×/i);
    expect(t.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'CSUPPORT1' && String(c.args.text).startsWith('Weekly review'))).toHaveLength(0);
  });

  it('shows last week, which had none of these tickets', async () => {
    await t.sender.command('/support-report', 'last week', 'ULEAD001');
    const call = await t.slack.waitFor(() => ephemeralsFor('ULEAD001')[1], 10_000, 'the second report');
    expect(JSON.stringify(call.args.blocks)).toContain('*Created*\\n0');
  });

  it('refuses someone outside the team and explains usage for unknown words', async () => {
    await t.sender.command('/support-report', '', 'UOUTSIDE1');
    const refusal = await t.slack.waitFor(() => ephemeralsFor('UOUTSIDE1')[0], 10_000, 'the refusal');
    expect(refusal.args.blocks).toBeUndefined();
    expect(String(refusal.args.text)).toContain('SLEADS01');
    const help = await t.sender.command('/support-report', 'yesterday', 'ULEAD001');
    expect(((await help.json()) as { text: string }).text).toContain('last week');
  });
});
