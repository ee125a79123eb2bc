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

/**
 * `BROWSER_TEST_LATENCY_MS=400 npx vitest run tests/browser` holds every request the page makes
 * (API calls and lazily loaded chunks alike) for that long, as a slow network or a busy machine
 * would: a test that acts before the page it needs is there then fails every time, not once a week.
 */
const latencyMs = Number(process.env.BROWSER_TEST_LATENCY_MS ?? 0);

/** A fresh context (own cookies and localStorage) and page; closed by the caller's `finally` or at exit. */
export async function newPage(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 }, ...options });
  context.setDefaultTimeout(10_000);
  if (latencyMs > 0) await context.route('**/*', (route) => setTimeout(() => void route.continue().catch(() => {}), latencyMs));
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
  await expect
    .poll(
      () =>
        page.evaluate(
          () => document.getAnimations().filter((a) => a.playState === 'running' && (a.effect as KeyframeEffect | null)?.target?.closest('li.card')).length,
        ),
      { interval: 20 },
    )
    .toBe(0);
}

/** The handle of the card being moved: dnd-kit marks it pressed while it is lifted, and the card looks lifted. */
const liftedHandle = (page: Page) => page.locator('li.card.dragging button.handle[aria-pressed=true]');

/** Space on the focused handle lifts its card; waits until the card is lifted, then two frames, as dnd-kit measures on them. */
export async function liftFocusedCard(page: Page) {
  await page.keyboard.press('Space');
  await liftedHandle(page).waitFor();
  await frames(page);
}

/**
 * Arrows move the lifted card by `steps` places (negative = up), pressed with no pause as a person
 * at full speed does (each press is one move: hooks/use-keyboard-move.ts), then Space drops it;
 * waits until it is down and still.
 */
export async function moveLiftedCard(page: Page, steps: number) {
  for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps < 0 ? 'ArrowUp' : 'ArrowDown');
  await page.keyboard.press('Space');
  await liftedHandle(page).waitFor({ state: 'detached' });
  await settle(page);
}

/**
 * Moves the card at `position` (1-based) by `steps` places (negative = up) with the keyboard only:
 * the digit focuses its handle, Space lifts, arrows move, Space drops.
 */
export async function moveByKeyboard(page: Page, position: number, steps: number) {
  await page.locator(`li.card button.handle[data-position="${position}"]`).waitFor();
  await settle(page);
  await page.keyboard.press(String(position));
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-position'))).toBe(String(position));
  await liftFocusedCard(page);
  await moveLiftedCard(page, steps);
}

/**
 * Drags one card's handle onto another's with the mouse, as a person does: both on screen and
 * clear of the sticky submit bar; a few small moves to pass dnd-kit's activation distance, wait
 * until the card is lifted, then several moves to the target, and release once the list shows the
 * card in its new place.
 */
export async function dragCard(page: Page, from: string, to: string) {
  const source = page.locator(`[data-testid=${from}] button.handle`);
  const target = page.locator(`[data-testid=${to}] button.handle`);
  await settle(page);
  await target.scrollIntoViewIfNeeded();
  await source.scrollIntoViewIfNeeded();
  const onScreen = async (handle: typeof source, name: string) => {
    const [box, barTop, height] = await Promise.all([
      handle.boundingBox(),
      page.locator('.submit-bar').evaluate((bar) => bar.getBoundingClientRect().top),
      page.evaluate(() => window.innerHeight),
    ]);
    expect(box, `${name}: on the page`).not.toBeNull();
    expect(box!.y, `${name}: on screen`).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, `${name}: on screen, above the sticky submit bar`).toBeLessThanOrEqual(Math.min(barTop, height));
    return { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
  };
  const start = await onScreen(source, from);
  const end = await onScreen(target, to);

  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  const direction = Math.sign(end.y - start.y) || 1;
  for (let i = 1; i <= 4; i++) await page.mouse.move(start.x, start.y + direction * 2 * i);
  await liftedHandle(page).waitFor();
  await frames(page);
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(start.x, start.y + direction * 8 + ((end.y - start.y - direction * 8) * i) / steps);
    await frames(page);
  }
  // What a screen reader says once the lifted card is over the target's place.
  const targetPosition = await target.getAttribute('data-position');
  await expect.poll(() => page.locator('[id^=DndLiveRegion]').textContent()).toContain(`moved to position ${targetPosition}.`);
  await page.mouse.up();
  await liftedHandle(page).waitFor({ state: 'detached' });
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
        rankings: {
          annotator: string;
          ranking: string[][];
          ratings: Record<string, Record<string, number>>;
          flags: Record<string, string[]>;
          note: string;
          durationMs: number | null;
          shownOrder: string[];
        }[];
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
