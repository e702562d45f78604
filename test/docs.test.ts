import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { envTable, TABLE_END, TABLE_START } from '../scripts/env-table.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** README.md, bench/README.md and every Markdown file under docs/. */
function documents(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  return ['README.md', 'bench/README.md', ...walk('docs')];
}

/** Markdown links and images outside code: `[text](target)`, `![alt](target)`. */
function linksOf(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} +(.+?) *$/gm)].map((m) => anchorOf(m[1]!)));
}

describe('the documentation', () => {
  it('has no relative link that points nowhere', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const doc of documents()) {
      for (const link of linksOf(readFileSync(join(ROOT, doc), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:: not ours to check
        checked += 1;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? resolve(ROOT, dirname(doc), decodeURIComponent(path)) : join(ROOT, doc);
        if (!existsSync(target)) broken.push(`${doc}: ${link} (no ${relative(ROOT, target)})`);
        else if (anchor && statSync(target).isFile() && target.endsWith('.md') && !anchorsIn(target).has(anchor)) {
          broken.push(`${doc}: ${link} (no heading #${anchor} in ${relative(ROOT, target)})`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('finds a broken link and a broken anchor when there is one', () => {
    expect(linksOf('See [x](docs/nowhere.md), ![y](a.png) and `[not](a link)`.')).toEqual(['docs/nowhere.md', 'a.png']);
    expect(anchorOf("Slack's limits: one outbound queue per channel")).toBe(
      'slacks-limits-one-outbound-queue-per-channel',
    );
    expect(anchorOf('Reports: `/support-report`')).toBe('reports-support-report');
  });

  it('keeps the README to a few screens', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
  });

  it('has the variable table that src/config.ts generates (rewrite it with npm run docs)', () => {
    const text = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    const table = text.slice(text.indexOf(TABLE_START) + TABLE_START.length, text.indexOf(TABLE_END)).trim();
    expect(table).toBe(envTable());
  });
});
