import type { ParsedMail } from 'mailparser';
import type { Connection } from 'mongoose';
import type { DeskbellApp } from '../app.js';
import type { Config } from '../config.js';
import type { SandboxClock } from './clock.js';
import type { SlackDriver } from './driver.js';
import type { SmtpSink } from './mail-sink.js';
import { type SentMail, sentMail } from './mail.js';
import type { PageSources } from './page-state.js';
import { settled } from './settle.js';
import type { SlackWebApi } from './slack/web-api.js';
import { travel } from './travel.js';

/**
 * Deskbell running against the sandbox's workspace: the real app (createApp), its real HTTP port, database,
 * scheduler and SMTP listener, with a Slack Web API stand-in, a mail sink and a movable clock in place of
 * Slack, a mail server and time. The page (routes.ts) and the demo week act on it through `driver`; start.ts
 * starts one.
 */
export class Sandbox {
  /** Bumped on every change the page should redraw for. */
  version = 0;
  /** Said on the page while the demo week is being filled in. */
  busyWith?: string;
  private waiters = new Set<() => void>();
  /** When each mail from Deskbell arrived, by the sandbox's clock. */
  readonly mailArrivals = new WeakMap<ParsedMail, Date>();

  constructor(
    readonly app: DeskbellApp,
    readonly db: Connection,
    readonly config: Config,
    readonly slack: SlackWebApi,
    readonly sink: SmtpSink,
    readonly clock: SandboxClock,
    readonly driver: SlackDriver,
    readonly url: string,
  ) {
    slack.onChange(() => this.bump());
    sink.onMessage = (mail) => {
      this.mailArrivals.set(mail, clock.now());
      this.bump();
    };
  }

  get smtpPort(): number {
    return this.app.smtpPort!;
  }

  get sources(): PageSources {
    return {
      workspace: this.slack,
      clock: this.clock,
      config: this.config,
      busy: () => this.busyWith,
      mails: () => this.mails(),
      smtpPort: () => this.app.smtpPort,
    };
  }

  /** The mail Deskbell sent, dated by the sandbox's clock. */
  mails(): SentMail[] {
    return sentMail(this.sink, (m) => this.mailArrivals.get(m));
  }

  bump(): void {
    this.version += 1;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Resolves at the next change after `version`, or after `ms` (a long poll's answer is due either way). */
  changeAfter(version: number, ms: number): Promise<void> {
    if (this.version > version) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** Moves the clock forward and runs the scheduled work it passed (travel.ts). */
  async travel(ms: number): Promise<string[]> {
    const ran = await travel(this.app, this.clock, ms);
    this.bump();
    return ran;
  }

  /** Waits until Deskbell has done everything it was asked (handlers, effects, due jobs). */
  settled(): Promise<void> {
    return settled(this.app, { timeoutMs: 120_000 });
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters) wake();
    await this.app.stop();
    await this.db.close();
    await this.slack.stop();
    await this.sink.stop();
  }
}
