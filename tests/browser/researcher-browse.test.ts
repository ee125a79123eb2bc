import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { logIn, sharedBrowser, startBrowserServer, storedComparison, type BrowserTestServer, withPage } from './support.ts';

/**
 * Issue 17's "done when", as a researcher who has never read the docs: they import their own JSONL,
 * find their item nine-1 by its id and by its metadata, see who ranked it, their agreement and a
 * trainer's note with both names of the answer it speaks of, filter the disputed comparisons, mark
 * one gold and send one back for another ranking, and download a rankings export that carries
 * nine-1 and its metadata.
 */

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;
let alice: TestUser;
let bob: TestUser;
const slug = 'python-quiz';

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  researcher = await server.user('researcher');
  alice = await server.user('trainer', 'alice');
  bob = await server.user('trainer', 'bob');
  // Ties allowed: where two trainers split, their consensus ties, and it is marked gold as it is.
  server.project({ slug, name: 'Python quiz', overlap: 2, allowTies: true });
});

const answers = ['Yes, since Python 3.7.', 'No, sets have no order.', 'Only dictionaries keep insertion order.', 'It depends on the platform.'];
const line = (id: string, question: string, metadata: Record<string, unknown>) => ({
  id,
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: question },
  ],
  completions: answers.map((content, i) => ({ content: `${content} (${id})`, model: `model-${i}` })),
  metadata,
});
const lines = [
  line('nine-1', 'Do Python sets keep insertion order?', { source: 'exam', topic: 'sets' }),
  line('nine-2', 'Do Python dicts keep insertion order?', { source: 'exam', topic: 'dicts' }),
  line('nine-3', 'Are Python lists ordered?', { source: 'homework', topic: 'lists' }),
];
const metadataOf = Object.fromEntries(lines.map((l) => [l.id, l.metadata]));

/** The trainer's next comparison, ranked by `order` of its candidate ids in id order; returns what they were shown. */
async function rankNext(trainer: TestUser, order: (ids: string[]) => string[], note = '') {
  const next = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(next.status).toBe(200);
  const { comparison } = (await next.json()) as { comparison: { id: string; candidates: { id: string }[] } };
  const shown = comparison.candidates.map((c) => c.id);
  const ids = [...shown].sort((a, b) => Number(a) - Number(b));
  const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: order(ids).map((id) => [id]), note });
  expect(put.status).toBe(200);
  return { id: comparison.id, shown, ids };
}

const comparisonsTable = (page: Page) => page.getByRole('table', { name: 'Comparisons' });
const sourceIdsShown = (page: Page) => comparisonsTable(page).locator('tbody td.source-id').allTextContents();

describe('a researcher with their own data', () => {
  it('imports it, finds nine-1 by id and by metadata with who ranked it, filters the disputed ones, marks gold, asks for more, and exports it', async () => {
    const trainerLetter = (ids: string[], shown: string[], id: string) => `${'ABCD'[shown.indexOf(id)]} as shown to alice = answer ${'ABCD'[ids.indexOf(id)]}`;
    let nine1: { id: string; shown: string[]; ids: string[] } | undefined;

    await withPage(browser, async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}/import`);
      await page.locator('input[type=file]').setInputFiles({
        name: 'my-quiz.jsonl',
        mimeType: 'application/x-ndjson',
        buffer: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'),
      });
      await page.getByRole('button', { name: /^Import 3 conversations/ }).click();
      await page.getByText(/^Imported 3 new conversations/).waitFor();

      // Two trainers rank: they agree on nine-1, disagree on everything in nine-2, on two pairs of six in nine-3.
      // Alice's note speaks of the answer she saw fourth, her D.
      nine1 = await rankNext(alice, (ids) => ids, 'Answer D claims sets keep order');
      await rankNext(alice, (ids) => ids);
      await rankNext(alice, (ids) => ids);
      await rankNext(bob, (ids) => ids);
      await rankNext(bob, (ids) => [...ids].reverse());
      await rankNext(bob, ([a, b, c, d]) => [b!, a!, d!, c!]);

      // Found by the id the researcher gave it.
      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Comparisons' }).click();
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-1', 'nine-2', 'nine-3']);
      await page.getByRole('searchbox', { name: 'Search' }).fill('nine-1');
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-1']);
      const row = comparisonsTable(page).locator('tbody tr');
      expect(await row.textContent()).toContain('topic: sets');
      expect(await row.getByTestId('agreement').textContent()).toBe('100.0%');

      // Its page: where it came from, who ranked it, their agreement, and alice's note with both names of her D.
      await row.getByRole('link', { name: nine1!.id, exact: true }).click();
      await page.getByRole('heading', { name: `Comparison ${nine1!.id}` }).waitFor();
      expect(await page.getByTestId('source-id').textContent()).toBe('nine-1');
      const facts = page.getByRole('definition');
      expect(await facts.allTextContents()).toEqual(expect.arrayContaining(['exam', 'sets']));
      expect(await page.getByTestId('agreement').textContent()).toBe('100.0%');
      expect(await page.getByTestId('consensus').textContent()).toBe('A > B > C > D');
      for (const trainer of [alice, bob]) await page.getByRole('row', { name: new RegExp(`^${trainer.username}\\b`) }).waitFor();
      const aliceRow = page.getByRole('row', { name: /^alice\b/ });
      expect(await aliceRow.textContent()).toContain('Answer D claims sets keep order');
      expect(await aliceRow.textContent()).toContain(trainerLetter(nine1!.ids, nine1!.shown, nine1!.shown[3]!));

      // Back to the list, as it was; then by its metadata instead.
      await page.goBack();
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-1']);
      await page.getByRole('searchbox', { name: 'Search' }).fill('');
      await page.getByLabel('Metadata key').fill('source');
      await page.getByLabel('Metadata value').fill('exam');
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-1', 'nine-2']);
      await page.getByLabel('Metadata value').fill('homework');
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-3']);
      await page.getByLabel('Metadata value').fill('');
      await page.getByLabel('Metadata key').fill('');

      // The disputed ones, worst first: under 60% only nine-2 (0%); under 70% nine-3 (4 of 6 pairs) too.
      await page.getByLabel('Show').selectOption('disputed');
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-2']);
      expect(await comparisonsTable(page).locator('tbody tr').getByTestId('agreement').textContent()).toBe('0.0%');
      await page.getByLabel('Agreement under (%)').fill('70');
      await expect.poll(() => sourceIdsShown(page)).toEqual(['nine-2', 'nine-3']);
      expect(
        await comparisonsTable(page)
          .getByRole('columnheader', { name: /^Agreement/ })
          .getAttribute('aria-sort'),
      ).toBe('ascending');

      // nine-2 goes back for a third ranking; nine-3 becomes gold with its consensus, confirmed as filled in.
      const nine2Row = comparisonsTable(page).locator('tbody tr', { hasText: 'nine-2' });
      await nine2Row.getByRole('button', { name: '+1 ranking' }).click();
      await expect.poll(() => nine2Row.locator('td').nth(4).textContent()).toBe('2 / 3');
      const nine3Row = comparisonsTable(page).locator('tbody tr', { hasText: 'nine-3' });
      const consensus = await nine3Row.locator('td.order').textContent();
      await nine3Row.getByRole('button', { name: 'Gold…' }).click();
      const dialog = page.getByRole('dialog', { name: /gold item/ });
      expect(await dialog.getByRole('textbox').inputValue()).toBe(consensus);
      await dialog.getByRole('button', { name: 'Mark as gold' }).click();
      await dialog.waitFor({ state: 'detached' });
      await nine3Row.getByText('gold', { exact: true }).waitFor();

      // The review queue names alice's D both ways too.
      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Quality' }).click();
      const note = page.locator('li', { hasText: 'Answer D claims sets keep order' });
      await note.waitFor();
      expect(await note.textContent()).toContain(trainerLetter(nine1!.ids, nine1!.shown, nine1!.shown[3]!));

      // The export carries the researcher's id and metadata, downloaded with the page's own session.
      const exported = await page.evaluate(async (s) => (await fetch(`/api/v1/projects/${s}/export?format=rankings`)).text(), slug);
      const records = exported
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { source_id: string; metadata: unknown; annotator: string });
      expect(records.filter((r) => r.source_id === 'nine-1').map((r) => [r.annotator, r.metadata])).toEqual([
        ['alice', metadataOf['nine-1']],
        ['bob', metadataOf['nine-1']],
      ]);
    });

    // What the clicks did: nine-2 asks for a third ranking and is handed out once more; nine-3 is gold with its consensus.
    const nine2 = (await (await researcher.api('GET', `/projects/${slug}/comparisons?q=nine-2`)).json()) as { comparisons: { id: string }[] };
    const carol = await server.user('trainer', 'carol');
    const next = (await (await carol.api('GET', `/projects/${slug}/next?kind=comparison`)).json()) as { comparison: { id: string } };
    expect(next.comparison.id).toBe(nine2.comparisons[0]!.id);
    const nine3 = (await (await researcher.api('GET', `/projects/${slug}/comparisons?q=nine-3`)).json()) as { comparisons: { id: string }[] };
    const stored = (await (await researcher.api('GET', `/comparisons/${nine3.comparisons[0]!.id}`)).json()) as {
      comparison: { goldRanking: string[][]; consensus: string[][] };
    };
    expect(stored.comparison.goldRanking).toEqual(stored.comparison.consensus);
    expect((await storedComparison(researcher, nine1!.id)).rankings).toHaveLength(2);
  });
});
