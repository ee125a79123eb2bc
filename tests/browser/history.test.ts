import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHECK_AGAIN_MS } from '../../client/src/features/ranking/api/get-queue-state.ts';
import { conversation, type TestUser } from '../support/app.ts';
import { cardOrder, heldComparisonId, logIn, moveByKeyboard, sharedBrowser, startBrowserServer, type BrowserTestServer, withPage } from './support.ts';

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  researcher = await server.user('researcher');
});

/** A project holding one comparison per line, each ranked by one trainer; returns its slug. */
async function projectWith(lines: unknown[]) {
  const slug = server.project({ overlap: 1 });
  expect((await server.importLines(slug, lines)).status).toBe(200);
  return slug;
}

/** The comparison `next` hands the trainer, as the API gives it. */
async function take(trainer: TestUser, slug: string) {
  const res = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { comparison: { id: string; candidates: { id: string }[] } }).comparison;
}

const inBrowser = (body: (page: Page) => Promise<void>) => withPage(browser, body);

describe('a trainer’s history', () => {
  it('opens a submitted ranking with its order, takes a change and sends it as a revision, which the export shows', async () => {
    const slug = await projectWith([conversation('revise-me', 3)]);
    const trainer = await server.user('trainer');
    const served = await take(trainer, slug);
    const [a, b, c] = served.candidates.map((x) => x.id) as [string, string, string];
    // Submitted in an order other than the one shown (A, B, C), so that the page must load it.
    const submitted = [[c], [b], [a]];
    expect((await trainer.api('PUT', `/comparisons/${served.id}/ranking`, { ranking: submitted })).status).toBe(200);

    await inBrowser(async (page) => {
      await logIn(page, server, trainer);
      await page.locator('li.project', { hasText: slug }).getByRole('link', { name: 'My rankings' }).click();
      const row = page.locator(`tr[data-comparison-id="${served.id}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain('Question revise-me?');
      expect(await row.locator('.order').innerText()).toBe('C > B > A');
      expect(await row.getByTestId('revisions').innerText()).toBe('none');

      await row.getByRole('link', { name: 'Revise' }).click();
      await page.locator('li.card').first().waitFor();
      expect(await cardOrder(page)).toEqual([c, b, a]);
      // A ranked comparison cannot be skipped: the page does not offer it.
      expect(await page.getByRole('button', { name: 'Skip…' }).count()).toBe(0);
      // A, last now, goes to the top.
      await moveByKeyboard(page, 3, -2);
      await expect.poll(() => cardOrder(page)).toEqual([a, c, b]);
      await page.getByRole('button', { name: /Submit ranking/ }).click();

      await page.getByRole('status').filter({ hasText: 'Ranking revised.' }).waitFor();
      await expect.poll(() => row.locator('.order').innerText()).toBe('A > C > B');
      expect(await row.getByTestId('revisions').innerText()).toBe('1');

      // Opened again and submitted unchanged: no new revision, and the page says so.
      await row.getByRole('link', { name: 'Revise' }).click();
      await page.locator('li.card').first().waitFor();
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      await page.getByRole('status').filter({ hasText: 'Nothing changed: your ranking stays as it was.' }).waitFor();
      expect(await row.getByTestId('revisions').innerText()).toBe('1');
    });

    const exported = await researcher.api('GET', `/projects/${slug}/export?format=rankings&history=true`);
    expect(exported.status).toBe(200);
    const [record, ...others] = (await exported.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { annotator: string; ranking: string[][]; history: { revision: number; ranking: string[][] }[] });
    expect(others).toHaveLength(0);
    expect(record).toMatchObject({ annotator: trainer.username, ranking: [[a], [c], [b]], history: [{ revision: 1, ranking: submitted }] });
  });
});

describe('waiting for what others hold', () => {
  it('tells bob the rest is being worked on while alice holds the last comparison, and gives it to him by itself once she lets it go', async () => {
    const slug = await projectWith([conversation('last-one', 2)]);
    const [alice, bob] = [await server.user('trainer'), await server.user('trainer')];
    const held = await take(alice, slug);

    await inBrowser(async (page) => {
      // The page's own clock, so that its next check comes when the test says rather than in half a minute.
      await page.clock.install();
      await logIn(page, server, bob, `/projects/${slug}/rank`);
      await page.getByRole('heading', { name: 'All done for now' }).waitFor();
      expect(await page.locator('.done').innerText()).toContain('The rest is being worked on by others; more may come back in 30 minutes.');

      const skip = await alice.api('POST', `/comparisons/${held.id}/skip`, { reason: 'not my field' });
      expect(skip.status).toBe(204);
      await page.clock.fastForward(CHECK_AGAIN_MS);
      await page.locator('li.card').first().waitFor();
      expect(await heldComparisonId(bob, slug)).toBe(held.id);
    });
  });
});
