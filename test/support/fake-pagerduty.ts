import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for PagerDuty's Events API v2 over real HTTP: records every event; can fail on demand. */
export class FakePagerDuty {
  readonly events: Array<{
    routing_key: string;
    event_action: string;
    dedup_key: string;
    payload?: Record<string, unknown>;
  }> = [];
  /** The next N requests answer 500. */
  failNext = 0;
  /** The next N requests answer 400, as PagerDuty does for an event it will never take. */
  refuseNext = 0;
  /** Every request received, refused ones included. */
  attempts = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        this.attempts++;
        if (this.failNext > 0) {
          this.failNext--;
          res.writeHead(500).end('upstream error');
          return;
        }
        if (this.refuseNext > 0) {
          this.refuseNext--;
          const answer = { status: 'invalid event', message: 'Event object is invalid' };
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
          return;
        }
        this.events.push(JSON.parse(raw));
        res
          .writeHead(202, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: JSON.parse(raw).dedup_key }));
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v2/enqueue`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }
}
