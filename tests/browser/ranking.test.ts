import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { conversation } from '../support/app.ts';
import type { TestUser } from '../support/app.ts';
import {
  cardOrder,
  dragCard,
  frames,
  heldComparisonId,
  liftFocusedCard,
  logIn,
  moveByKeyboard,
  moveLiftedCard,
  openRanking,
  sharedBrowser,
  startBrowserServer,
  storedComparison,
  type BrowserTestServer,
  withPage,
} from './support.ts';

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  researcher = await server.user('researcher');
});

/** A project holding one comparison per line; returns its slug. */
async function projectWith(lines: unknown[], settings: Parameters<BrowserTestServer['project']>[0] = {}) {
  const slug = server.project(settings);
  expect((await server.importLines(slug, lines)).status).toBe(200);
  return slug;
}

/** A conversation whose candidates have exactly these contents. */
const withCandidates = (id: string, contents: string[], messages = [{ role: 'user', content: `Question ${id}?` }]) => ({
  id,
  messages,
  completions: contents.map((content, i) => ({ content, model: `model-${i}` })),
});

const inBrowser = (body: (page: Page) => Promise<void>, options: Parameters<Browser['newContext']>[0] = {}) => withPage(browser, body, options);

describe('ranking page', () => {
  it('a trainer ranks by dragging with the mouse, and the next comparison comes without a page load', async () => {
    const slug = await projectWith([conversation('drag-1', 4), conversation('drag-2', 3)]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await logIn(page, server, trainer);
      await page.locator(`a[href="/projects/${slug}/rank"]`).getByText('Start ranking').click();
      await page.locator('li.card').first().waitFor();
      const id = await heldComparisonId(trainer, slug);
      const shown = await cardOrder(page);
      expect(shown).toHaveLength(4);
      // The letters are the shown positions.
      expect(await page.locator('li.card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-testid')))).toEqual([
        'candidate-A',
        'candidate-B',
        'candidate-C',
        'candidate-D',
      ]);
      await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));

      await dragCard(page, 'candidate-D', 'candidate-A');
      await expect.poll(() => cardOrder(page)).toEqual([shown[3], shown[0], shown[1], shown[2]]);
      await expect.poll(() => page.locator('[data-testid=candidate-D] [data-testid=rank]').textContent()).toBe('1');

      await page.getByRole('button', { name: /Submit ranking/ }).click();
      // The second comparison's three cards replace the first's four, with no confirmation asked.
      await expect
        .poll(async () => {
          const now = await cardOrder(page);
          return now.length === 3 && !now.some((c) => shown.includes(c));
        })
        .toBe(true);
      expect(await page.getByRole('dialog').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);

      const stored = await storedComparison(researcher, id);
      expect(stored.rankings).toHaveLength(1);
      const [ranking] = stored.rankings;
      expect(ranking!.annotator).toBe(trainer.username);
      expect(ranking!.ranking).toEqual([[shown[3]], [shown[0]], [shown[1]], [shown[2]]]);
      expect(ranking!.shownOrder).toEqual(shown);
      expect(ranking!.durationMs).toBeGreaterThan(0);
    });
  });

  it('a trainer ranks with the keyboard alone and submits with Ctrl+Enter', async () => {
    const slug = await projectWith([conversation('keys-1', 4)]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const id = await heldComparisonId(trainer, slug);
      const [a, b, c, d] = await cardOrder(page);
      // Tab through the page to the third card's handle, then Space, ArrowUp twice, Space.
      let tabs = 0;
      while ((await page.evaluate(() => document.activeElement?.getAttribute('data-position'))) !== '3') {
        expect(++tabs).toBeLessThan(60);
        await page.keyboard.press('Tab');
      }
      await liftFocusedCard(page);
      await moveLiftedCard(page, -2);
      await expect.poll(() => cardOrder(page)).toEqual([c, a, b, d]);
      // The digit keys focus a handle by position: A (now second) goes to the bottom.
      await moveByKeyboard(page, 2, 2);
      await expect.poll(() => cardOrder(page)).toEqual([c, b, d, a]);
      await page.keyboard.press('Control+Enter');
      await page.getByRole('heading', { name: 'All done' }).waitFor();
      const stored = await storedComparison(researcher, id);
      expect(stored.rankings[0]!.ranking).toEqual([[c], [b], [d], [a]]);
    });
  });

  it('a tie ticked with "Same as above" is shown and stored as one group', async () => {
    const slug = await projectWith([conversation('tie-1', 3)], { allowTies: true });
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const id = await heldComparisonId(trainer, slug);
      const [a, b, c] = await cardOrder(page);
      expect(await page.locator('li.card').first().getByLabel('Same as above').count()).toBe(0);
      await page.locator('li.card').nth(1).getByLabel('Same as above').check();
      await expect.poll(() => page.locator('[data-testid=rank]').allTextContents()).toEqual(['1', '=1', '2']);
      await expect.poll(() => page.locator('li.card').nth(1).getAttribute('class')).toContain('tied');
      expect(await page.locator('li.card').nth(1).getByText('tied with above').isVisible()).toBe(true);
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      await page.getByRole('heading', { name: 'All done' }).waitFor();
      const stored = await storedComparison(researcher, id);
      expect(stored.rankings[0]!.ranking).toEqual([[a, b], [c]]);
    });
  });

  it('candidate text never runs as code: HTML shows as text and javascript: links are disarmed', async () => {
    const payloads = [
      'Before <script>window.__pwned=1</script> after',
      'An image: <img src=x onerror="window.__pwned=2">',
      'A [click](javascript:window.__pwned=3) link and an autolink <javascript:window.__pwned=4>',
      'Raw <a href="javascript:window.__pwned=5">anchor</a> and [ref][r] and $$\\href{javascript:window.__pwned=6}{math}$$\n\n[r]: javascript:window.__pwned=7',
    ];
    const slug = await projectWith([withCandidates('xss-1', payloads, [{ role: 'user', content: 'Context <img src=x onerror="window.__pwned=8">' }])]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      // KaTeX loads once some text has math: judge the page once it has rendered the \\href payload.
      await page.locator('li.card .katex').first().waitFor();
      const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
      expect(await pwned()).toBeUndefined();
      const cards = page.locator('li.card');
      expect(await cards.count()).toBe(4);
      expect(await cards.locator('script, img, iframe, object, embed').count()).toBe(0);
      expect(await page.locator('section[aria-label=Conversation] img').count()).toBe(0);
      const hrefs = await page.locator('a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
      expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).toEqual([]);
      // Attributes that could run code exist nowhere inside the cards.
      expect(
        await cards.evaluateAll((els) =>
          els
            .flatMap((el) => [...el.querySelectorAll('*')])
            .flatMap((e) => [...e.attributes].map((a) => a.name))
            .filter((n) => n.startsWith('on')),
        ),
      ).toEqual([]);

      const text = (await cards.allInnerTexts()).join('\n');
      expect(text).toContain('<script>window.__pwned=1</script>');
      expect(text).toContain('<img src=x onerror="window.__pwned=2">');
      expect(text).toContain('<a href="javascript:window.__pwned=5">');
      await expect.poll(() => page.locator('section[aria-label=Conversation]').innerText()).toContain('<img src=x onerror="window.__pwned=8">');

      // Clicking every link in the cards runs nothing (links open in a new tab: close those).
      page.context().on('page', (popup) => void popup.close().catch(() => {}));
      const links = cards.locator('a');
      const n = await links.count();
      expect(n).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) await links.nth(i).click({ force: true });
      await frames(page);
      expect(await pwned()).toBeUndefined();
      expect(page.url()).toContain(`/projects/${slug}/rank`);
    });
  });

  it('a reload keeps a half-done ranking: order and ratings', async () => {
    const slug = await projectWith([conversation('reload-1', 3)]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const [a, b, c] = await cardOrder(page);
      await moveByKeyboard(page, 3, -1); // A C B
      await expect.poll(() => cardOrder(page)).toEqual([a, c, b]);
      await page.locator(`li.card[data-candidate-id="${c}"]`).getByLabel('Overall quality: 6').check();
      await page.getByRole('button', { name: 'Add a note' }).click();
      await page.locator('textarea').fill('half done');
      // The draft is written to localStorage after each change renders.
      await expect.poll(() => page.evaluate(() => Object.values({ ...localStorage }).some((v) => v.includes('half done')))).toBe(true);

      await page.reload();
      await page.locator('li.card').first().waitFor();
      await expect.poll(() => cardOrder(page)).toEqual([a, c, b]);
      expect(await page.locator(`li.card[data-candidate-id="${c}"]`).getByLabel('Overall quality: 6').isChecked()).toBe(true);
      expect(await page.locator(`li.card[data-candidate-id="${a}"] input[type=radio]:checked`).count()).toBe(0);
      expect(await page.locator('textarea').inputValue()).toBe('half done');
    });
  });

  it('submitting the order as shown asks first: going back stores nothing, confirming stores it', async () => {
    const slug = await projectWith([conversation('untouched-1', 3)]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const id = await heldComparisonId(trainer, slug);
      const shown = await cardOrder(page);
      // Every ranking the page sends: none may leave before the trainer confirms.
      const sent: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'PUT' && request.url().endsWith('/ranking')) sent.push(request.url());
      });
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Submit the order as shown?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Go back' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.getByRole('button', { name: /Submit ranking/ }).isEnabled()).toBe(true);
      expect(sent).toEqual([]);
      expect((await storedComparison(researcher, id)).rankings).toEqual([]);
      expect(await cardOrder(page)).toEqual(shown);

      await page.getByRole('button', { name: /Submit ranking/ }).click();
      await dialog.getByRole('button', { name: 'Yes, submit this order' }).click();
      await page.getByRole('heading', { name: 'All done' }).waitFor();
      expect(sent).toHaveLength(1);
      const stored = await storedComparison(researcher, id);
      expect(stored.rankings).toHaveLength(1);
      expect(stored.rankings[0]!.ranking).toEqual(shown.map((c) => [c]));
    });
  });

  it('ratings, flags and the note chosen on the page are stored with the ranking', async () => {
    const slug = await projectWith([conversation('rate-1', 3)], {
      ratings: [{ key: 'helpful', label: 'Helpfulness', min: 1, max: 5 }],
      flags: [
        { key: 'unsafe', label: 'Unsafe' },
        { key: 'made_up', label: 'Makes things up' },
      ],
    });
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const id = await heldComparisonId(trainer, slug);
      const [a, b, c] = await cardOrder(page);
      await moveByKeyboard(page, 3, -2); // C A B
      const card = (cid: string) => page.locator(`li.card[data-candidate-id="${cid}"]`);
      await card(a!).getByLabel('Helpfulness: 4').check();
      await card(b!).getByLabel('Helpfulness: 2').check();
      await card(b!)
        .getByRole('button', { name: /^Flags/ })
        .click();
      await card(b!).getByLabel('Makes things up').check();
      await card(c!)
        .getByRole('button', { name: /^Flags/ })
        .click();
      await card(c!).getByLabel('Unsafe').check();
      await page.getByRole('button', { name: 'Add a note' }).click();
      await page.getByLabel('Note (optional)').fill('B invents a citation.');

      await page.getByRole('button', { name: /Submit ranking/ }).click();
      await page.getByRole('heading', { name: 'All done' }).waitFor();
      const [stored] = (await storedComparison(researcher, id)).rankings;
      expect(stored!.ranking).toEqual([[c], [a], [b]]);
      expect(stored!.ratings).toEqual({ [a!]: { helpful: 4 }, [b!]: { helpful: 2 } });
      expect(stored!.flags).toEqual({ [b!]: ['made_up'], [c!]: ['unsafe'] });
      expect(stored!.note).toBe('B invents a citation.');
    });
  });

  it('? lists the shortcuts, S skips with a reason, and "All done" follows the last comparison', async () => {
    const slug = await projectWith([conversation('skip-1', 2), conversation('skip-2', 2)]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const first = await heldComparisonId(trainer, slug);
      const firstCards = await cardOrder(page);

      await page.keyboard.press('?');
      const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await shortcuts.waitFor();
      expect(await shortcuts.innerText()).toContain('Skip this comparison');
      await page.keyboard.press('Escape');
      await shortcuts.waitFor({ state: 'hidden' });

      await page.keyboard.press('s');
      const skip = page.getByRole('dialog', { name: 'Skip this comparison' });
      await skip.waitFor();
      expect(await skip.getByRole('button', { name: 'Skip', exact: true }).isDisabled()).toBe(true);
      await skip.getByRole('textbox').fill('I do not know this topic');
      await skip.getByRole('button', { name: 'Skip', exact: true }).click();
      await expect
        .poll(async () => {
          const now = await cardOrder(page);
          return now.length === 2 && !now.some((c) => firstCards.includes(c));
        })
        .toBe(true);
      // Nothing to undo after a skip: Undo opens a ranking again, and there is none.
      const skipped = page.getByRole('status').filter({ hasText: 'Skipped.' });
      await skipped.waitFor();
      expect(await skipped.getByRole('link', { name: 'Undo' }).count()).toBe(0);
      const second = await heldComparisonId(trainer, slug);
      expect(second).not.toBe(first);

      await moveByKeyboard(page, 2, -1);
      await page.keyboard.press('Control+Enter');
      await page.getByRole('heading', { name: 'All done' }).waitFor();
      expect(await page.locator('.done').innerText()).toContain('you ranked 1 in this sitting');
      // The skipped comparison is never handed back.
      expect((await trainer.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);
      expect((await storedComparison(researcher, first)).rankings).toEqual([]);
    });
  });

  it('Markdown renders: GFM tables, highlighted code and KaTeX math', async () => {
    const rich = ['| a | b |\n|---|---|\n| 1 | 2 |', '```python\ndef square(x):\n    return x ** 2\n```', 'The square is $$x^2$$.'].join('\n\n');
    const slug = await projectWith([withCandidates('md-1', [rich, 'Plain answer.'])]);
    const trainer = await server.user('trainer');
    await inBrowser(async (page) => {
      await openRanking(page, server, trainer, slug);
      const card = page.locator('li.card').filter({ hasText: 'The square is' });
      // Math and code highlighting load the first time a text needs them: wait until they have rendered.
      await card.locator('.katex').first().waitFor();
      await card.locator('pre code.hljs').waitFor();
      expect(await card.count()).toBe(1);
      expect(await card.locator('table td').allTextContents()).toEqual(['1', '2']);
      expect(await card.locator('pre code.hljs.language-python').count()).toBe(1);
      expect(await card.locator('pre code .hljs-keyword').first().textContent()).toBe('def');
      expect(await card.locator('.katex').count()).toBeGreaterThan(0);
      expect(await card.locator('.katex-mathml annotation').textContent()).toBe('x^2');
    });
  });

  it('on a 375 px phone the page never scrolls sideways and cards still move by keyboard', async () => {
    const longCode = '```js\nconst x = ' + '"' + 'a'.repeat(400) + '";\n```';
    const longWord = 'https://example.com/' + 'b'.repeat(300);
    const slug = await projectWith([withCandidates('narrow-1', [longCode, longWord, '| ' + 'c'.repeat(200) + ' | d |\n|---|---|\n| 1 | 2 |'])]);
    const trainer = await server.user('trainer');
    await inBrowser(
      async (page) => {
        await openRanking(page, server, trainer, slug);
        // Measured once the code block is highlighted, as it loads the first time a text needs it.
        await page.locator('li.card pre code.hljs').waitFor();
        await frames(page);
        // Soft, so that the keyboard check below still runs and reports on its own.
        expect.soft(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        const rights = await page.locator('li.card').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().right));
        expect.soft(Math.max(...rights)).toBeLessThanOrEqual(375);

        const [a, b, c] = await cardOrder(page);
        await moveByKeyboard(page, 3, -2);
        await expect.poll(() => cardOrder(page)).toEqual([c, a, b]);
        expect.soft(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      },
      { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    );
  });
});
