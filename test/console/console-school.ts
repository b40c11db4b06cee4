import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from '../../libs/testing/browser.js';
import { TestApp } from '../../libs/testing/index.js';
import { loadDemo, type DemoResult } from '../../scripts/demo/loader.js';
import { DEMO_PASSWORD } from '../../scripts/demo/school.js';

export const ADMIN = { email: 'admin@console-test.example', password: 'console test admin pw' };

/**
 * The console's browser tests run against the whole product: the real API and worker (in this process, on a real
 * port, a database of their own), the demo school loaded over HTTP as `npm run demo` does, and Debian's Chromium.
 */
export interface ConsoleSchool {
  app: TestApp;
  baseUrl: string;
  demo: DemoResult;
  chromium: LaunchedChromium;
  close(): Promise<void>;
}

export async function startConsoleSchool(learners = 500): Promise<ConsoleSchool> {
  const app = await TestApp.start({ ownDatabase: true, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password } });
  await app.api.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.api.getHttpServer().address() as AddressInfo).port}`;
  const demo = await loadDemo({
    baseUrl,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    learners,
    seed: 20261203,
    batchSize: 500,
    concurrency: 3,
    schoolTimezone: 'Asia/Shanghai',
    resume: false,
    waitTimeoutMs: 120_000,
    log: () => undefined,
  });
  const chromium = await launchChromium();
  return {
    app,
    baseUrl,
    demo,
    chromium,
    close: async () => {
      await chromium.close();
      await app.close();
    },
  };
}

export const password = DEMO_PASSWORD;

/** Signs in through the page, as a person does. */
export async function signIn(page: Page, baseUrl: string, email: string, pass = DEMO_PASSWORD, path = '/console/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits until the locator's text matches (Playwright's own expect is not part of playwright-core). */
export async function waitForText(locator: Locator, pattern: RegExp | string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    last =
      (await locator
        .first()
        .textContent({ timeout: Math.max(1, deadline - Date.now()) })
        .catch(() => '')) ?? '';
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`text ${JSON.stringify(last.slice(0, 300))} never matched ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** axe-core over the page: the serious and critical violations, as readable lines (WCAG 2.1 A and AA rules). */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/**
 * Screenshots for a reader: `.data/screenshots` by default; `npm run screenshots` writes them to docs/screenshots
 * (CONSOLE_SCREENSHOTS), where the README shows them.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS ?? '.data/screenshots';
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}
