import { existsSync } from 'node:fs';
import { inject } from 'vitest';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { uniqueDbName } from './harness.js';

/** Where Chromium usually is: Debian's and Ubuntu's packages, Google Chrome, macOS. */
const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** CHROMIUM_PATH when set, else the first usual path that exists; undefined when there is none. */
export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return USUAL_PATHS.find((p) => existsSync(p));
}

export const NO_CHROMIUM =
  'Browser tests skipped: no Chromium found. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.';

/** One sandbox and one browser page on it, for a whole test file (the browser starts once: the wall time is small). */
export async function openSandbox(
  label: string,
): Promise<{ sandbox: Sandbox; browser: Browser; page: Page; stop(): Promise<void> }> {
  const sandbox = await startSandbox({
    mongoUri: inject('mongoUri'),
    dbName: uniqueDbName(label),
    port: 0,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const browser = await chromium.launch({ executablePath: chromiumPath()!, headless: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // A script error on the page fails the test that caused it.
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return {
    sandbox,
    browser,
    page,
    async stop() {
      await browser.close();
      await sandbox.db.dropDatabase().catch(() => undefined);
      await sandbox.stop();
      if (errors.length) throw new Error(`the sandbox page threw: ${errors.join('; ')}`);
    },
  };
}
