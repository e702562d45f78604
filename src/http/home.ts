import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendHtml, sendJson, type RoutedRequest } from './respond.js';

/** The intake API's OpenAPI document, served as is so integrators find the contract on the server itself. */
export const INTAKE_API_PATH = '/docs/intake-api.yaml';

/** The folder holding package.json, from src/http (tsx) or dist/src/http (built) alike. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Deskbell</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Deskbell</h1>
<p>Support tickets triaged in Slack. This server takes Slack's requests at <code>/slack/events</code>,
tickets at <code>/intake/webhook</code> and <code>/intake/email/postmark</code>, and reports its health at
<a href="/healthz"><code>/healthz</code></a>.</p>
<p>Documentation: the intake API as OpenAPI at <a href="${INTAKE_API_PATH}"><code>${INTAKE_API_PATH}</code></a>;
everything else in <code>README.md</code> and <code>docs/</code> of Deskbell's source.</p>
</body></html>
`;

/** GET /: what this server is and where its documentation is, instead of an empty 404. */
export function homeHandler() {
  return async (_req: RoutedRequest, res: ServerResponse): Promise<void> => sendHtml(res, 200, PAGE);
}

/** GET /docs/intake-api.yaml, read once; 404 where the docs were not deployed with the code. */
export function intakeApiHandler() {
  const file = join(packageRoot(), 'docs', 'intake-api.yaml');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  return async (_req: RoutedRequest, res: ServerResponse): Promise<void> => {
    if (!text) return sendJson(res, 404, { error: 'docs/intake-api.yaml was not deployed with this server' });
    res.writeHead(200, {
      'content-type': 'application/yaml; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
}
