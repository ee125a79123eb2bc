import { describe, expect, it } from 'vitest';
import { logIn, newPage, sharedBrowser, startBrowserServer } from './support.ts';

/**
 * An admin on the Users page sees every user's API tokens and revokes them; the Users and Account
 * pages' forms say what is wrong beside the field it is about. One admin, one page, in order.
 */

const server = await startBrowserServer();
const browser = await sharedBrowser();
const admin = await server.user('admin');
const { page } = await newPage(browser);

describe('an admin and other users’ API tokens', () => {
  it('sees another user’s token with when it was last used, revokes it, and the token is refused at once', async () => {
    const trainer = await server.user('trainer');
    expect((await trainer.api('GET', '/projects')).status).toBe(200);
    const listed = (await (await admin.api('GET', `/admin/tokens?user=${trainer.username}`)).json()) as { tokens: { lastUsedAt: string }[] };
    const lastUsedAt = listed.tokens[0]!.lastUsedAt;

    await logIn(page, server, admin, '/users');
    const tokens = page.getByRole('table', { name: 'API tokens of every user' });
    await tokens.waitFor();
    await page.getByLabel('Show the tokens of').selectOption(trainer.username);
    const row = tokens.getByRole('row').filter({ hasText: trainer.username });
    await expect.poll(() => tokens.getByRole('row').count()).toBe(2);
    expect(await row.getByRole('rowheader').textContent()).toBe('test');
    // The fifth column, under its header.
    expect(await tokens.getByRole('columnheader').nth(4).textContent()).toBe('Last used');
    const lastUsed = row.locator('> td, > th').nth(4).locator('time');
    expect(await lastUsed.getAttribute('datetime')).toBe(lastUsedAt);
    expect(await lastUsed.textContent()).toBe('just now');
    expect(await row.textContent()).toContain('Active');

    await row.getByRole('button', { name: `Revoke ${trainer.username}’s token “test”` }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke ${trainer.username}’s token “test”?` });
    expect(await dialog.textContent()).toContain('refused from its next request on');
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Revoked').waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await page.getByText(`Revoked ${trainer.username}’s token “test”: anything using it is refused from now on.`).waitFor();

    const refused = await trainer.api('GET', '/projects');
    expect(refused.status).toBe(401);
  });
});

describe('form errors beside their fields', () => {
  it('on the Users page, a taken username is said under the username', async () => {
    const taken = await server.user('trainer');
    await page.goto(`${server.clientUrl}/users`);
    const form = page.getByRole('region', { name: 'Create a user' });
    await form.getByLabel('Username').fill(taken.username);
    await form.getByLabel('Initial password').fill('a-good-long-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    const username = form.getByLabel('Username');
    await expect.poll(() => username.getAttribute('aria-invalid')).toBe('true');
    const described = page.locator(`[id="${await username.getAttribute('aria-describedby')}"]`);
    expect(await described.textContent()).toBe('Username is already taken: choose another');
  });

  it('on the Account page, a wrong current password and an empty token name are said under those fields, in plain words', async () => {
    await page.goto(`${server.clientUrl}/account`);
    const passwordForm = page.getByRole('region', { name: 'Change your password' });
    await passwordForm.getByLabel('Current password').fill('not-my-password');
    await passwordForm.getByLabel('New password', { exact: true }).fill('a-much-better-password');
    await passwordForm.getByLabel('Repeat the new password').fill('a-much-better-password');
    await passwordForm.getByRole('button', { name: 'Change password' }).click();
    const current = passwordForm.getByLabel('Current password');
    await expect.poll(() => current.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`[id="${await current.getAttribute('aria-describedby')}"]`).textContent()).toBe('Current password is wrong');

    await page.getByRole('button', { name: 'Create token' }).click();
    const name = page.getByLabel('Token name');
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`[id="${await name.getAttribute('aria-describedby')}"]`).textContent()).toBe(
      'Token name is empty: say what will use the token, such as "export script"',
    );
    expect(await page.content()).not.toMatch(/Too small|expected string/);
  });
});
