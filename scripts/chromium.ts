import { existsSync } from 'node:fs';

/**
 * The Chromium the browser tests and `npm run docs:screenshots` drive (through playwright-core, which downloads no
 * browser of its own): CHROMIUM_PATH when set, else the first usual place that exists (Debian's and Ubuntu's
 * packages, Google Chrome, macOS); undefined when there is none.
 */
const USUAL_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  return USUAL_PATHS.find((p) => existsSync(p));
}

export const NO_CHROMIUM = 'No Chromium found: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.';
