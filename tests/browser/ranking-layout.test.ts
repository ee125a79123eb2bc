import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { conversation, type TestUser } from '../support/app.ts';
import { cardOrder, heldComparisonId, logIn, newPage, sharedBrowser, startBrowserServer, storedComparison, type BrowserTestServer } from './support.ts';

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;
let trainer: TestUser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;

const laptop = { width: 1280, height: 800 };
const phone = { width: 375, height: 667 };

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  [researcher, trainer] = await Promise.all([server.user('researcher'), server.user('trainer')]);
  ({ context, page } = await newPage(browser, { viewport: laptop }));
  cdp = await context.newCDPSession(page);
  await logIn(page, server, trainer);
});
afterAll(() => context?.close());

/**
 * The page as on a laptop (a mouse that hovers) or as on a phone (a touch screen that cannot).
 * Chromium's touch emulation, once set (even to off), leaves hover off for good: the phone comes last.
 */
async function device(size: typeof laptop) {
  await page.setViewportSize(size);
  if (size === phone) await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
  await expect.poll(() => page.evaluate(() => matchMedia('(hover: none)').matches)).toBe(size === phone);
}

/** A project holding these conversations, opened on its ranking page. */
async function rankingOf(lines: unknown[], settings: Parameters<BrowserTestServer['project']>[0] = {}) {
  const slug = server.project(settings);
  expect((await server.importLines(slug, lines)).status).toBe(200);
  await page.goto(`${server.clientUrl}/projects/${slug}/rank`);
  await page.locator('li.card').first().waitFor();
  return slug;
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
const bar = () => page.locator('.submit-bar');
const box = async (locator: ReturnType<Page['locator']>) => (await locator.boundingBox())!;
const card = (label: string) => page.locator(`[data-testid=candidate-${label}]`);

describe('ranking page layout', () => {
  it('a long context is folded, with "Show all" to read it whole, and the answers come right after it', async () => {
    await device(laptop);
    await rankingOf([{ ...conversation('long-context', 2), messages: [{ role: 'user', content: words(1500) }] }]);
    const context = page.locator('section[aria-label=Conversation]');
    const folded = (await box(context)).height;
    expect(folded).toBeLessThan(500);
    expect((await box(page.locator('li.card').first())).y).toBeLessThan(laptop.height);
    await context.getByRole('button', { name: 'Show all' }).click();
    await expect.poll(async () => (await box(context)).height).toBeGreaterThan(folded * 3);
    expect(await context.innerText()).toContain('word1499');
    await context.getByRole('button', { name: 'Show less' }).click();
    await expect.poll(async () => (await box(context)).height).toBe(folded);
  });

  it('a long answer is folded the same way, with "Show all" to read it whole', async () => {
    await device(laptop);
    const line = conversation('long-answer', 2);
    await rankingOf([{ ...line, completions: [{ content: words(1500), model: 'model-0' }, ...line.completions.slice(1)] }]);
    const long = page.locator('li.card', { hasText: 'word1499' });
    const body = long.locator('.card-body');
    const folded = (await box(body)).height;
    expect(folded).toBeLessThan(420);
    await long.getByRole('button', { name: 'Show all' }).click();
    await expect.poll(async () => (await box(body)).height).toBeGreaterThan(folded * 3);
    // The other answer is short: nothing to fold.
    expect(await page.locator('li.card', { hasNotText: 'word1499' }).getByRole('button', { name: 'Show all' }).count()).toBe(0);
  });

  it('a missing required rating is named in plain words, and the message follows the ratings given', async () => {
    await device(laptop);
    const slug = await rankingOf([conversation('required-1', 4)], {
      ratings: [{ key: 'overall', label: 'Overall', min: 1, max: 5, required: true }],
    });
    const id = await heldComparisonId(trainer, slug);
    const error = page.getByRole('alert');
    await card('A').getByLabel('Overall: 3').check();
    await bar()
      .getByRole('button', { name: /Submit ranking/ })
      .click();
    await expect.poll(() => error.textContent()).toBe('Rate “Overall” for answers B, C and D (marked above).');
    // The message is in view, above the bar.
    expect((await box(error)).y + (await box(error)).height).toBeLessThanOrEqual((await box(bar())).y);

    await card('C').getByLabel('Overall: 4').check();
    await expect.poll(() => error.textContent()).toBe('Rate “Overall” for answers B and D (marked above).');
    await card('B').getByLabel('Overall: 2').check();
    await expect.poll(() => error.textContent()).toBe('Rate “Overall” for answer D (marked above).');
    await card('D').getByLabel('Overall: 5').check();
    await error.waitFor({ state: 'detached' });

    // Rated in full but never moved: the untouched order asks first, its confirm button focused, so Enter sends it.
    const shown = await cardOrder(page);
    await bar()
      .getByRole('button', { name: /Submit ranking/ })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Submit the order as shown?' }).getByRole('button', { name: 'Yes, submit this order' });
    await expect.poll(() => confirm.evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'All done' }).waitFor();
    const [stored] = (await storedComparison(researcher, id)).rankings;
    expect(stored!.ranking).toEqual(shown.map((c) => [c]));
    expect(stored!.ratings).toEqual(Object.fromEntries(shown.map((c, i) => [c, { overall: [3, 2, 4, 5][i] }])));
  });

  it('every answer tied asks first: going back stores nothing, confirming stores it', async () => {
    await device(laptop);
    const slug = await rankingOf([conversation('all-tied-1', 3)], { allowTies: true });
    const id = await heldComparisonId(trainer, slug);
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().includes(`/comparisons/${id}/ranking`)) sent.push(request.url());
    });
    const shown = await cardOrder(page);
    await card('B').getByLabel('Same as above').check();
    await card('C').getByLabel('Same as above').check();
    await expect.poll(() => page.locator('[data-testid=rank]').allTextContents()).toEqual(['1', '=1', '=1']);

    await bar()
      .getByRole('button', { name: /Submit ranking/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Submit every answer as tied?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('button', { name: 'Yes, they are all equal' }).evaluate((b) => b === document.activeElement)).toBe(true);
    await dialog.getByRole('button', { name: 'Go back' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(sent).toEqual([]);
    expect((await storedComparison(researcher, id)).rankings).toEqual([]);

    await bar()
      .getByRole('button', { name: /Submit ranking/ })
      .click();
    await dialog.getByRole('button', { name: 'Yes, they are all equal' }).click();
    await page.getByRole('heading', { name: 'All done' }).waitFor();
    expect(sent).toHaveLength(1);
    expect((await storedComparison(researcher, id)).rankings[0]!.ranking).toEqual([shown]);
  });

  for (const size of [laptop, phone]) {
    it(`at ${size.width}×${size.height} the submit bar is one line and never covers an answer's rating row`, async () => {
      await device(size);
      const answers = Array.from({ length: 4 }, (_, i) => `Answer ${i}: ${words(120)}`);
      const long = (id: string) => ({ id, messages: [{ role: 'user', content: 'Which is best?' }], completions: answers.map((content) => ({ content })) });
      const slug = await rankingOf([long(`bar-${size.width}-1`), long(`bar-${size.width}-2`)]);
      expect(await page.title()).toBe(`Ranking · ${slug} · Ordinal`);

      // One line: every control of the bar on one row, the bar little taller than a button.
      const buttons = await bar()
        .getByRole('button')
        .evaluateAll((els) => els.map((el) => el.getBoundingClientRect()));
      expect(Math.max(...buttons.map((b) => b.top)) - Math.min(...buttons.map((b) => b.top))).toBeLessThan(2);
      expect((await box(bar())).height).toBeLessThan(buttons[0]!.height * 1.8);
      expect((await box(bar())).height).toBeLessThan(size.height * 0.1);

      for (const label of ['A', 'B', 'C', 'D']) {
        const ratings = card(label).locator('fieldset.likert');
        await ratings.scrollIntoViewIfNeeded();
        const [row, barBox] = await Promise.all([box(ratings), box(bar())]);
        expect(row.y + row.height, `answer ${label}'s rating row is above the bar`).toBeLessThanOrEqual(barBox.y);
        expect(row.y).toBeGreaterThanOrEqual(0);
      }
      // At the very end of the page the last answer's rating row is still clear of the bar.
      await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight }));
      const [last, barBox] = await Promise.all([box(card('D').locator('fieldset.likert')), box(bar())]);
      expect(last.y + last.height).toBeLessThanOrEqual(barBox.y);

      // The note opens above the bar, in one box.
      await bar().getByRole('button', { name: 'Add a note' }).click();
      const note = page.getByLabel('Note (optional)');
      await note.fill('Both miss the point.');
      expect((await box(note)).y + (await box(note)).height).toBeLessThanOrEqual((await box(bar())).y);
      await page.getByRole('button', { name: 'Done' }).click();
      await note.waitFor({ state: 'hidden' });
      await bar().getByRole('button', { name: 'Edit the note' }).waitFor();

      // A phone is told to press and hold, and never about Ctrl+Enter; a laptop the other way round.
      const onPhone = size === phone;
      expect(await page.getByText('Press and hold').isVisible()).toBe(onPhone);
      expect(await bar().locator('kbd').first().isVisible()).toBe(!onPhone);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);

      // "Ranking saved." shows above the bar, covering none of it, when the next comparison comes.
      await bar()
        .getByRole('button', { name: /Submit ranking/ })
        .click();
      await page.getByRole('dialog', { name: 'Submit the order as shown?' }).getByRole('button', { name: 'Yes, submit this order' }).click();
      const saved = page.getByRole('status').filter({ hasText: 'Ranking saved.' });
      await saved.waitFor();
      expect((await box(saved)).y + (await box(saved)).height).toBeLessThanOrEqual((await box(bar())).y);
    });
  }
});
