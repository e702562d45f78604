/**
 * `npm run docs:screenshots`: the pictures of the docs, taken from the sandbox (src/sandbox/) after its demo week,
 * so they show what Deskbell really sends, drawn as Slack draws it. Needs Chromium (scripts/chromium.ts) and, for
 * the emoji, a colour emoji font (Debian: fonts-noto-color-emoji). Writes docs/card.png, docs/storm-card.png,
 * docs/war-room.png, docs/app-home.png and docs/report.png.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Locator, type Page } from 'playwright-core';
import { sandboxDatabase } from '../src/sandbox/database.js';
import { demoStart, fillDemoWeek } from '../src/sandbox/demo/week.js';
import { startSandbox } from '../src/sandbox/start.js';
import { chromiumPath, NO_CHROMIUM } from './chromium.js';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

interface Shot {
  file: string;
  /** The page's address after `/sandbox#`. */
  at: string;
  /** What to photograph, once it is there. */
  subject: (page: Page) => Locator;
}

const message = (page: Page, has: string, text?: string) =>
  page
    .locator('.message')
    .filter({ has: page.locator(has), ...(text ? { hasText: text } : {}) })
    .first();

const SHOTS: Shot[] = [
  {
    file: 'card.png',
    at: 'user=U0AGENT&view=channel&channel=C0SUPPORT',
    subject: (page) => message(page, '[data-action-id=ticket_set_priority]', 'Export to CSV sometimes fails'),
  },
  {
    file: 'storm-card.png',
    at: 'user=U0LEAD&view=channel&channel=C0SUPPORT',
    subject: (page) => message(page, '[data-action-id=storm_reply_all]'),
  },
  {
    file: 'war-room.png',
    at: 'user=U0ONCALL&view=channel',
    subject: (page) => message(page, '[data-action-id=incident_post_update]'),
  },
  { file: 'app-home.png', at: 'user=U0AGENT&view=home', subject: (page) => page.locator('.home') },
  {
    file: 'report.png',
    at: 'user=U0LEAD&view=channel&channel=DU0LEAD',
    subject: (page) => page.locator('.message.ephemeral').filter({ hasText: 'Only you can see this' }).first(),
  },
];

async function main(): Promise<void> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(NO_CHROMIUM);
  const db = await sandboxDatabase();
  const sandbox = await startSandbox({ mongoUri: db.uri, port: 0, logLevel: 'error', start: demoStart() });
  const browser = await chromium.launch({ executablePath });
  try {
    const began = Date.now();
    process.stdout.write('Filling the demo week…\n');
    await fillDemoWeek(sandbox);
    process.stdout.write(`Demo week ready in ${Math.round((Date.now() - began) / 1000)} s\n`);
    // The active war room: the one whose brief still offers "Post update".
    const room = [...sandbox.slack.channels.values()].filter((c) => c.name.startsWith('inc-')).at(-1);
    // Tall enough that the longest subject (the report) fits: the page scrolls inside, a photo of it would not.
    const page = await browser.newPage({ viewport: { width: 1100, height: 2600 }, deviceScaleFactor: 1.5 });
    for (const shot of SHOTS) {
      const at = shot.file === 'war-room.png' && room ? `${shot.at}&channel=${room.id}` : shot.at;
      await page.goto(`${sandbox.url}/sandbox#${at}`);
      await page.reload();
      const subject = shot.subject(page);
      await subject.waitFor();
      // The pictures the message holds, loaded; and no hover toolbar on the photographed message.
      await page.waitForFunction('[...document.images].every((image) => image.complete)');
      await page.mouse.move(0, 0);
      await subject.screenshot({ path: `${DOCS}${shot.file}`, animations: 'disabled' });
      const kb = Math.round(statSync(`${DOCS}${shot.file}`).size / 1024);
      process.stdout.write(`docs/${shot.file}: ${kb} KB (${Math.round((Date.now() - began) / 1000)} s)\n`);
    }
  } finally {
    await browser.close();
    await sandbox.stop();
    await db.server?.stop();
  }
}

// Exits once done, as Deskbell's own shutdown does: Agenda leaves the liveness timers of jobs that ran behind it
// (up to its lock lifetime), which would hold the process for minutes after everything has stopped.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`docs:screenshots failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
