"""Sends one ticket to Deskbell's webhook intake, signed the Standard Webhooks way. Python 3, standard library only.
DESKBELL_URL (default http://localhost:3000) and INTAKE_WEBHOOK_SECRET (whsec_...) come from the environment."""
import base64, hashlib, hmac, json, os, time, urllib.error, urllib.request, uuid

url = os.environ.get("DESKBELL_URL", "http://localhost:3000") + "/intake/webhook"
secret = os.environ["INTAKE_WEBHOOK_SECRET"]

body = json.dumps({
    "subject": "Checkout returns 500",
    "body": "Since 09:12 every checkout fails with a 500.",
    "requester": {"email": "ada@example.com", "name": "Ada Lovelace"},
    "priority": "P1",
    "externalId": "shop-4711",
})
webhook_id = f"msg_{uuid.uuid4()}"  # unique per ticket: a retry with the same id is answered 200 "duplicate"
timestamp = str(int(time.time()))
# The key is the secret after "whsec_", base64-decoded; the signature is HMAC-SHA256 of "id.timestamp.body".
key = base64.b64decode(secret.removeprefix("whsec_"))
signature = base64.b64encode(hmac.new(key, f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()).decode()

request = urllib.request.Request(url, data=body.encode(), method="POST", headers={
    "content-type": "application/json",
    "webhook-id": webhook_id,
    "webhook-timestamp": timestamp,
    "webhook-signature": f"v1,{signature}",
})
try:
    with urllib.request.urlopen(request) as response:
        print(response.status, response.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
    raise SystemExit(1)
