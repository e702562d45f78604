/**
 * The load generator, in its own process so the app under test has its event loop to itself. Forked by
 * bench/load.ts with tsx; receives batches of tickets over IPC, sends each as a signed webhook
 * (test/support/webhooks.ts) and reports every answer back in one message per batch.
 *
 * A batch either has `atMs` on its items (each sent at that offset from the batch's start, however long
 * the earlier ones take: a steady rate) or is sent with at most `concurrency` requests in flight (a burst).
 * Times are wall-clock milliseconds (`Date.now()`), comparable with the parent's: `performance.timeOrigin`
 * was seen to differ by ~0.7 s between the two processes (both started through tsx), a constant error.
 */
import { sendWebhook } from '../test/support/webhooks.js';

export interface LoadItem {
  id: string;
  body: unknown;
  atMs?: number;
}

export interface LoadRequest {
  type: 'run';
  batch: number;
  url: string;
  items: LoadItem[];
  concurrency?: number;
  /** Starts no request after this long from the batch's start; those come back with status -1 (a cap). */
  stopAfterMs?: number;
}

export interface LoadAnswer {
  id: string;
  status: number;
  ticket?: string;
  sentAt: number;
  answeredAt: number;
}

export interface LoadReply {
  type: 'done';
  batch: number;
  answers: LoadAnswer[];
  error?: string;
}

const now = () => Date.now();

async function send(url: string, item: LoadItem): Promise<LoadAnswer> {
  const sentAt = now();
  try {
    const res = await sendWebhook(url, item.body, { id: item.id });
    const text = await res.text();
    let ticket: string | undefined;
    try {
      ticket = (JSON.parse(text) as { ticket?: string }).ticket;
    } catch {
      ticket = undefined;
    }
    return { id: item.id, status: res.status, ...(ticket ? { ticket } : {}), sentAt, answeredAt: now() };
  } catch {
    return { id: item.id, status: 0, sentAt, answeredAt: now() };
  }
}

async function run(req: LoadRequest): Promise<LoadAnswer[]> {
  const answers: LoadAnswer[] = new Array(req.items.length);
  const start = performance.now();
  const capped = () => req.stopAfterMs !== undefined && performance.now() - start > req.stopAfterMs;
  const unsent = (item: LoadItem): LoadAnswer => ({ id: item.id, status: -1, sentAt: NaN, answeredAt: NaN });
  if (req.items.some((item) => item.atMs !== undefined)) {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < req.items.length; i++) {
      const item = req.items[i]!;
      const wait = start + (item.atMs ?? 0) - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (capped()) {
        answers[i] = unsent(item);
        continue;
      }
      inFlight.push(send(req.url, item).then((a) => void (answers[i] = a)));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(req.concurrency ?? 1, req.items.length) }, async () => {
        while (next < req.items.length) {
          const i = next++;
          answers[i] = capped() ? unsent(req.items[i]!) : await send(req.url, req.items[i]!);
        }
      }),
    );
  }
  return answers;
}

process.on('message', (msg: LoadRequest) => {
  if (msg?.type !== 'run') return;
  run(msg).then(
    (answers) => process.send!({ type: 'done', batch: msg.batch, answers } satisfies LoadReply),
    (err: unknown) =>
      process.send!({ type: 'done', batch: msg.batch, answers: [], error: String(err) } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
