#!/bin/sh
# Sends one ticket to Deskbell's webhook intake, signed the Standard Webhooks way, with curl and openssl.
# DESKBELL_URL (default http://localhost:3000) and INTAKE_WEBHOOK_SECRET (whsec_…) come from the environment.
set -eu
url="${DESKBELL_URL:-http://localhost:3000}/intake/webhook"
secret="${INTAKE_WEBHOOK_SECRET:?set INTAKE_WEBHOOK_SECRET to Deskbell's whsec_ secret}"
id="msg_$(date +%s)_$$"   # unique per ticket: a retry with the same id is answered 200 "duplicate"
timestamp="$(date +%s)"
body='{"subject":"Checkout returns 500","body":"Since 09:12 every checkout fails with a 500.","requester":{"email":"ada@example.com","name":"Ada Lovelace"},"priority":"P1","externalId":"shop-4711"}'

# The key is the secret after "whsec_", base64-decoded; the signature is HMAC-SHA256 of "id.timestamp.body".
key_hex="$(printf '%s' "${secret#whsec_}" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \n')"
signature="$(printf '%s' "$id.$timestamp.$body" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | openssl base64 -A)"

curl -sS --fail-with-body -X POST "$url" \
  -H 'content-type: application/json' \
  -H "webhook-id: $id" \
  -H "webhook-timestamp: $timestamp" \
  -H "webhook-signature: v1,$signature" \
  --data-binary "$body"
echo
