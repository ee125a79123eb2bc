import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { conversation, type TestUser } from '../support/app.ts';
import { cardOrder, frames, heldComparisonId, logIn, newPage, sharedBrowser, startBrowserServer, storedComparison, type BrowserTestServer } from './support.ts';

// One server, one trainer logged in on one page; each test opens a project of its own.
let server: BrowserTestServer;
let researcher: TestUser;
let trainer: TestUser;
let page: Page;

beforeAll(async () => {
  const [started, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  server = started;
  [researcher, trainer] = await Promise.all([server.user('researcher'), server.user('trainer')]);
  const opened = await newPage(browser);
  page = opened.page;
  afterAll(() => opened.context.close());
  await logIn(page, server, trainer);
});

/** Opens a new project holding these comparisons on the ranking page; returns the comparison shown and its cards' order. */
async function rank(lines: unknown[], settings: Parameters<BrowserTestServer['project']>[0] = {}) {
  const slug = server.project(settings);
  expect((await server.importLines(slug, lines)).status).toBe(200);
  await page.goto(`${server.clientUrl}/projects/${slug}/rank`);
  await page.locator('li.card').first().waitFor();
  return { id: await heldComparisonId(trainer, slug), shown: await cardOrder(page) };
}

const handle = (position: number) => page.locator(`li.card button.handle[data-position="${position}"]`);
/** The candidate whose handle has focus. */
const focusedCard = () => page.evaluate(() => (document.activeElement?.closest('li.card') as HTMLElement | null)?.dataset.candidateId);
/** The candidate lifted with the keyboard, if any. */
const liftedCard = () => page.locator('li.card.lifted').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.candidateId));
/** Everything said about keyboard moves since the card was lifted. */
const said = () => page.getByRole('log', { name: 'Answer moves' }).locator('p').allTextContents();
const rankTexts = () => page.locator('li.card [data-testid=rank]').allTextContents();

describe('moving answers with the keyboard', () => {
  it('eight ArrowUp presses with no pause move the last of nine answers to the top, each step announced, and the ranking stored says so', async () => {
    const { id, shown } = await rank([conversation('fast-1', 9)]);
    await handle(9).focus();
    await page.keyboard.press('Space');
    await page.locator('li.card.lifted.dragging button.handle[aria-pressed=true]').waitFor();
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowUp');

    const last = shown[8]!;
    await expect.poll(() => cardOrder(page)).toEqual([last, ...shown.slice(0, 8)]);
    expect(await said()).toEqual([
      expect.stringMatching(/^Picked up Answer I, at position 9 of 9\./),
      ...[8, 7, 6, 5, 4, 3, 2, 1].map((p) => `Answer I moved to position ${p} of 9.`),
    ]);
    expect(await focusedCard()).toBe(last);
    expect(await liftedCard()).toEqual([last]);

    await page.keyboard.press('Space');
    await expect.poll(liftedCard).toEqual([]);
    expect((await said()).at(-1)).toBe('Answer I dropped at position 1 of 9.');
    expect(await page.locator(`li.card[data-candidate-id="${last}"] [data-testid=rank]`).textContent()).toBe('1');
    expect(await focusedCard()).toBe(last);

    await page.keyboard.press('Control+Enter');
    await page.getByRole('heading', { name: 'All done' }).waitFor();
    const stored = await storedComparison(researcher, id);
    expect(stored.rankings[0]!.ranking).toEqual([last, ...shown.slice(0, 8)].map((c) => [c]));
  });

  it('Home, End and a digit move the lifted answer; Escape puts it back with its ties; Enter lifts and drops too', async () => {
    const { shown } = await rank([conversation('jump-1', 5)], { allowTies: true });
    const [a, b, c, d, e] = shown;
    // D is tied with C above it: moving C away unties them, cancelling the move ties them again.
    await page.locator('li.card').nth(3).getByLabel('Same as above').check();
    await expect.poll(rankTexts).toEqual(['1', '2', '3', '=3', '4']);

    // A digit with nothing lifted focuses the answer at that position.
    await page.keyboard.press('3');
    await expect.poll(focusedCard).toBe(c);
    await page.keyboard.press('Space');
    await expect.poll(liftedCard).toEqual([c]);
    await page.keyboard.press('Home');
    await expect.poll(() => cardOrder(page)).toEqual([c, a, b, d, e]);
    expect(await rankTexts()).toEqual(['1', '2', '3', '4', '5']);
    await page.keyboard.press('End');
    await expect.poll(() => cardOrder(page)).toEqual([a, b, d, e, c]);
    // With a card lifted, a digit moves it there, and the card keeps focus.
    await page.keyboard.press('2');
    await expect.poll(() => cardOrder(page)).toEqual([a, c, b, d, e]);
    await page.keyboard.press('7');
    await expect.poll(async () => (await said()).at(-1)).toBe('There is no position 7: there are 5 answers.');
    expect(await cardOrder(page)).toEqual([a, c, b, d, e]);
    expect(await focusedCard()).toBe(c);
    expect(await said()).toEqual([
      expect.stringMatching(/^Picked up Answer C, at position 3 of 5\./),
      'Answer C moved to position 1 of 5.',
      'Answer C moved to position 5 of 5.',
      'Answer C moved to position 2 of 5.',
      'There is no position 7: there are 5 answers.',
    ]);

    await page.keyboard.press('Escape');
    await expect.poll(() => cardOrder(page)).toEqual([a, b, c, d, e]);
    expect(await rankTexts()).toEqual(['1', '2', '3', '=3', '4']);
    expect(await liftedCard()).toEqual([]);
    expect((await said()).at(-1)).toBe('Move cancelled. Answer C went back to position 3 of 5.');
    expect(await focusedCard()).toBe(c);

    await page.keyboard.press('Enter');
    await expect.poll(liftedCard).toEqual([c]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(liftedCard).toEqual([]);
    expect(await cardOrder(page)).toEqual([a, b, d, c, e]);
    expect(await said()).toEqual([
      expect.stringMatching(/^Picked up Answer C, at position 3 of 5\./),
      'Answer C moved to position 4 of 5.',
      'Answer C dropped at position 4 of 5.',
    ]);
    // Focus leaving the handle drops the card where it is.
    await page.keyboard.press('Space');
    await expect.poll(liftedCard).toEqual([c]);
    await page.keyboard.press('Tab');
    await expect.poll(liftedCard).toEqual([]);
    expect(await said()).toEqual([expect.stringMatching(/^Picked up Answer C, at position 4 of 5\./), 'Answer C dropped at position 4 of 5.']);
  });

  it('the reorder view shows each answer by its first line, cards move in it, and the full view comes back with order, ratings and ties', async () => {
    const contents = [
      '## Short answer\n\nThe longer explanation follows here.',
      'First line of B.\nSecond line of B.',
      '```python\nprint("C")\n```\nAfter the code.',
    ];
    const firstLines = new Map([
      [contents[0], 'Short answer'],
      [contents[1], 'First line of B.'],
      [contents[2], 'print("C")'],
    ]);
    const { id, shown } = await rank(
      [{ id: 'lines-1', messages: [{ role: 'user', content: 'Lines?' }], completions: contents.map((content) => ({ content, model: 'm' })) }],
      { allowTies: true },
    );
    const contentOf = new Map((await storedComparison(researcher, id)).candidates.map((c) => [c.id, c.content]));
    const [x, y, z] = shown;
    await page.locator('li.card').nth(1).getByLabel('Same as above').check();
    await page.locator(`li.card[data-candidate-id="${x}"]`).getByLabel('Overall quality: 5').check();

    await page.getByLabel('Reorder view: first lines only').check();
    await expect.poll(() => page.locator('li.card .first-line').allTextContents()).toEqual(shown.map((c) => firstLines.get(contentOf.get(c)!)));
    expect(await page.locator('li.card .card-body, li.card .likert').count()).toBe(0);
    expect(await rankTexts()).toEqual(['1', '=1', '2']);

    await page.keyboard.press('3');
    await expect.poll(focusedCard).toBe(z);
    await page.keyboard.press('Space');
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await expect.poll(() => cardOrder(page)).toEqual([z, x, y]);
    await expect.poll(liftedCard).toEqual([]);

    await page.getByLabel('Reorder view: first lines only').uncheck();
    await expect.poll(() => page.locator('li.card .card-body').count()).toBe(3);
    expect(await page.locator('li.card .first-line').count()).toBe(0);
    expect(await cardOrder(page)).toEqual([z, x, y]);
    // Y is still tied with X, the card above it.
    expect(await rankTexts()).toEqual(['1', '2', '=2']);
    expect(await page.locator(`li.card[data-candidate-id="${y}"]`).getByLabel('Same as above').isChecked()).toBe(true);
    expect(await page.locator(`li.card[data-candidate-id="${x}"]`).getByLabel('Overall quality: 5').isChecked()).toBe(true);
    expect(await page.locator('li.card').filter({ hasText: 'The longer explanation follows here.' }).count()).toBe(1);
  });

  it('a required rating not given is marked on its card after a refused submit, and the mark goes once it is given', async () => {
    const { shown } = await rank([conversation('required-1', 3)], { ratings: [{ key: 'overall', label: 'Overall', min: 1, max: 5, required: true }] });
    const card = (c: string) => page.locator(`li.card[data-candidate-id="${c}"]`);
    expect(await page.getByText('Rate “Overall” for this answer').count()).toBe(0);
    await card(shown[0]!).getByLabel('Overall: 4').check();
    await page.getByRole('button', { name: /Submit ranking/ }).click();
    await expect.poll(() => page.getByText('Rate “Overall” for this answer').count()).toBe(2);
    expect(await card(shown[0]!).getByText('Rate “Overall” for this answer').count()).toBe(0);
    expect(await card(shown[1]!).getByText('Rate “Overall” for this answer').isVisible()).toBe(true);

    await card(shown[1]!).getByLabel('Overall: 2').check();
    await expect.poll(() => card(shown[1]!).getByText('Rate “Overall” for this answer').count()).toBe(0);
    expect(await card(shown[2]!).getByText('Rate “Overall” for this answer').count()).toBe(1);
  });
});

describe('dragging answers with the mouse', () => {
  it('ranks change as the dragged card passes others, the card passes under the submit bar, and Escape puts it back', async () => {
    const { shown } = await rank([conversation('drag-under-1', 4)]);
    const [a, , , d] = shown;
    const center = async (selector: string) => {
      const box = (await page.locator(selector).boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const start = await center(`li.card[data-candidate-id="${d}"] button.handle`);
    const over = await center(`li.card[data-candidate-id="${a}"] button.handle`);
    const bar = await center('.submit-bar');

    // A few small moves past dnd-kit's activation distance, then on in steps, as a hand does.
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let i = 1; i <= 4; i++) await page.mouse.move(start.x, start.y - 2 * i);
    await page.locator(`li.card.dragging[data-candidate-id="${d}"] button.handle[aria-pressed=true]`).waitFor();
    await frames(page);
    for (let i = 1; i <= 10; i++) {
      await page.mouse.move(start.x, start.y - 8 + ((over.y - start.y + 8) * i) / 10);
      await frames(page);
    }
    // Still held: the cards keep their places in the list, the ranks already say where D would land.
    const rankOf = (c: string) => page.locator(`li.card[data-candidate-id="${c}"] [data-testid=rank]`).textContent();
    await expect.poll(() => rankOf(d!)).toBe('1');
    expect(await rankOf(a!)).toBe('2');
    expect(await cardOrder(page)).toEqual(shown);

    for (let i = 1; i <= 10; i++) {
      await page.mouse.move(start.x, over.y + ((bar.y - over.y) * i) / 10);
      await frames(page);
    }
    // The dragged card is where the bar is, and the bar is drawn over it.
    await expect
      .poll(() =>
        page
          .locator(`li.card[data-candidate-id="${d}"]`)
          .evaluate((card, y) => card.getBoundingClientRect().top < y && card.getBoundingClientRect().bottom > y, bar.y),
      )
      .toBe(true);
    expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.submit-bar') !== null, { x: start.x, y: bar.y })).toBe(true);

    await page.keyboard.press('Escape');
    await page.mouse.up();
    await expect.poll(() => page.locator('li.card.dragging').count()).toBe(0);
    expect(await cardOrder(page)).toEqual(shown);
    expect(await rankTexts()).toEqual(['1', '2', '3', '4']);
  });
});

describe('a keyboard trainer between comparisons', () => {
  it('keys pressed while a ranking saves change nothing of it; the next comparison comes with focus on its first answer', async () => {
    const { id, shown } = await rank([conversation('saving-1', 3), conversation('saving-2', 3)]);
    const [a, b, c] = shown as [string, string, string];
    await handle(3).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await expect.poll(() => cardOrder(page)).toEqual([c, a, b]);

    // The next comparison is held back until the keys below have been pressed on the page that is saving.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/projects/*/next*', async (route) => {
      await released;
      await route.continue();
    });
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/comparisons/${id}/ranking`));
    await page.keyboard.press('Control+Enter');
    expect((await saved).status()).toBe(200);
    await page.getByRole('button', { name: 'Saving…' }).waitFor();
    for (const key of ['1', 'Space', 'End', 'Space']) await page.keyboard.press(key);
    expect(await cardOrder(page)).toEqual([c, a, b]);
    release();
    await expect.poll(async () => (await cardOrder(page)).some((card) => shown.includes(card))).toBe(false);
    await page.unroute('**/api/v1/projects/*/next*');

    expect((await storedComparison(researcher, id)).rankings[0]!.ranking).toEqual([[c], [a], [b]]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-position'))).toBe('1');
    // Undo opens the ranking as it was sent, not as the keys above would have left it.
    await page.getByRole('status').getByRole('link', { name: 'Undo' }).click();
    await page
      .getByRole('heading', { name: /Revise|Rank the answers/ })
      .first()
      .waitFor();
    await expect.poll(() => cardOrder(page)).toEqual([c, a, b]);
  });

  it('going back from the confirmation puts focus back on the answer that had it', async () => {
    await rank([conversation('confirm-focus', 3)]);
    await page.keyboard.press('2');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-position'))).toBe('2');
    await page.keyboard.press('Control+Enter');
    const dialog = page.getByRole('dialog', { name: 'Submit the order as shown?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-position'))).toBe('2');
  });
});
