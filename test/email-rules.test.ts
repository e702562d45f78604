import { describe, expect, it } from 'vitest';
import { isAutomatedMail } from '../src/intake/automated.js';
import { messageIdList } from '../src/intake/email-message.js';
import { htmlToPlain } from '../src/intake/email-html.js';
import { replyText } from '../src/intake/email-text.js';
import { isSupportAddress } from '../src/intake/smtp-listener.js';

const SUPPORT = 'help@acme.test';

describe('automatic mail rules', () => {
  const person = { 'content-type': 'text/plain' };
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'ada@example.com', undefined, true],
    [{ 'auto-submitted': 'auto-generated; type=bounce' }, 'ada@example.com', undefined, true],
    [{ 'auto-submitted': 'no' }, 'ada@example.com', undefined, false],
    [{ precedence: 'bulk' }, 'ada@example.com', undefined, true],
    [{ precedence: 'List' }, 'ada@example.com', undefined, true],
    [{ precedence: 'junk' }, 'ada@example.com', undefined, true],
    [{ precedence: 'first-class' }, 'ada@example.com', undefined, false],
    [{ 'list-unsubscribe': '<mailto:u@example.com>' }, 'ada@example.com', undefined, true],
    [{ 'list-id': '<x.example.com>' }, 'ada@example.com', undefined, true],
    [person, 'ada@example.com', '', true],
    [person, 'ada@example.com', '<>', true],
    [person, 'ada@example.com', 'bounces@example.com', false],
    [person, 'MAILER-DAEMON@example.com', 'x@example.com', true],
    [person, 'noreply@example.com', undefined, true],
    [person, 'no-reply+billing@example.com', undefined, true],
    [person, 'donotreply@example.com', undefined, true],
    [person, 'norbert@example.com', undefined, false],
    [{ 'content-type': 'multipart/report; report-type=delivery-status' }, 'ada@example.com', undefined, true],
    [person, 'ada@example.com', undefined, false],
  ] as const)('%j from %s (return path %j) → automated: %s', (headers, from, returnPath, expected) => {
    expect(isAutomatedMail(headers as Record<string, string>, from, returnPath)).toBe(expected);
  });
});

describe('mail text helpers', () => {
  it('trims quoted history from replies', () => {
    const trimQuotedReply = (text: string) => replyText(text, undefined);
    expect(
      trimQuotedReply(
        'Thanks, that works.\n\nOn Tue, 3 Mar 2026 at 09:12, Support <help@acme.test>\nwrote:\n> Try again',
      ),
    ).toBe('Thanks, that works.');
    expect(trimQuotedReply('Yes.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nSent: Monday')).toBe('Yes.');
    expect(trimQuotedReply('Ok\n\nFrom: Support <help@acme.test>\nSent: Monday, 2 March 2026 10:00\nTo: Ada')).toBe(
      'Ok',
    );
    expect(trimQuotedReply('From: my colleague, the export works now.')).toBe(
      'From: my colleague, the export works now.',
    );
    expect(trimQuotedReply('Done!\n-- \nAda\nCEO')).toBe('Done!');
    expect(trimQuotedReply('> quoted only')).toBe('');
  });

  it('parses Message-ID lists and converts HTML', () => {
    expect(messageIdList('<a@x> <b@y>\r\n <c@z>')).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(messageIdList('bare@id')).toEqual(['<bare@id>']);
    expect(messageIdList(undefined)).toEqual([]);
    expect(htmlToPlain('<h1>Title</h1><p>a &amp; b</p>')).toBe('Title\n\na & b');
  });

  it('accepts the support address with plus-tags and any case only', () => {
    expect(isSupportAddress('Help+billing@ACME.test', SUPPORT)).toBe(true);
    expect(isSupportAddress('helpdesk@acme.test', SUPPORT)).toBe(false);
    expect(isSupportAddress('help@acme.test.evil.com', SUPPORT)).toBe(false);
  });
});
