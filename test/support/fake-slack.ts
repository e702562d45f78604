import { type SlackCall, SlackWebApi } from '../../src/sandbox/slack/web-api.js';
import { type UnsafeText, unsafeTexts } from './slack-safety.js';

export type { Failure, SlackCall, UploadedFile } from '../../src/sandbox/slack/web-api.js';

/**
 * The tests' fake Slack: the sandbox's Slack Web API stand-in (src/sandbox/slack/), plus the escaping
 * check every test file ends with (test/support/slack-safety-check.ts).
 */
export class FakeSlack extends SlackWebApi {
  /** Every fake started in this test file; test/support/slack-safety-check.ts looks through their calls at its end. */
  static readonly started = new Set<FakeSlack>();
  /** Requester text that reached Slack unescaped, in any call (test/support/slack-safety.ts). */
  readonly unsafe: UnsafeText[] = [];

  override async start(): Promise<this> {
    FakeSlack.started.add(this);
    return super.start();
  }

  protected override record(call: SlackCall): void {
    super.record(call);
    this.unsafe.push(...unsafeTexts(call));
  }
}
