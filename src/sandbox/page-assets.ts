import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { HttpError } from '../http/respond.js';

/** The page's own files by name, read once: nothing is looked up on disk from a request's path. */
export type PageAssets = Map<string, { type: string; bytes: Buffer }>;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/**
 * Where the page's files are: beside this module when run from the sources (tsx), or in the sources when run
 * from dist/ (the compiler copies no plain files).
 */
function pageFolder(): string {
  const here = fileURLToPath(new URL('./page/', import.meta.url));
  return existsSync(here) ? here : fileURLToPath(new URL('../../../src/sandbox/page/', import.meta.url));
}

export function loadPageAssets(folder = pageFolder()): PageAssets {
  const assets: PageAssets = new Map();
  for (const name of readdirSync(folder)) {
    const type = TYPES[name.split('.').pop() ?? ''];
    if (type) assets.set(name, { type, bytes: readFileSync(`${folder}${name}`) });
  }
  return assets;
}

/** Scripts and styles from this server only; nothing inline, so text that slipped through unescaped cannot run. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function sendAsset(res: ServerResponse, assets: PageAssets, name: string): void {
  const asset = assets.get(name);
  if (!asset) throw new HttpError(404, 'no such file');
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': asset.bytes.length,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy': CSP,
  });
  res.end(asset.bytes);
}
