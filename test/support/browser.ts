import { chromiumPath, NO_CHROMIUM as NO_CHROMIUM_FOUND } from '../../scripts/chromium.js';
import { inject } from 'vitest';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { startSandbox } from '../../src/sandbox/start.js';
import { uniqueDbName } from './harness.js';

export { chromiumPath } from '../../scripts/chromium.js';

export const NO_CHROMIUM = `Browser tests skipped. ${NO_CHROMIUM_FOUND}`;

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
