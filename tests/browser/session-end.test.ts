import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { conversation, type TestUser } from '../support/app.ts';
import {
  cardOrder,
  heldComparisonId,
  moveByKeyboard,
  openRanking,
  sharedBrowser,
  startBrowserServer,
  storedComparison,
  withPage,
  type BrowserTestServer,
} from './support.ts';

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  [researcher, admin] = await Promise.all([server.user('researcher'), server.user('admin')]);
});

async function projectWith(lines: unknown[]) {
  const slug = server.project();
  expect((await server.importLines(slug, lines)).status).toBe(200);
  return slug;
}

/** What an admin changes on the Users page, through the API. */
async function changeUser(username: string, changes: { password?: string; active?: boolean }) {
  expect((await admin.api('PATCH', `/users/${username}`, changes)).status).toBe(200);
}

describe('a session that ends under a trainer', () => {
  it('asks to log in again over the page, which keeps the half-done ranking; Submit then stores it', async () => {
    const slug = await projectWith([conversation('ended-1', 3)]);
    const trainer = await server.user('trainer');
    await withPage(browser, async (page) => {
      await openRanking(page, server, trainer, slug);
      const id = await heldComparisonId(trainer, slug);
      const [a, b, c] = await cardOrder(page);
      await moveByKeyboard(page, 3, -1); // A C B
      await page.locator(`li.card[data-candidate-id="${c}"]`).getByLabel('Overall quality: 6').check();

      await changeUser(trainer.username, { password: 'a-new-password-7' });
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
      await dialog.waitFor();
      // Under Submit, where its errors go, in plain words.
      const problem = page.locator('[role=alert]', { hasText: 'session' });
      expect(await problem.textContent()).toBe('Your session has ended. Log in again to carry on: your work on this page is kept.');
      expect(await page.locator('body').textContent()).not.toContain('Bearer');
      // The person logging in again is named; their password has the focus.
      expect(await dialog.locator('input[name=username]').inputValue()).toBe(trainer.username);
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');

      await dialog.locator('input[name=password]').fill(trainer.password);
      await dialog.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Wrong username or password.');
      await dialog.locator('input[name=password]').fill('a-new-password-7');
      await dialog.getByRole('button', { name: 'Log in' }).click();
      await dialog.waitFor({ state: 'detached' });

      // The page never left: the order and the rating are as the trainer left them.
      expect(await cardOrder(page)).toEqual([a, c, b]);
      expect(await page.locator(`li.card[data-candidate-id="${c}"]`).getByLabel('Overall quality: 6').isChecked()).toBe(true);
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      await page.getByRole('heading', { name: 'All done' }).waitFor();
      const stored = await storedComparison(researcher, id);
      expect(stored.rankings).toHaveLength(1);
      expect(stored.rankings[0]!.annotator).toBe(trainer.username);
      expect(stored.rankings[0]!.ranking).toEqual([[a], [c], [b]]);
      expect(stored.rankings[0]!.ratings).toEqual({ [c!]: { overall: 6 } });
    });
  });

  it('a deactivated trainer is refused in plain words; someone else logging in starts on their own home page', async () => {
    const slug = await projectWith([conversation('ended-2', 3)]);
    const [trainer, colleague] = await Promise.all([server.user('trainer'), server.user('trainer')]);
    await withPage(browser, async (page) => {
      await openRanking(page, server, trainer, slug);
      await moveByKeyboard(page, 2, -1);
      await changeUser(trainer.username, { active: false });
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
      await dialog.locator('input[name=password]').fill(trainer.password);
      await dialog.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('This account is deactivated. Ask an admin to turn it back on.');

      await dialog.locator('input[name=username]').fill(colleague.username);
      await dialog.locator('input[name=password]').fill(colleague.password);
      await dialog.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${server.clientUrl}/`);
      await page.getByText(`${colleague.username} · trainer`).waitFor();
      expect(await page.getByText(trainer.username).count()).toBe(0);
      expect(await page.locator('li.card').count()).toBe(0);
    });
  });

  it('scripts keep the API’s own words', async () => {
    const response = await fetch(`${server.url}/api/v1/session`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'auth.required', message: 'Log in first, or send an API token as "Authorization: Bearer <token>".' },
    });
  });
});
