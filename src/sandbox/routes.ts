import type { CustomRoute } from '@slack/bolt/dist/receivers/custom-routes.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, parseJsonBody, readBody, route, type RoutedRequest, sendJson } from '../http/respond.js';
import type { Logger } from '../logger.js';
import { type Answer, SandboxError } from './driver.js';
import { type PageAssets, sendAsset } from './page-assets.js';
import { type Looking, pageState } from './page-state.js';
import { requests } from './requests.js';
import type { Sandbox } from './sandbox.js';

const MAX_BODY = 256 * 1024;
const LONG_POLL_MS = 25_000;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * A page on loopback is still reachable from any site the same browser opens. Refused: on loopback, a Host that
 * is not this machine at this port (DNS rebinding); anywhere, a cross-site Origin. The API takes JSON only, which
 * a cross-site form cannot send without a CORS preflight this server never grants.
 */
function checkCaller(req: IncomingMessage, url: URL): void {
  const host = String(req.headers.host ?? '');
  const loopback = LOOPBACK_NAMES.includes(url.hostname);
  if (loopback && !LOOPBACK_NAMES.some((name) => host === `${name}:${url.port}`)) {
    throw new HttpError(421, 'this sandbox answers only at its own address');
  }
  const origin = req.headers.origin;
  if (origin && origin !== `http://${host}`) throw new HttpError(403, 'the sandbox API is for its own page');
}

const lookingSchema = z.object({
  user: z.string().regex(/^U[A-Z0-9]+$/),
  channel: z
    .string()
    .regex(/^[CGD][A-Z0-9]+$/)
    .optional(),
  thread: z
    .string()
    .regex(/^\d+\.\d+$/)
    .optional(),
  after: z.coerce.number().int().min(0).optional(),
});

/**
 * The sandbox page, its files, the uploaded files and the API the page acts through; all on Deskbell's port.
 * `sandboxOf` is called per request: the routes are handed to createApp before the sandbox around it exists.
 */
export function sandboxRoutes(sandboxOf: () => Sandbox, assets: PageAssets, log: Logger): CustomRoute[] {
  const guarded = (handler: (req: RoutedRequest, res: ServerResponse) => Promise<void>, maxBody = 0) =>
    route(
      log,
      async (req, res) => {
        checkCaller(req, new URL(sandboxOf().url));
        await handler(req, res);
      },
      maxBody,
    );

  const state: CustomRoute = {
    path: '/sandbox/api/state',
    method: 'GET',
    handler: guarded(async (req, res) => {
      const query = Object.fromEntries(new URL(req.url ?? '', 'http://x').searchParams);
      const parsed = lookingSchema.safeParse(query);
      if (!parsed.success) throw new HttpError(400, 'user, channel or thread is malformed');
      const { after, ...looking } = parsed.data;
      const sandbox = sandboxOf();
      if (after !== undefined && after >= sandbox.version) await sandbox.changeAfter(after, LONG_POLL_MS);
      sendJson(
        res,
        200,
        { version: sandbox.version, ...pageState(sandbox.sources, looking as Looking) },
        { 'cache-control': 'no-store' },
      );
    }),
  };

  const actions: CustomRoute = {
    path: '/sandbox/api/:action',
    method: 'POST',
    handler: guarded(async (req, res) => {
      const name = String(req.params?.action ?? '');
      const handle = requests[name];
      const sandbox = sandboxOf();
      if (!handle) throw new HttpError(404, `no such sandbox action: ${name}`);
      const body = parseJsonBody(req, await readBody(req, MAX_BODY));
      const parsed = handle.schema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, `${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      try {
        const answer: Answer | object = await handle.run(sandbox, parsed.data as never);
        sendJson(res, 200, answer);
      } catch (err) {
        if (err instanceof SandboxError) throw new HttpError(409, err.message);
        throw err;
      }
    }, MAX_BODY),
  };

  const file: CustomRoute = {
    path: '/sandbox/files/:id',
    method: 'GET',
    handler: guarded(async (req, res) => {
      const f = sandboxOf().slack.uploads.get(String(req.params?.id ?? ''));
      if (!f?.bytes || !f.completed) throw new HttpError(404, 'no such file');
      const image = /\.png$/i.test(f.filename);
      // Only pictures are shown as what they are; any other file as plain text, never as a page of its own.
      const type = image
        ? 'image/png'
        : /\.(csv|md|txt|json)$/i.test(f.filename)
          ? 'text/plain; charset=utf-8'
          : 'application/octet-stream';
      const safeName = f.filename.replace(/[^\w.-]/g, '_');
      const download = type === 'application/octet-stream';
      res.writeHead(200, {
        'content-type': type,
        'content-length': f.bytes.length,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
        'content-disposition': `${download ? 'attachment' : 'inline'}; filename="${safeName}"`,
      });
      res.end(f.bytes);
    }),
  };

  const page = (path: string): CustomRoute => ({
    path,
    method: 'GET',
    handler: guarded(async (req, res) => sendAsset(res, assets, String(req.params?.file ?? 'index.html'))),
  });

  return [state, actions, file, page('/sandbox'), page('/sandbox/'), page('/sandbox/assets/:file')];
}
