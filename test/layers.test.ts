import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The layering rules of CONVENTIONS.md, checked on the source text (no database, no compiler): adapters never
 * import a domain module that writes, jobs and listeners go through flows, the domain and the Slack side, and
 * no static import circle exists. `npm run lint` runs madge for the circles too; this test needs no extra tool.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED = ['src', 'listeners', 'views', 'jobs'];

/**
 * The domain modules adapters may import values from: types, pure decisions and read-only queries. Each is
 * checked below to contain no write and to import values only from this list, so adding a module here is
 * a claim the test verifies. Type-only imports of any domain module are fine: they vanish at run time.
 */
const READ_ONLY_DOMAIN = [
  'src/domain/types.ts',
  'src/domain/errors.ts',
  'src/domain/queues.ts',
  'src/domain/storm-queries.ts',
  'src/domain/bulk-mail.ts',
  'src/domain/mail-address.ts',
  'src/domain/sla-routing.ts',
  'src/domain/bug-refs.ts',
  'src/domain/bug-queries.ts',
  'src/domain/bug-report.ts',
  'src/domain/incidents/channel-name.ts',
  'src/domain/incidents/overview.ts',
  'src/domain/incidents/queries.ts',
];

/** How a domain module writes: a mongoose write, a counter, a once-claim, a change helper, an effect asked for. */
const MONGOOSE_WRITES = [
  'save',
  'create',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'bulkWrite',
  'deleteOne',
];
const MORE_WRITES = ['deleteMany', 'findOneAndUpdate', 'findByIdAndUpdate', 'findOneAndDelete', 'findByIdAndDelete'];
const WRITE_HELPERS = ['nextSequence', 'upsertAndGet', 'deliverOnce', 'changeTicket', 'changeIncident', 'queueMail'];
const WRITES = new RegExp(
  `\\.(${[...MONGOOSE_WRITES, ...MORE_WRITES].join('|')})\\(|\\b(${WRITE_HELPERS.join('|')})\\(|\\.effects\\.`,
);

const ADAPTERS = ['src/slack/', 'src/mail/', 'src/pagerduty/', 'src/trackers/'];

/** What jobs/ and listeners/ may import values from, besides their own folder. */
const ENTRY_TARGETS = ['src/flows/', 'src/domain/', 'views/', ...ADAPTERS];

interface Import {
  target: string;
  typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The static relative imports and re-exports of a file, resolved to repository paths (`x.js` is `x.ts`). */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gm)) {
    const names = /^\{([^}]*)\}$/.exec(m[3]!.trim())?.[1];
    const allTypes = !!names && names.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()));
    const target = relative(ROOT, resolve(ROOT, dirname(file), m[4]!)).replace(/\.js$/, '.ts');
    out.push({ target, typeOnly: !!m[2] || allTypes });
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm)) {
    out.push({ target: relative(ROOT, resolve(ROOT, dirname(file), m[1]!)).replace(/\.js$/, '.ts'), typeOnly: false });
  }
  return out;
}

const files = SCANNED.flatMap(tsFiles);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const under = (path: string, prefixes: string[]) => prefixes.some((p) => path.startsWith(p));

describe('layers', () => {
  it('sees the source tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('src/domain/tickets.ts');
  });

  it('recognises a domain module that writes', () => {
    for (const writer of ['src/domain/ticket-changes.ts', 'src/domain/incidents/links.ts', 'src/domain/storms.ts']) {
      expect(WRITES.test(readFileSync(join(ROOT, writer), 'utf8')), writer).toBe(true);
    }
  });

  it('lists read-only domain modules that exist, write nothing and import values only from each other', () => {
    const problems: string[] = [];
    for (const mod of READ_ONLY_DOMAIN) {
      if (!graph.has(mod)) {
        problems.push(`${mod} does not exist`);
        continue;
      }
      if (WRITES.test(readFileSync(join(ROOT, mod), 'utf8'))) problems.push(`${mod} writes`);
      for (const i of graph.get(mod)!) {
        if (!i.typeOnly && i.target.startsWith('src/domain/') && !READ_ONLY_DOMAIN.includes(i.target)) {
          problems.push(`${mod} imports ${i.target}, which is not read-only`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps adapters (src/slack, src/mail, src/pagerduty) away from domain writes and from flows', () => {
    const problems: string[] = [];
    for (const [file, imports] of graph) {
      if (!under(file, ADAPTERS)) continue;
      for (const i of imports) {
        if (i.target.startsWith('src/flows/')) problems.push(`${file} imports the flow ${i.target}`);
        if (!i.typeOnly && i.target.startsWith('src/domain/') && !READ_ONLY_DOMAIN.includes(i.target)) {
          problems.push(`${file} imports ${i.target}, a domain module that writes`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('has jobs/ and listeners/ import values only from flows, the domain, views and the adapters', () => {
    const problems: string[] = [];
    for (const [file, imports] of graph) {
      const home = ['jobs/', 'listeners/'].find((p) => file.startsWith(p));
      if (!home) continue;
      for (const i of imports) {
        if (i.typeOnly || i.target.startsWith(home) || under(i.target, ENTRY_TARGETS)) continue;
        problems.push(`${file} imports ${i.target}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps the domain below everything but src/db: no flow, adapter, view, listener or job', () => {
    const above = ['src/flows/', ...ADAPTERS, 'views/', 'listeners/', 'jobs/'];
    const problems = [...graph]
      .filter(([file]) => file.startsWith('src/domain/'))
      .flatMap(([file, imports]) =>
        imports.filter((i) => under(i.target, above)).map((i) => `${file} imports ${i.target}`),
      );
    expect(problems).toEqual([]);
  });

  it('has no import circles (type imports included, as madge counts them)', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const { target } of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === 'open') circles.push([...path.slice(path.indexOf(target)), target].join(' > '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
