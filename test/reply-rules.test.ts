import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { asForwarded, isKnownForwarder } from '../src/intake/email-forward.js';
import { markQuotedHtml } from '../src/intake/email-html.js';
import { replyText } from '../src/intake/email-text.js';
import { isDeviceLine, isQuoteHeader } from '../src/intake/reply-lines.js';
import { joinWrappedHeaders } from '../src/intake/reply-parser.js';
import { fullMessageModal } from '../views/full-message-modal.js';
import { ActionIds } from '../views/ids.js';
import { threadNoteBlocks } from '../views/thread-note.js';

/* The rules of src/intake/reply-*.ts on single lines and short texts; the corpus runs in email-replies.test.ts. */

describe('quote headers', () => {
  it.each([
    'On Tue, Mar 5, 2024 at 10:12 AM Acme Support <help@acme.test> wrote:',
    'On 5 Mar 2024, at 10:12, Acme Support <help@acme.test> wrote:',
    'On 05/03/2024 10:12, Acme Support wrote:',
    'Le mar. 5 mars 2024 à 10:12, Support <help@acme.test> a écrit :',
    '- Le 2024-03-05 10:12, Support a écrit :',
    'Am Di., 5. März 2024 um 10:12 Uhr schrieb Support <help@acme.test>:',
    'Em ter., 5 de mar. de 2024 às 10:12, Suporte <help@acme.test> escreveu:',
    'Den tis 5 mars 2024 kl 10:12 skrev Support <help@acme.test>:',
    '2024年3月5日(火) 10:12 Support <help@acme.test>:',
    'вт, 5 мар. 2024 г. в 10:12, Support <help@acme.test>:',
    'Support <help@acme.test> wrote:',
  ])('%s is a quote header', (line) => expect(isQuoteHeader(line)).toBe(true));

  it.each([
    'On the old server, as Bob wrote:',
    'On the old server in 2019, as Bob wrote:',
    'Something wrote:',
    'Please write to Bob <bob@example.com>:',
    'I wrote: the export fails at 10:12 every day.',
  ])('%s is not', (line) => expect(isQuoteHeader(line)).toBe(false));

  it('joins a header wrapped over lines, never a line of the reply above it', () => {
    expect(
      joinWrappedHeaders(['Hi,', 'On Tue, Mar 5, 2024 at 10:12 AM, Support', '<help@acme.test>', 'wrote:']),
    ).toEqual(['Hi,', 'On Tue, Mar 5, 2024 at 10:12 AM, Support <help@acme.test> wrote:']);
    expect(joinWrappedHeaders(['On Nov 21, 2024,', 'at 10:18,', 'Support <help@acme.test> wrote:'])).toEqual([
      'On Nov 21, 2024, at 10:18, Support <help@acme.test> wrote:',
    ]);
    expect(joinWrappedHeaders(['Call me at 10:30,', '2024年3月5日(火) 10:12 Support <help@acme.test>:'])).toHaveLength(
      2,
    );
  });
});

describe('signatures and device lines', () => {
  it('tells device lines from sentences', () => {
    for (const line of [
      'Sent from my iPhone',
      'Sent via BlackBerry by AT&T',
      'Von meinem iPhone gesendet',
      'Enviado desde mi iPhone',
      'Get Outlook for Android',
    ]) {
      expect(isDeviceLine(line), line).toBe(true);
    }
    expect(isDeviceLine('Sent from my desk, is much easier than my phone.')).toBe(false);
  });

  it('drops a device line only when nothing of the reply follows it', () => {
    expect(
      replyText(
        'Fine.\n\nSent from my iPhone\n\nOn 5 Mar 2024, at 10:12, Support <help@acme.test> wrote:\n> Ok?',
        undefined,
      ),
    ).toBe('Fine.');
    const longer = 'Fine.\n\nSent from my iPhone\n\n' + 'And here is a long paragraph I pasted afterwards. '.repeat(4);
    expect(replyText(longer, undefined)).toContain('long paragraph');
  });

  it('keeps a rule inside the reply and drops one that opens a list footer', () => {
    expect(replyText('Steps\n==========\n1. Open the page\n2. Click export', undefined)).toBe(
      'Steps\n==========\n1. Open the page\n2. Click export',
    );
    expect(
      replyText('Thanks\n\n_______________\nusers mailing list\nhttp://lists.acme.test/listinfo/users', undefined),
    ).toBe('Thanks');
  });

  it('reads a long mail in well under a second', () => {
    const text = Array.from(
      { length: 1500 },
      (_, i) => `Line ${i}: the export of workspace ${i} failed at step ${i % 7}.`,
    ).join('\n');
    const started = Date.now();
    expect(replyText(text, undefined)).toBe(text);
    // Lines built to make backtracking patterns (the parser's own "….from…<…>:") take forever.
    for (const line of [
      '2024 from <a> '.repeat(5000),
      'a <b> '.repeat(10000),
      ('> 2024 from <a> '.repeat(40) + '\n').repeat(300),
    ]) {
      expect(
        replyText(`${line}\n\nOn Tue, 5 Mar 2024 at 10:12, X <x@example.com> wrote:\n> q`, undefined),
      ).toBeTruthy();
    }
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('HTML quote marking', () => {
  it("quotes Outlook's history to the end of the mail, across nesting, and keeps what comes before", () => {
    const html =
      '<div><p>Mine</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> X</p></div></div><p>Old</p></div><p>Older</p>';
    const marked = markQuotedHtml(html);
    expect(marked).toMatch(/<p>Mine<\/p>/);
    expect(marked.indexOf('<blockquote')).toBeGreaterThan(marked.indexOf('Mine'));
    expect(replyText(undefined, html)).toBe('Mine');
  });
});

describe('forwarders', () => {
  const config = parseConfig({
    SLACK_BOT_TOKEN: 'xoxb-x',
    SLACK_SIGNING_SECRET: 'x'.repeat(16),
    SUPPORT_CHANNEL_ID: 'C0123',
    SUPPORT_EMAIL_ADDRESS: 'help@acme.test',
    MAIL_FORWARDER_DOMAINS: ' Partner.test, agency.example ',
  });

  it('knows the support domain and MAIL_FORWARDER_DOMAINS exactly, not lookalikes', () => {
    expect(config.MAIL_FORWARDER_DOMAINS).toEqual(['partner.test', 'agency.example']);
    expect(isKnownForwarder('agent@acme.test', config)).toBe(true);
    expect(isKnownForwarder('bob@PARTNER.test', config)).toBe(true);
    expect(isKnownForwarder('eve@acme.test.evil.com', config)).toBe(false);
    expect(isKnownForwarder('eve@evilpartner.test', config)).toBe(false);
    expect(() => parseConfig({ ...config, MAIL_FORWARDER_DOMAINS: 'not a domain' } as never)).toThrow();
  });

  it('reads a long forward quickly and keeps its whole body', () => {
    const body = `${'a <b> '.repeat(20_000)}\nThe end.`;
    const text = `FYI\n\n---------- Forwarded message ---------\nFrom: Carol <carol@customer.test>\nDate: Tue, 5 Mar 2024\nSubject: Long\nTo: <agent@acme.test>\n\n${body}`;
    const mail = {
      transport: 'smtp' as const,
      inReplyTo: [],
      references: [],
      headers: {},
      authenticationResults: [],
      auth: { status: 'pass' as const, present: true, detail: 'dmarc=pass' },
      attachments: [],
      subject: 'Fwd: Long',
    };
    const started = Date.now();
    const forward = asForwarded({ ...mail, from: { email: 'agent@acme.test' }, text }, config);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(forward?.mail.from.email).toBe('carol@customer.test');
    expect(forward?.mail.text?.endsWith('The end.')).toBe(true);
  });
});

describe('full message in Slack', () => {
  it('puts a "Show the full message" button on a requester mail only', () => {
    const event = {
      _id: 'e'.repeat(24),
      kind: 'requester_reply',
      text: 'Reply from {actor}',
      actor: { type: 'requester' as const, id: 'a@example.com' },
      data: { quote: 'Hi' },
      dedupeKey: 'email:msgid:<x@y>',
    };
    const blocks = threadNoteBlocks(event, 'f'.repeat(24))!;
    expect(JSON.stringify(blocks)).toContain(ActionIds.showFullMessage);
    expect(JSON.parse((blocks[1] as { elements: Array<{ value: string }> }).elements[0]!.value)).toEqual({
      ticketId: 'f'.repeat(24),
      eventId: 'e'.repeat(24),
    });
    expect(threadNoteBlocks({ ...event, kind: 'resolved' }, 'f'.repeat(24))).toBeUndefined();
  });

  it('clips the mail to Block Kit limits and says how much is left', () => {
    const view = fullMessageModal({
      ticketKey: 'SUP-1',
      from: { email: 'a@example.com' },
      at: new Date(0),
      text: '<&>'.repeat(60_000),
    });
    const texts = view.blocks.map((b) => JSON.stringify(b));
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    for (const b of view.blocks)
      if (b.type === 'section') expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
    expect(texts.join('')).not.toContain('<&>');
    expect(texts.at(-1)).toContain('more characters not shown');
  });
});
