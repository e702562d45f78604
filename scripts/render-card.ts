/**
 * Draws a ticket card as Slack shows it, for the README: the blocks come from the app's own view
 * (views/ticket-card.ts) for a made-up ticket; this script lays them out as Slack does, roughly, and
 * rasterises them with resvg and the Inter font, as the report charts are. Writes docs/card.png:
 *   npx tsx scripts/render-card.ts
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { KnownBlock } from '@slack/types';
import { defaultSlaPolicy } from '../src/domain/sla-policy.js';
import { ticketCard } from '../views/ticket-card.js';

const require = createRequire(import.meta.url);
const FONTS = ['400Regular/Inter_400Regular.ttf', '700Bold/Inter_700Bold.ttf'].map((f) =>
  require.resolve(`@expo-google-fonts/inter/${f}`),
);
const WIDTH = 860;
const LEFT = 72;
const TEXT = '#1d1c1d';
const GREY = '#616061';
const LINK = '#1264a3';
/** Slack's emoji, as coloured dots: a picture needs the colour, not the glyph. */
const EMOJI: Record<string, string> = { large_orange_circle: '#f4900c', red_circle: '#dd2e44' };
const USERS: Record<string, string> = { U0ALICE: 'Alice Chen' };

const ticket = {
  id: '65f000000000000000000001',
  key: 'SUP-1042',
  subject: 'Checkout returns 500 for every order',
  body: 'Since 09:12 every checkout fails with a 500. Customers cannot pay; our monitoring shows the payment service timing out.',
  source: 'webhook',
  requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
  category: 'bug',
  suggestedCategory: 'bug',
  priority: 'P1',
  suggestedPriority: 'P1',
  status: 'in_progress',
  assignee: 'U0ALICE',
  escalationLevel: 'L1',
  attachments: [],
  createdAt: new Date('2026-12-04T09:42:00Z'),
};

interface Run {
  text: string;
  bold?: boolean;
  colour?: string;
  dot?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const width = (text: string, size: number, bold = false) => text.length * size * (bold ? 0.6 : 0.57);

/** One line of Slack mrkdwn as styled runs: *bold*, <@user>, <url|label>, :emoji:. */
function runs(line: string): Run[] {
  const out: Run[] = [];
  for (const part of line.split(/(\*[^*]+\*|<[^>]+>|:[a-z_]+:)/)) {
    if (!part) continue;
    if (part.startsWith('*') && part.endsWith('*') && part.length > 1) out.push({ text: part.slice(1, -1), bold: true });
    else if (part.startsWith('<@')) out.push({ text: `@${USERS[part.slice(2, -1)] ?? part.slice(2, -1)}`, colour: LINK });
    else if (part.startsWith('<!')) out.push({ text: part.slice(1, -1).split('|').pop()! });
    else if (part.startsWith('<')) out.push({ text: part.slice(1, -1).split('|').pop()!, colour: LINK });
    else if (/^:[a-z_]+:$/.test(part)) {
      const colour = EMOJI[part.slice(1, -1)];
      if (colour) out.push({ text: '', dot: colour });
    } else out.push({ text: part.replace(/`/g, '').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&') });
  }
  return out;
}

function drawRuns(parts: Run[], x: number, y: number, size: number, colour = TEXT): string {
  let svg = '';
  for (const r of parts) {
    if (r.dot) {
      svg += `<circle cx="${x + size * 0.5}" cy="${y - size * 0.35}" r="${size * 0.45}" fill="${r.dot}"/>`;
      x += size * 1.3;
      continue;
    }
    const weight = r.bold ? 700 : 400;
    svg += `<text x="${x}" y="${y}" font-size="${size}" font-weight="${weight}" fill="${r.colour ?? colour}">${esc(r.text)}</text>`;
    x += width(r.text, size, r.bold);
  }
  return svg;
}

function wrap(text: string, size: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && width(`${line} ${word}`, size) > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

function control(label: string, x: number, y: number, style?: string, select = false): { svg: string; w: number } {
  const size = 14;
  const parts = runs(label);
  const w = parts.reduce((n, r) => n + (r.dot ? size * 1.3 : width(r.text, size, true)), 0) + (select ? 56 : 28);
  const fill = style === 'primary' ? '#007a5a' : 'white';
  const stroke = style === 'primary' ? '#007a5a' : '#c4c4c4';
  const colour = style === 'primary' ? 'white' : style === 'danger' ? '#e01e5a' : TEXT;
  let svg = `<rect x="${x}" y="${y}" width="${w}" height="34" rx="5" fill="${fill}" stroke="${stroke}"/>`;
  svg += drawRuns(parts.map((r) => ({ ...r, bold: !select })), x + 14, y + 22, size, colour);
  if (select) svg += `<path d="M${x + w - 24} ${y + 14} l5 6 l5 -6" fill="none" stroke="${GREY}" stroke-width="1.6"/>`;
  return { svg, w };
}

function render(blocks: KnownBlock[]): string {
  let y = 24;
  let body = '';
  body += `<rect x="20" y="${y}" width="38" height="38" rx="6" fill="#1d3557"/>`;
  body += `<text x="39" y="${y + 26}" font-size="20" font-weight="700" fill="white" text-anchor="middle">D</text>`;
  body += `<text x="${LEFT}" y="${y + 14}" font-size="15" font-weight="700" fill="${TEXT}">Deskbell</text>`;
  body += `<rect x="${LEFT + 76}" y="${y + 1}" width="30" height="17" rx="3" fill="#e8e8e8"/>`;
  body += `<text x="${LEFT + 82}" y="${y + 14}" font-size="10" font-weight="700" fill="${GREY}">APP</text>`;
  body += `<text x="${LEFT + 114}" y="${y + 14}" font-size="12" fill="${GREY}">9:42 AM</text>`;
  y += 30;
  const max = WIDTH - LEFT - 24;
  for (const block of blocks) {
    if (block.type === 'header') {
      y += 22;
      body += drawRuns([{ text: block.text.text, bold: true }], LEFT, y, 18);
      y += 14;
    } else if (block.type === 'section' && block.fields) {
      const fields = block.fields.map((f) => f.text.split('\n'));
      for (let i = 0; i < fields.length; i += 2) {
        const rows = Math.max(fields[i]!.length, fields[i + 1]?.length ?? 0);
        for (const [col, field] of [fields[i], fields[i + 1]].entries()) {
          field?.forEach((line, n) => (body += drawRuns(runs(line), LEFT + col * (max / 2), y + 20 + n * 21, 15)));
        }
        y += rows * 21 + 8;
      }
    } else if (block.type === 'section' && block.text) {
      const quoted = block.text.text.startsWith('>');
      const lines = wrap(block.text.text.replace(/^>/, ''), 15, max - 16);
      if (quoted) body += `<rect x="${LEFT}" y="${y + 6}" width="4" height="${lines.length * 21 + 4}" rx="2" fill="#dddddd"/>`;
      lines.forEach((line, n) => (body += drawRuns(runs(line), LEFT + (quoted ? 14 : 0), y + 22 + n * 21, 15)));
      y += lines.length * 21 + 14;
    } else if (block.type === 'actions') {
      let x = LEFT;
      y += 6;
      for (const e of block.elements) {
        const select = e.type === 'static_select' || e.type === 'users_select';
        const label =
          e.type === 'static_select'
            ? (e.initial_option?.text.text ?? e.placeholder?.text ?? '')
            : e.type === 'users_select'
              ? `@${USERS[e.initial_user ?? ''] ?? e.placeholder?.text ?? ''}`
              : e.type === 'button'
                ? e.text.text
                : '';
        const c = control(label, x, y, e.type === 'button' ? e.style : undefined, select);
        if (x + c.w > WIDTH - 20 && x > LEFT) {
          x = LEFT;
          y += 42;
          const again = control(label, x, y, e.type === 'button' ? e.style : undefined, select);
          body += again.svg;
          x += again.w + 8;
        } else {
          body += c.svg;
          x += c.w + 8;
        }
      }
      y += 42;
    } else if (block.type === 'context') {
      const text = block.elements.map((e) => ('text' in e ? e.text : '')).join('  ');
      body += drawRuns(runs(text), LEFT, y + 18, 12, GREY);
      y += 26;
    } else if (block.type === 'divider') {
      body += `<line x1="${LEFT}" x2="${WIDTH - 24}" y1="${y + 8}" y2="${y + 8}" stroke="#e8e8e8"/>`;
      y += 16;
    }
  }
  const height = y + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Inter"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
}

const { blocks } = ticketCard(ticket as never, defaultSlaPolicy('UTC'));
const png = new Resvg(render(blocks), {
  font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: 'Inter' },
  fitTo: { mode: 'zoom', value: 1.5 },
}).render();
writeFileSync(new URL('../docs/card.png', import.meta.url), png.asPng());
console.log(`docs/card.png: ${png.width} × ${png.height}`);
