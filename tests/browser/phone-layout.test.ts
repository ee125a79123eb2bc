import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { heldComparisonId, logIn, sharedBrowser, startBrowserServer, type BrowserTestServer, withPage } from './support.ts';

/**
 * On a 375 px phone no page scrolls sideways, whatever the text: long URLs, words without a
 * break, long lines of code, wide tables and display math in messages; long metadata, model names
 * and notes; tables wider than the phone scroll within themselves.
 */

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;
let trainer: TestUser;
const phone = { width: 375, height: 667 };

const url = `https://example.com/${'a-long-path-segment/'.repeat(8)}?q=${'x'.repeat(80)}`;
const word = 'Donaudampfschifffahrtsgesellschaftskapitän'.repeat(3);
const columns = Array.from({ length: 12 }, (_, i) => `column${i}`);
const unbroken = [
  `See ${url}`,
  word,
  '```python\nprint("' + 'x'.repeat(200) + '")\n```',
  `| ${columns.join(' | ')} |\n|${' --- |'.repeat(columns.length)}\n| ${columns.map((c) => `${c}-value`).join(' | ')} |`,
  `Inline \`${'y'.repeat(120)}\` code`,
  `$$${'x+'.repeat(80)}x$$`,
  `> ${word}`,
  `- ${url}`,
].join('\n\n');
const line = (id: string) => ({
  id: `${id}-${'z'.repeat(120)}`,
  messages: [
    { role: 'system', content: unbroken },
    { role: 'user', content: unbroken },
  ],
  completions: [
    { content: unbroken, model: `model-${'m'.repeat(100)}`, params: { temperature: 0.7, stop: ['x'.repeat(100)] } },
    { content: word, model: 'small' },
  ],
  metadata: { [`key-${'k'.repeat(60)}`]: url, nested: { deep: word } },
});

let slug: string;
let comparisonId: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  [researcher, trainer] = await Promise.all([server.user('researcher'), server.user('trainer')]);
  slug = server.project({
    overlap: 1,
    ratings: [{ key: 'overall', label: 'Overall helpfulness and honesty', min: 1, max: 7 }],
    flags: [{ key: 'unsafe', label: 'Unsafe or harmful content' }],
  });
  expect((await server.importLines(slug, [line('ranked'), line('open')])).status).toBe(200);
  // The first comparison ranked, with a note, so the researcher's page has its table of rankings (and its review queue a note).
  comparisonId = await heldComparisonId(trainer, slug);
  const { comparison } = (await (await trainer.api('GET', `/projects/${slug}/next?kind=comparison`)).json()) as {
    comparison: { candidates: { id: string }[] };
  };
  const put = await trainer.api('PUT', `/comparisons/${comparisonId}/ranking`, {
    ranking: comparison.candidates.map((c) => [c.id]),
    note: `Compare with ${url} ${word}`,
  });
  expect(put.status).toBe(200);
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** Once an answer's code is highlighted and its math drawn (both load when needed), the page is as wide as it gets. */
async function rendered(page: Page) {
  await page.locator('li.card code.hljs').first().waitFor();
  await page.locator('li.card .katex-display').first().waitFor();
}

describe('on a 375×667 phone, with long unbroken text', () => {
  it("the researcher's comparison page, ranked once, never scrolls sideways; its wide table of rankings scrolls within itself", async () => {
    await withPage(
      browser,
      async (page) => {
        await logIn(page, server, researcher, `/comparisons/${comparisonId}`);
        const rankings = page.getByRole('region', { name: /^Rankings/ });
        await rankings.getByRole('cell', { name: trainer.username }).waitFor();
        await rendered(page);
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);
        expect(await rankings.locator('.scroll').evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      },
      { viewport: phone },
    );
  });

  it("the researcher's overview, comparisons and quality tabs never scroll sideways", async () => {
    await withPage(
      browser,
      async (page) => {
        await logIn(page, server, researcher, `/projects/${slug}`);
        await page.getByTestId('comparisons').filter({ hasText: '2' }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);

        await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Comparisons' }).click();
        await page.getByRole('table', { name: 'Comparisons' }).getByRole('link', { name: comparisonId, exact: true }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);

        await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Quality' }).click();
        await page.getByRole('table', { name: 'Trainers' }).waitFor();
        await page.getByText(`Compare with ${url}`).first().waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);
      },
      { viewport: phone },
    );
  });

  it("the trainer's ranking page, side by side view and history never scroll sideways", async () => {
    await withPage(
      browser,
      async (page) => {
        await logIn(page, server, trainer, `/projects/${slug}/rank`);
        await page.locator('li.card').first().waitFor();
        await rendered(page);
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);

        for (const compare of await page.getByLabel('Compare', { exact: true }).all()) await compare.check();
        await page.getByLabel('Side by side').locator('.katex-display').first().waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);

        await page.goto(`${server.clientUrl}/projects/${slug}/history`);
        await page.getByRole('table', { name: 'My rankings' }).getByRole('link', { name: 'Revise' }).waitFor();
        expect(await pageWidth(page)).toBeLessThanOrEqual(phone.width);
      },
      { viewport: phone },
    );
  });
});
