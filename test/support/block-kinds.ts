import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The kinds of Block Kit Deskbell sends, and one sample of each from the test suite: what the sandbox page must
 * draw (test/sandbox-blocks.test.ts renders every sample in Chromium). A kind is a block type, a section's text,
 * fields or accessory, an element type with its style, confirm or link, a context element, and each `<…>` form
 * of mrkdwn (mentions, dates, links).
 */
export type Surface = 'message' | 'modal' | 'home';

export interface Sample {
  kind: string;
  surface: Surface;
  block: Record<string, unknown>;
}

/** Where the samples are kept: one file per test file that first produced a kind. */
export const CORPUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/slack-blocks');

type Json = Record<string, unknown>;

const MRKDWN_FORMS: Array<[string, RegExp]> = [
  ['user', /<@[A-Z0-9]+(\|[^>]*)?>/],
  ['channel', /<#[A-Z0-9]+(\|[^>]*)?>/],
  ['usergroup', /<!subteam\^[A-Z0-9]+(\|[^>]*)?>/],
  ['broadcast', /<!(here|channel|everyone)>/],
  ['date', /<!date\^/],
  ['link', /<(https?|mailto):[^>]*>/],
  ['other', /<!(?!subteam\^|date\^|here>|channel>|everyone>)[^>]*>/],
];

function mrkdwnKinds(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) mrkdwnKinds(v, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Json;
  if (o.type === 'mrkdwn' && typeof o.text === 'string') {
    for (const [name, re] of MRKDWN_FORMS) if (re.test(o.text)) out.add(`mrkdwn:${name}`);
  }
  for (const v of Object.values(o)) mrkdwnKinds(v, out);
}

function elementKinds(e: Json, where: string, out: Set<string>): void {
  out.add(`${where}:${String(e.type)}`);
  if (e.style) out.add(`${where}:${String(e.type)}:style:${String(e.style)}`);
  if (e.confirm) out.add(`${where}:${String(e.type)}:confirm`);
  if (e.url) out.add(`${where}:${String(e.type)}:url`);
  if (e.option_groups) out.add(`${where}:${String(e.type)}:option_groups`);
}

/** The kinds one block shows. */
export function kindsOf(b: Json): Set<string> {
  const out = new Set<string>([`block:${String(b.type)}`]);
  if (b.type === 'section') {
    if (b.text) out.add(`section:text:${String((b.text as Json).type)}`);
    if (b.fields) out.add('section:fields');
    if (b.accessory) elementKinds(b.accessory as Json, 'accessory', out);
  }
  if (b.type === 'context') for (const e of (b.elements ?? []) as Json[]) out.add(`context:${String(e.type)}`);
  if (b.type === 'actions') for (const e of (b.elements ?? []) as Json[]) elementKinds(e, 'actions', out);
  if (b.type === 'input') {
    elementKinds(b.element as Json, 'input', out);
    if (b.dispatch_action) out.add('input:dispatch_action');
  }
  if (b.type === 'rich_text') for (const e of (b.elements ?? []) as Json[]) out.add(`rich_text:${String(e.type)}`);
  mrkdwnKinds(b, out);
  return out;
}

/** The blocks of one Web API call, with the surface they are shown on. */
export function blocksOfCall(call: {
  method: string;
  args: Record<string, any>;
}): Array<{ surface: Surface; block: Json }> {
  const of = (surface: Surface, blocks: unknown) =>
    Array.isArray(blocks) ? blocks.map((block) => ({ surface, block: block as Json })) : [];
  if (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(call.method))
    return of('message', call.args.blocks);
  if (['views.open', 'views.push', 'views.update'].includes(call.method)) return of('modal', call.args.view?.blocks);
  if (call.method === 'views.publish') return of('home', call.args.view?.blocks);
  return [];
}

/** One sample for each kind the calls show, the first one met. */
export function samplesOf(calls: Array<{ method: string; args: Record<string, any> }>): Sample[] {
  const samples = new Map<string, Sample>();
  for (const call of calls) {
    for (const { surface, block } of blocksOfCall(call)) {
      for (const kind of kindsOf(block)) if (!samples.has(kind)) samples.set(kind, { kind, surface, block });
    }
  }
  return [...samples.values()];
}

export function readCorpus(): Sample[] {
  let files: string[] = [];
  try {
    files = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.flatMap((f) => JSON.parse(readFileSync(join(CORPUS_DIR, f), 'utf8')) as Sample[]);
}

/** Adds `samples` to the corpus file of `testFile` (each test file writes its own: parallel runs never collide). */
export function recordSamples(testFile: string, samples: Sample[]): void {
  const file = join(CORPUS_DIR, `${basename(testFile).replace(/\.test\.ts$/, '')}.json`);
  let kept: Sample[] = [];
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as Sample[];
  } catch {
    // A first sample from this file.
  }
  const known = new Set(kept.map((s) => s.kind));
  mkdirSync(CORPUS_DIR, { recursive: true });
  const all = [...kept, ...samples.filter((s) => !known.has(s.kind))].sort((a, b) => a.kind.localeCompare(b.kind));
  writeFileSync(file, `${JSON.stringify(all, null, 1)}\n`);
}
