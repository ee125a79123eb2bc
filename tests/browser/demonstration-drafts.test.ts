import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { startFakeModel, type FakeModel } from '../support/fake-model.ts';
import { logIn, sharedBrowser, startBrowserServer, withPage, type BrowserTestServer } from './support.ts';

let server: BrowserTestServer;
let browser: Browser;
let fake: FakeModel;
let researcher: TestUser;

beforeAll(async () => {
  [server, browser, fake] = await Promise.all([startBrowserServer(), sharedBrowser(), startFakeModel()]);
  researcher = await server.user('researcher');
});

const question = 'How do I keep basil alive on a windowsill?';

/** A project holding one prompt for demonstrations (a conversation without completions). */
async function projectWithPrompt() {
  const slug = server.project();
  expect((await server.importLines(slug, [{ id: 'basil', messages: [{ role: 'user', content: question }] }])).status).toBe(200);
  return slug;
}

/** The demonstration page, after the trainer started from the project prompt. */
async function startFromPrompt(page: Page, trainer: TestUser, slug: string) {
  await logIn(page, server, trainer, `/projects/${slug}/demonstrate`);
  await page.getByRole('button', { name: 'Start from a project prompt' }).click();
  await expect.poll(() => page.getByLabel('Turn 1 (user)', { exact: true }).inputValue()).toBe(question);
}

/** Everything on the page that reads as a problem. */
const problems = (page: Page) => page.locator('[role=alert], .error, .field-error');

describe('the demonstration editor keeps the trainer’s work', () => {
  it('shows no problem on a fresh prompt, keeps the message being written over a reload, and says what is missing only on Submit', async () => {
    const slug = await projectWithPrompt();
    const trainer = await server.user('trainer');
    const reply = 'Give it six hours of sun, water when the top of the soil is dry, and pinch off the flowers.';
    await withPage(browser, async (page) => {
      await startFromPrompt(page, trainer, slug);
      expect(await problems(page).count()).toBe(0);

      const composer = page.getByLabel('Next: the assistant');
      await composer.fill('Give it six hours');
      // The draft is written to localStorage after each change renders.
      await expect.poll(() => page.evaluate(() => Object.values({ ...localStorage }).some((v) => v.includes('Give it six hours')))).toBe(true);
      await page.reload();
      await expect.poll(() => page.getByLabel('Next: the assistant').inputValue()).toBe('Give it six hours');
      expect(await page.getByLabel('Turn 1 (user)', { exact: true }).inputValue()).toBe(question);
      expect(await problems(page).count()).toBe(0);

      // Without the assistant's reply, Submit says what to do, in words, and sends nothing.
      await composer.fill('');
      await page.getByRole('button', { name: 'Submit demonstration' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('End with an assistant turn: write the assistant’s reply, then submit.');
      // The problem goes once it is mended; the reply written in the composer is the last turn sent.
      await composer.fill(reply);
      await expect.poll(() => problems(page).count()).toBe(0);
      await page.getByRole('button', { name: 'Submit demonstration' }).click();
      await page.getByRole('status').filter({ hasText: 'Demonstration saved' }).waitFor();
      expect(await page.getByLabel('Next: the user').inputValue()).toBe('');
    });
    const sft = await researcher.api('GET', `/projects/${slug}/export?format=sft`);
    expect(await sft.text()).toBe(
      `${JSON.stringify({
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: reply },
        ],
      })}\n`,
    );
  });

  it('discarding the whole dialogue asks first: Cancel keeps everything, confirming empties it', async () => {
    const slug = await projectWithPrompt();
    const trainer = await server.user('trainer');
    await withPage(browser, async (page) => {
      await startFromPrompt(page, trainer, slug);
      await page.getByLabel('Next: the assistant').fill('Half a reply');

      await page.getByRole('button', { name: 'Discard the whole dialogue' }).click();
      const dialog = page.getByRole('dialog', { name: 'Discard the whole dialogue?' });
      await dialog.waitFor();
      // As every confirmation: the focus on the button that does it, Cancel beside it.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Discard it');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await page.getByLabel('Turn 1 (user)', { exact: true }).inputValue()).toBe(question);
      expect(await page.getByLabel('Next: the assistant').inputValue()).toBe('Half a reply');

      await page.getByRole('button', { name: 'Discard the whole dialogue' }).click();
      await dialog.getByRole('button', { name: 'Discard it' }).click();
      await page.getByRole('button', { name: 'Start from a project prompt' }).waitFor();
      expect(await page.getByLabel('Turn 1 (user)', { exact: true }).count()).toBe(0);
      expect(await page.getByLabel('Next: the user').inputValue()).toBe('');
    });
  });
});

/** A trainer on a chat just started in a project with the fake model. */
async function inNewChat(body: (page: Page, trainer: TestUser, slug: string) => Promise<void>) {
  const slug = server.project();
  expect((await researcher.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl: fake.url, model: 'fake-model' } })).status).toBe(200);
  const trainer = await server.user('trainer');
  await withPage(browser, async (page) => {
    await logIn(page, server, trainer, `/projects/${slug}/chat`);
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.waitForURL(/\/chat\/\d+$/);
    await body(page, trainer, slug);
  });
}

describe('chatting with the model', () => {
  it('Enter sends the message and Shift+Enter starts a new line in it', async () => {
    await inNewChat(async (page) => {
      const message = page.getByLabel('Your message');
      await page.getByText('Enter sends; Shift+Enter starts a new line.').waitFor();
      await message.focus();
      await page.keyboard.type('Two lines:');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('the second one.');
      expect(await message.inputValue()).toBe('Two lines:\nthe second one.');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('li.message.assistant').count()).toBe(1);
      expect(await page.locator('li.message.user').textContent()).toContain('the second one.');
      expect(fake.completions().at(-1)!.messages.at(-1)).toEqual({ role: 'user', content: 'Two lines:\nthe second one.' });
      expect(await message.inputValue()).toBe('');
    });
  });

  it('Regenerate puts a new answer in place of the model’s last one, and a half-typed message survives a reload', async () => {
    await inNewChat(async (page, trainer, slug) => {
      const message = page.getByLabel('Your message');
      await message.fill('Name a comet.');
      await message.press('Enter');
      const answers = page.locator('li.message.assistant');
      const regenerate = page.getByRole('button', { name: 'Regenerate' });
      await regenerate.waitFor();
      const asked = fake.completions().length;
      const firstRequest = fake.completions().at(-1)!;

      await regenerate.click();
      await expect.poll(() => fake.completions().length).toBe(asked + 1);
      await regenerate.waitFor();
      // The model was asked the same context again, and its new answer is the one shown, alone.
      expect(fake.completions().at(-1)!.messages).toEqual(firstRequest.messages);
      expect(await answers.count()).toBe(1);
      await expect.poll(() => answers.textContent()).toContain((await lastChatAnswer(trainer, slug, page.url()))!);

      await message.fill('Half a thought');
      await page.reload();
      await page.getByRole('button', { name: 'Regenerate' }).waitFor();
      expect(await page.getByLabel('Your message').inputValue()).toBe('Half a thought');
    });
  });
});

/** The model's last answer in the chat open at `url`, as the server keeps it. */
async function lastChatAnswer(trainer: TestUser, slug: string, url: string) {
  const chatId = /\/chat\/(\d+)$/.exec(url)![1]!;
  const { chat } = (await (await trainer.api('GET', `/projects/${slug}/chats/${chatId}`)).json()) as {
    chat: { messages: { role: string; content: string }[] };
  };
  return chat.messages.filter((m) => m.role === 'assistant').at(-1)?.content;
}
