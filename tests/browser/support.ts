import { afterAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer, type TestUser } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';

export interface BrowserTestServer extends TestServer {
  /** Where the browser goes: the same app and database, serving the built client. */
  clientUrl: string;
}

/** The test server of tests/support/app.ts, serving the built client too. */
export async function startBrowserServer(): Promise<BrowserTestServer> {
  const server = await startServer({ serveClient: true });
  return Object.assign(server, { clientUrl: server.url });
}

/** One Chromium per test file, closed after its tests. */
export async function sharedBrowser(): Promise<Browser> {
  const browser = await launchBrowser();
  afterAll(() => browser.close());
  return browser;
}

/** A fresh context (own cookies and localStorage) and page; closed by the caller's `finally` or at exit. */
export async function newPage(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, ...options });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

/** Runs `body` on a page of a fresh context (own cookies and storage), closed whatever happens. */
export async function withPage(browser: Browser, body: (page: Page) => Promise<void>, options: Parameters<Browser['newContext']>[0] = {}) {
  const { context, page } = await newPage(browser, options);
  try {
    await body(page);
  } finally {
    await context.close();
  }
}

/** Opens `path` and logs in through the login form; the app then shows that path. */
export async function logIn(page: Page, server: BrowserTestServer, user: TestUser, path = '/') {
  await page.goto(`${server.clientUrl}${path}`);
  await page.locator('input[name=username]').fill(user.username);
  await page.locator('input[name=password]').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('nav.topbar').waitFor();
}

/** Logs in straight onto a project's ranking page and waits for its cards. */
export async function openRanking(page: Page, server: BrowserTestServer, user: TestUser, slug: string) {
  await logIn(page, server, user, `/projects/${slug}/rank`);
  await page.locator('li.card').first().waitFor();
}

/** Candidate ids in the order the cards are on the page, best first. */
export const cardOrder = (page: Page) => page.locator('li.card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.candidateId!));

/** dnd-kit measures and moves on animation frames: give it two. */
export const frames = (page: Page) => page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/** Two frames, then until the cards' move transitions have finished (dnd-kit measures the cards where they are). */
export async function settle(page: Page) {
  await frames(page);
  await expect.poll(() => page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running' && (a.effect as KeyframeEffect | null)?.target?.closest('li.card')).length), { interval: 20 }).toBe(0);
}

/**
 * Moves the card at `position` (1-based) by `steps` places (negative = up) with the keyboard only:
 * the digit focuses its handle, Space lifts, arrows move, Space drops.
 */
export async function moveByKeyboard(page: Page, position: number, steps: number) {
  await settle(page);
  await page.keyboard.press(String(position));
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-position'))).toBe(String(position));
  await page.keyboard.press('Space');
  await frames(page);
  for (let i = 0; i < Math.abs(steps); i++) {
    await page.keyboard.press(steps < 0 ? 'ArrowUp' : 'ArrowDown');
    await settle(page);
  }
  await page.keyboard.press('Space');
  await settle(page);
}

/** The comparison as a researcher sees it through the API, with every stored ranking. */
export async function storedComparison(researcher: TestUser, comparisonId: string) {
  const response = await researcher.api('GET', `/comparisons/${comparisonId}`);
  expect(response.status).toBe(200);
  return (
    (await response.json()) as {
      comparison: {
        id: string;
        candidates: { id: string; content: string }[];
        rankings: { annotator: string; ranking: string[][]; ratings: Record<string, Record<string, number>>; flags: Record<string, string[]>; note: string; durationMs: number | null; shownOrder: string[] }[];
      };
    }
  ).comparison;
}

/** The id of the comparison on the page, as the trainer's API sees it held (a reload gives back the same one). */
export async function heldComparisonId(trainer: TestUser, slug: string): Promise<string> {
  const response = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { comparison: { id: string } }).comparison.id;
}
