import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { logIn, newPage, sharedBrowser, startBrowserServer } from './support.ts';

/**
 * The Users page (admins manage accounts) and the Account page (everyone: password and API tokens),
 * driven through the built client the way a person uses them. The app mounts them at /users and /account.
 */

const server = await startBrowserServer();
const browser = await sharedBrowser();

/** Fills the login form and submits it, without assuming it works. */
async function submitLogin(page: Page, username: string, password: string) {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

const usersTable = (page: Page) => page.getByRole('table', { name: 'Users', exact: true });
const userRow = (page: Page, username: string) => usersTable(page).getByRole('row', { name: new RegExp(`^${username}\\b`) });

async function createUserThroughForm(page: Page, username: string, role: string, password: string) {
  const form = page.getByRole('region', { name: 'Create a user' });
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Role').selectOption(role);
  await form.getByLabel('Initial password').fill(password);
  await form.getByRole('button', { name: 'Create user' }).click();
  await userRow(page, username).waitFor();
}

describe('the Users page', () => {
  it('lets an admin create a trainer who can log in, then deactivate them so their login fails', async () => {
    const admin = await server.user('admin');
    const adminTab = await newPage(browser);
    const trainerTab = await newPage(browser);
    try {
      const { page } = adminTab;
      await logIn(page, server, admin, '/users');
      await userRow(page, admin.username).waitFor();

      const form = page.getByRole('region', { name: 'Create a user' });
      await form.getByLabel('Username').fill('-bad name');
      await form.getByLabel('Initial password').fill('short');
      await form.getByRole('button', { name: 'Create user' }).click();
      await form.getByText('Password must be at least 10 characters').waitFor();
      await form.getByText(/^Username must be 2–64 characters/).waitFor();
      expect(await usersTable(page).getByRole('row').count()).toBe(2);

      await createUserThroughForm(page, 'new-trainer', 'trainer', 'trainer-password-1');
      const row = userRow(page, 'new-trainer');
      expect(await row.getByLabel('Role of new-trainer').inputValue()).toBe('trainer');
      expect(await row.textContent()).toContain('Active');
      expect(await page.getByRole('status').first().textContent()).toContain('Created trainer new-trainer');

      await trainerTab.page.goto(server.clientUrl);
      await submitLogin(trainerTab.page, 'new-trainer', 'trainer-password-1');
      await trainerTab.page.getByRole('heading', { name: 'Projects' }).waitFor();

      await row.getByRole('button', { name: 'Deactivate' }).click();
      const dialog = page.getByRole('dialog', { name: 'Deactivate new-trainer?' });
      expect(await dialog.textContent()).toContain('Their past answers stay');
      await dialog.getByRole('button', { name: 'Deactivate' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByText('Deactivated').waitFor();
      await row.getByRole('button', { name: 'Reactivate' }).waitFor();

      // Deactivating ended their session: a reload shows the login form, and logging in is refused.
      await trainerTab.page.reload();
      await submitLogin(trainerTab.page, 'new-trainer', 'trainer-password-1');
      expect(await trainerTab.page.getByRole('alert').textContent()).toMatch(/deactivated/i);
    } finally {
      await adminTab.context.close();
      await trainerTab.context.close();
    }
  });

  it('resets a password: the new one is shown once with a copy button and works for logging in', async () => {
    const admin = await server.user('admin');
    const trainer = await server.user('trainer');
    const { context, page } = await newPage(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      await logIn(page, server, admin, '/users');
      await userRow(page, trainer.username).getByRole('button', { name: 'Reset password' }).click();
      const dialog = page.getByRole('dialog', { name: `Reset the password of ${trainer.username}` });
      const suggested = await dialog.getByLabel('New password').inputValue();
      expect(suggested.length).toBeGreaterThanOrEqual(10);
      await dialog.getByRole('button', { name: 'Reset password' }).click();

      const shown = dialog.getByLabel(`New password for ${trainer.username}`);
      expect(await shown.inputValue()).toBe(suggested);
      expect(await dialog.textContent()).toContain('It will not be shown again');
      await dialog.getByRole('button', { name: 'Copy' }).click();
      await dialog.getByText('Copied to the clipboard.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(suggested);
      await dialog.getByRole('button', { name: 'Done' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(suggested);

      const login = await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: trainer.username, password: suggested }),
      });
      expect(login.status).toBe(200);
    } finally {
      await context.close();
    }
  });

  it('changes a role only when the admin saves it', async () => {
    const admin = await server.user('admin');
    const trainer = await server.user('trainer');
    const { context, page } = await newPage(browser);
    try {
      await logIn(page, server, admin, '/users');
      const row = userRow(page, trainer.username);
      await row.getByLabel(`Role of ${trainer.username}`).selectOption('researcher');
      expect(((await (await trainer.api('GET', '/session')).json()) as { user: { role: string } }).user.role).toBe('trainer');
      await row.getByRole('button', { name: 'Save role' }).click();
      await row.getByRole('button', { name: 'Save role' }).waitFor({ state: 'detached' });
      expect(((await (await trainer.api('GET', '/session')).json()) as { user: { role: string } }).user.role).toBe('researcher');
    } finally {
      await context.close();
    }
  });

  it('tells a trainer they are not allowed, without showing any user', async () => {
    const trainer = await server.user('trainer');
    const { context, page } = await newPage(browser);
    try {
      await logIn(page, server, trainer, '/users');
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('not allowed');
      expect(await page.getByRole('table').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('the Account page', () => {
  it('creates an API token shown once, which works as a Bearer token until it is revoked', async () => {
    const trainer = await server.user('trainer');
    const { context, page } = await newPage(browser);
    try {
      await logIn(page, server, trainer, '/account');
      expect(await page.locator('.token-usage').first().textContent()).toContain(`curl -H "Authorization: Bearer <token>" ${server.clientUrl}/api/v1/projects`);

      await page.getByLabel('Token name').fill('ci script');
      await page.getByRole('button', { name: 'Create token' }).click();
      const dialog = page.getByRole('dialog', { name: 'Your new API token' });
      const token = await dialog.getByLabel('Token “ci script”').inputValue();
      expect(await dialog.textContent()).toContain('It will not be shown again');

      const bearer = () => fetch(`${server.url}/api/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
      expect((await bearer()).status).toBe(200);

      await dialog.getByRole('button', { name: 'Done' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(token);

      const row = page.getByRole('table', { name: 'Your API tokens' }).getByRole('row', { name: /^ci script/ });
      const prefix = (await row.locator('code').textContent())!.replace('…', '');
      expect(token.startsWith(prefix)).toBe(true);
      expect(token.length).toBeGreaterThan(prefix.length);

      await row.getByRole('button', { name: 'Revoke' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke the token “ci script”?' });
      await confirm.getByRole('button', { name: 'Revoke token' }).click();
      await row.getByText('Revoked').waitFor();
      expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
      expect((await bearer()).status).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('changes one’s own password after checking it in plain words', async () => {
    const trainer = await server.user('trainer');
    const { context, page } = await newPage(browser);
    try {
      await logIn(page, server, trainer, '/account');
      const form = page.getByRole('region', { name: 'Change your password' });
      await form.getByLabel('Current password').fill(trainer.password);
      await form.getByLabel('New password', { exact: true }).fill('short');
      await form.getByLabel('Repeat the new password').fill('shorter');
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByText('New password must be at least 10 characters').waitFor();
      await form.getByText('The two new passwords are not the same.').waitFor();

      await form.getByLabel('New password', { exact: true }).fill('a-much-better-password');
      await form.getByLabel('Repeat the new password').fill('a-much-better-password');
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByText('Password changed; your other sessions were logged out and your API tokens were revoked.').waitFor();

      const attempt = (password: string) =>
        fetch(`${server.url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: trainer.username, password }),
        });
      expect((await attempt(trainer.password)).status).toBe(401);
      expect((await attempt('a-much-better-password')).status).toBe(200);
    } finally {
      await context.close();
    }
  });
});
