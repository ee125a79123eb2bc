import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { conversation, type TestUser } from '../support/app.ts';
import { logIn, sharedBrowser, startBrowserServer, type BrowserTestServer, withPage } from './support.ts';

/** Each tab is named after its page and project, and every count reads the same way: 1,200, never 1200. */

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;
let trainer: TestUser;
const slug = 'big-project';

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  [researcher, trainer] = await Promise.all([server.user('researcher'), server.user('trainer')]);
  server.project({ slug, name: 'Big project', overlap: 2 });
  const lines = Array.from({ length: 1200 }, (_, i) => conversation(`big-${i}`, 2));
  expect((await server.importLines(slug, lines)).status).toBe(200);
});

const titled = (page: Page, title: string) => expect.poll(() => page.title()).toBe(title);

describe('tab titles and numbers', () => {
  it("a researcher's tabs are named after the page and the project, and the overview counts with thousands separators", async () => {
    await withPage(browser, async (page) => {
      await page.goto(`${server.clientUrl}/projects/${slug}`);
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      await titled(page, 'Log in · Ordinal');

      await logIn(page, server, researcher, `/projects/${slug}`);
      await page.getByTestId('comparisons').filter({ hasText: '1,200' }).waitFor();
      await page.getByText('2,400 rankings').waitFor();
      await titled(page, 'Overview · Big project · Ordinal');

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Comparisons' }).click();
      await titled(page, 'Comparisons · Big project · Ordinal');
      const first = page.getByRole('table', { name: 'Comparisons' }).getByRole('link').first();
      const id = await first.textContent();
      await first.click();
      await page.getByRole('heading', { name: `Comparison ${id}` }).waitFor();
      await titled(page, `Comparison ${id} · ${slug} · Ordinal`);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
      await page.getByRole('heading', { name: 'Account' }).waitFor();
      await titled(page, 'Account · Ordinal');

      await page.goto(`${server.clientUrl}/no-such-page`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      await titled(page, 'Not found · Ordinal');
    });
  });

  it("a trainer's ranking, demonstration and figures tabs are named after the page and the project", async () => {
    await withPage(browser, async (page) => {
      await logIn(page, server, trainer, `/projects/${slug}/rank`);
      await page.locator('li.card').first().waitFor();
      await titled(page, 'Ranking · Big project · Ordinal');

      await page.goto(`${server.clientUrl}/projects/${slug}/demonstrate`);
      await page.getByRole('heading', { name: 'Write a demonstration' }).waitFor();
      await titled(page, 'Demonstration · Big project · Ordinal');

      await page.goto(`${server.clientUrl}/projects/${slug}/me`);
      await page.getByRole('heading', { name: 'My figures' }).waitFor();
      await titled(page, 'My figures · Big project · Ordinal');
    });
  });
});
