import { z } from 'zod';
import { headerMap, messageIdList, type InboundMail } from './email-message.js';

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

/**
 * The part of Postmark's inbound webhook JSON that Deskbell reads
 * (https://postmarkapp.com/developer/webhooks/inbound-webhook); other fields are ignored.
 */
export const postmarkInboundSchema = z.object({
  MessageID: z.string().trim().min(1, 'is required').max(200),
  From: z.string().max(1000).optional(),
  FromName: z.string().max(500).optional(),
  FromFull: z.object({
    Email: z.email('must be an email address'),
    Name: z.string().max(500).optional(),
  }),
  To: z.string().max(10_000).optional(),
  OriginalRecipient: z.string().max(1000).optional(),
  Subject: z.string().max(10_000).default(''),
  Date: z.string().max(200).optional(),
  TextBody: z.string().optional(),
  HtmlBody: z.string().optional(),
  Headers: z
    .array(z.object({ Name: z.string().min(1).max(200), Value: z.string() }))
    .max(500)
    .default([]),
  Attachments: z
    .array(
      z.object({
        Name: z.string().max(500).default(''),
        ContentType: z.string().max(200).default('application/octet-stream'),
        ContentLength: z.number().int().nonnegative().optional(),
        Content: z.string().regex(BASE64, 'must be base64'),
        ContentID: z.string().optional(),
      }),
    )
    .max(100)
    .default([]),
});

export type PostmarkInbound = z.infer<typeof postmarkInboundSchema>;

/**
 * Postmark's JSON as the normalised mail. Postmark's `MessageID` is its own id, not the mail's: the mail's
 * Message-ID is in `Headers`, and Postmark's id is only a dedupe key when the mail has none.
 */
export function postmarkToMail(body: PostmarkInbound): InboundMail {
  const headers = headerMap(body.Headers.map((h) => ({ key: h.Name, line: `${h.Name}: ${h.Value}` })));
  if (body.Date && !headers['date']) headers['date'] = body.Date;
  const returnPath = headers['return-path'];
  return {
    transport: 'postmark',
    messageId: messageIdList(headers['message-id'])[0],
    transportId: body.MessageID,
    inReplyTo: messageIdList(headers['in-reply-to']),
    references: messageIdList(headers['references']),
    from: {
      email: body.FromFull.Email.trim().toLowerCase(),
      name: body.FromFull.Name?.trim() || body.FromName?.trim() || undefined,
    },
    returnPath: returnPath === undefined ? undefined : returnPath.replace(/^<|>$/g, '').trim(),
    ...(body.OriginalRecipient?.includes('@') ? { to: body.OriginalRecipient.trim().toLowerCase() } : {}),
    subject: body.Subject,
    text: body.TextBody,
    html: body.HtmlBody,
    headers,
    authenticationResults: body.Headers.filter((h) => h.Name.toLowerCase() === 'authentication-results').map(
      (h) => h.Value,
    ),
    // Images the HTML body shows inline (cid: links) are layout, not files sent on purpose.
    attachments: body.Attachments.filter((a) => !(a.ContentID && body.HtmlBody?.includes(`cid:${a.ContentID}`))).map(
      (a, i) => {
        const content = Buffer.from(a.Content, 'base64');
        return { filename: a.Name || `attachment-${i + 1}`, contentType: a.ContentType, size: content.length, content };
      },
    ),
  };
}
