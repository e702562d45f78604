import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './settle.js';

/**
 * A local SMTP server that keeps every message it receives; `down` makes it refuse mail with 451. The tests'
 * outbound mail server, and the sandbox's mailbox of what Deskbell sent.
 */
export class SmtpSink {
  readonly messages: ParsedMail[] = [];
  down = false;
  /** Called after each message is kept (the sandbox page refreshes). */
  onMessage?: (mail: ParsedMail) => void;
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_addr, _session, cb) =>
        this.down ? cb(Object.assign(new Error('451 try again later'), { responseCode: 451 })) : cb(),
      onData: (stream, _session, cb) => {
        simpleParser(stream)
          .then((mail) => {
            this.messages.push(mail);
            this.onMessage?.(mail);
            cb();
          })
          .catch(cb);
      },
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', () => ok()));
    this.port = (this.server as unknown as { server: { address(): AddressInfo } }).server.address().port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }

  waitFor(predicate: (m: ParsedMail) => boolean, timeoutMs = 10_000): Promise<ParsedMail> {
    return waitFor(
      () => this.messages.find(predicate),
      'SmtpSink: a matching mail',
      timeoutMs,
      () => `have ${this.messages.length}`,
    );
  }
}
