// Sends one ticket to Deskbell's webhook intake, signed the Standard Webhooks way. Node 18 or later, no
// packages. DESKBELL_URL (default http://localhost:3000) and INTAKE_WEBHOOK_SECRET (whsec_…) from the environment.
import { createHmac, randomUUID } from 'node:crypto';

const url = `${process.env.DESKBELL_URL ?? 'http://localhost:3000'}/intake/webhook`;
const secret = process.env.INTAKE_WEBHOOK_SECRET;
if (!secret) throw new Error("set INTAKE_WEBHOOK_SECRET to Deskbell's whsec_ secret");

const body = JSON.stringify({
  subject: 'Checkout returns 500',
  body: 'Since 09:12 every checkout fails with a 500.',
  requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
  priority: 'P1',
  externalId: 'shop-4711',
});
const id = `msg_${randomUUID()}`; // unique per ticket: a retry with the same id is answered 200 "duplicate"
const timestamp = Math.floor(Date.now() / 1000);
// The key is the secret after "whsec_", base64-decoded; the signature is HMAC-SHA256 of "id.timestamp.body".
const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');

const res = await fetch(url, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  },
  body,
});
console.log(res.status, await res.text());
if (!res.ok) process.exitCode = 1;
