/**
 * Declare-to-alert benchmark: BENCH_DECLARATIONS (--n, default 50) tickets with cards, then one signed
 * "Declare P0" click on each card in turn, each timed from the moment the click is sent to the moment the
 * fake Slack receives the incident's @channel alert in #support and the first page (the DM to on-call).
 * Writes bench/results/declare.json.
 *
 *   npm run bench:declare -- --n 50
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ActionIds } from '../views/ids.js';
import { sendWebhook } from '../test/support/webhooks.js';
import { distinctWord, option, percentile, round, runBench, startBenchApp, waitUntil, writeResult } from './support.js';

const ONCALL = 'UONCALL1';

async function main(): Promise<void> {
  const n = option('n', 'BENCH_DECLARATIONS', 50);
  const oncallFile = join(mkdtempSync(join(tmpdir(), 'deskbell-bench-')), 'oncall.json');
  writeFileSync(
    oncallFile,
    JSON.stringify({ rotation: [ONCALL, 'UONCALL2'], handoff: { day: 'monday', time: '09:00' }, start: '2026-01-05' }),
  );
  const bench = await startBenchApp('declare', { ONCALL_FILE: oncallFile });
  const { slack, models, database } = bench;
  try {
    console.log(`declare benchmark: ${n} declarations, database ${database.kind}`);
    const tickets: Array<{ id: string; key: string }> = [];
    for (let i = 0; i < n; i++) {
      const res = await sendWebhook(
        bench.url,
        {
          subject: `Service ${distinctWord(i)} returns 500`,
          body: 'Every request fails.',
          requester: { email: `ops${i}@example.com` },
        },
        { id: `msg_declare_${process.pid}_${i}` },
      );
      const { ticket: key, id } = (await res.json()) as { ticket: string; id: string };
      tickets.push({ id, key });
    }
    await waitUntil('cards', n, 120_000, () => models.Ticket.countDocuments({ 'card.ts': { $exists: true } }));

    const toAlert: number[] = [];
    const toPage: number[] = [];
    for (const { id } of tickets) {
      const card = (await models.Ticket.findById(id).lean())!.card as { channel: string; ts: string };
      const t0 = performance.now();
      const res = await bench.sender.blockAction(
        'UAGENT1',
        { type: 'button', action_id: ActionIds.declareP0, value: JSON.stringify({ ticketId: id }) },
        card,
      );
      if (res.status !== 200) throw new Error(`declare click answered ${res.status}`);
      let incidentKey = '';
      await waitUntil('the incident', 1, 30_000, async () => {
        incidentKey = (await models.Incident.findOne({ ticketId: id }, { key: 1 }).lean())?.key ?? '';
        return incidentKey ? 1 : 0;
      });
      const alert = () =>
        slack.calls.find(
          (c) =>
            c.method === 'chat.postMessage' &&
            c.args.channel === 'CSUPPORT1' &&
            String(c.args.text).startsWith('<!channel>') &&
            String(c.args.text).includes(incidentKey),
        );
      const page = () =>
        slack.calls.find(
          (c) =>
            c.method === 'chat.postMessage' && c.args.channel === ONCALL && String(c.args.text).includes(incidentKey),
        );
      await waitUntil('the alert and the page', 2, 30_000, () => Number(Boolean(alert())) + Number(Boolean(page())));
      toAlert.push(alert()!.at - t0);
      toPage.push(page()!.at - t0);
    }
    toAlert.sort((a, b) => a - b);
    toPage.sort((a, b) => a - b);
    const stats = (xs: number[]) => ({
      p50: round(percentile(xs, 50)),
      p99: round(percentile(xs, 99)),
      max: round(xs.at(-1) ?? NaN),
    });
    const result = {
      at: new Date().toISOString(),
      database: database.kind,
      node: process.version,
      declarations: n,
      clickToAlertMs: stats(toAlert),
      clickToFirstPageMs: stats(toPage),
    };
    console.table({
      'click → @channel alert (ms)': result.clickToAlertMs,
      'click → first page (ms)': result.clickToFirstPageMs,
    });
    writeResult('declare', result);
  } finally {
    await bench.stop();
  }
}

runBench(main);
