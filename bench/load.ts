/** The parent's side of bench/load-generator.ts: forks it once, sends it batches, awaits their answers. */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadAnswer, LoadItem, LoadReply, LoadRequest } from './load-generator.js';

export type { LoadAnswer, LoadItem };

export class LoadGenerator {
  private child: ChildProcess;
  private batch = 0;
  private waiting = new Map<number, (reply: LoadReply) => void>();

  constructor(private readonly url: string) {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'load-generator.ts');
    // Its own node process with tsx as the loader; nothing inherited from this process's flags.
    this.child = fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (msg: LoadReply) => {
      const done = this.waiting.get(msg.batch);
      this.waiting.delete(msg.batch);
      done?.(msg);
    });
    this.child.on('exit', (code) => {
      for (const done of this.waiting.values())
        done({ type: 'done', batch: -1, answers: [], error: `load generator exited with ${code}` });
      this.waiting.clear();
    });
  }

  /** Sends the items (a burst at `concurrency`, or at their `atMs` offsets) and resolves with every answer; none is started after `stopAfterMs` (status -1). */
  async run(items: LoadItem[], concurrency = 1, stopAfterMs?: number): Promise<LoadAnswer[]> {
    const batch = ++this.batch;
    const reply = await new Promise<LoadReply>((ok) => {
      this.waiting.set(batch, ok);
      this.child.send({
        type: 'run',
        batch,
        url: this.url,
        items,
        concurrency,
        ...(stopAfterMs === undefined ? {} : { stopAfterMs }),
      } satisfies LoadRequest);
    });
    if (reply.error) throw new Error(reply.error);
    return reply.answers;
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
    if (this.child.exitCode === null) this.child.kill();
  }
}
