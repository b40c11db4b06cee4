import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/**
 * Headless Chromium for the console's browser tests and its benchmark: Debian's package (scripts/ensure-chromium.mjs
 * installs it before `npm test`), or CHROMIUM_PATH. The flags keep it off the network (without them it keeps
 * trying Google's hosts, which this machine refuses). Playwright gives every launch a fresh, empty profile.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface LaunchedChromium {
  browser: Browser;
  newContext(opts?: { locale?: string; timezoneId?: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS }).catch((e: Error) => {
    throw new Error(`Chromium did not start from ${executablePath} (run node scripts/ensure-chromium.mjs, or set CHROMIUM_PATH): ${e.message}`);
  });
  return {
    browser,
    newContext: (opts = {}) =>
      browser.newContext({ locale: opts.locale ?? 'en-US', timezoneId: opts.timezoneId ?? 'Asia/Shanghai', viewport: { width: 1400, height: 900 } }),
    close: () => browser.close().catch(() => undefined),
  };
}
