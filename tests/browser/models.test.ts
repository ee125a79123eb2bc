import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { fakeAnswer, startFakeModel, type FakeModel } from '../support/fake-model.ts';
import { cardOrder, logIn, moveByKeyboard, sharedBrowser, startBrowserServer, storedComparison, type BrowserTestServer, withPage } from './support.ts';

const MODEL = 'fake-model';

let server: BrowserTestServer;
let browser: Browser;
let fake: FakeModel;
let researcher: TestUser;

beforeAll(async () => {
  [server, browser, fake] = await Promise.all([startBrowserServer(), sharedBrowser(), startFakeModel()]);
  researcher = await server.user('researcher');
});

/** A project whose model is the fake server, set through the API as a researcher would, K = 3. */
async function modelProject() {
  const slug = server.project({ overlap: 1 });
  const response = await researcher.api('PATCH', `/projects/${slug}`, { modelEndpoint: { baseUrl: fake.url, model: MODEL }, sampling: { k: 3 } });
  expect(response.status).toBe(200);
  return slug;
}

const inBrowser = (body: (page: Page) => Promise<void>) => withPage(browser, body);

/** What the fake model answered (choice 0) to the last chat completion request it received. */
const lastAnswer = () => fakeAnswer(fake.completions().at(-1)!, 0).content;

/** Records every text the suggestion box shows, to see the answer arrive in pieces. */
const watchSuggestion = (page: Page) =>
  page.evaluate(() => {
    const seen: string[] = ((window as unknown as { __seen: string[] }).__seen = []);
    new MutationObserver(() => {
      const text = document.querySelector('[aria-label="Suggestion"] .markdown')?.textContent ?? null;
      if (text !== null && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
const seenSuggestions = (page: Page) => page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);

type DemoRow = { role: string; content: string; authorId: number; fromSuggestion: number; suggestionModel: string | null; distance: number | null };
/** The messages of `trainer`'s demonstrations in a project, in order. */
function demonstrationRows(slug: string, trainer: TestUser): DemoRow[][] {
  const demos = server.db.sqlite
    .prepare<[string, number], { conversationId: number }>(
      'SELECT d.conversation_id AS conversationId FROM demonstrations d JOIN projects p ON p.id = d.project_id WHERE p.slug = ? AND d.user_id = ? ORDER BY d.id',
    )
    .all(slug, trainer.id);
  return demos.map(({ conversationId }) =>
    server.db.sqlite
      .prepare<[number], DemoRow>(
        `
        SELECT role, content, author_id AS authorId, from_suggestion AS fromSuggestion, suggestion_model AS suggestionModel, suggestion_edit_distance AS distance
        FROM messages WHERE conversation_id = ? ORDER BY id`,
      )
      .all(conversationId),
  );
}

describe('demonstrations with model suggestions', () => {
  it('a trainer writes a dialogue from an accepted, an edited and hand-written turns; each records where it came from, and sft exports exactly the dialogue', async () => {
    const slug = await modelProject();
    const trainer = await server.user('trainer');
    const question = `How long should I boil an egg for a soft yolk? ${'I like them runny. '.repeat(150)}`.trim();
    const closing = 'Six minutes in boiling water, then cool it under cold water.';
    let accepted = '';
    let suggestedUser = '';
    const edited = () => `${suggestedUser}, thanks`; // 8 characters inserted: Levenshtein distance 8

    await inBrowser(async (page) => {
      await logIn(page, server, trainer);
      await page.locator('li.project', { hasText: slug }).getByRole('link', { name: 'Write a demonstration' }).click();
      await page.getByRole('heading', { name: 'Write a demonstration' }).waitFor();

      // The user's first turn, typed by hand.
      await page.getByLabel('Next: the user').fill(question);
      await page.getByRole('button', { name: 'Add user turn' }).click();
      await expect.poll(() => page.getByLabel('Turn 1 (user)', { exact: true }).inputValue()).toBe(question);

      // A suggestion for the assistant streams in (a long answer comes in many pieces, so the page
      // shows it growing), then is accepted as it is.
      await watchSuggestion(page);
      await page.getByRole('button', { name: 'Suggest the assistant’s message' }).click();
      const box = page.locator('[aria-label="Suggestion"]');
      await box.getByRole('button', { name: 'Accept' }).waitFor();
      accepted = lastAnswer();
      expect(accepted).toContain(question);
      expect((await box.textContent())!).toContain(accepted);
      const seen = await seenSuggestions(page);
      const partial = seen.filter((text) => text !== '…' && text !== accepted);
      expect(partial.length, `texts shown: ${JSON.stringify(seen)}`).toBeGreaterThan(0);
      for (const text of partial) expect(accepted.startsWith(text), `"${text.slice(0, 40)}…" is a beginning of the answer`).toBe(true);
      await box.getByRole('button', { name: 'Accept' }).click();
      await expect.poll(() => page.getByLabel('Turn 2 (assistant)', { exact: true }).inputValue()).toBe(accepted);
      expect(await box.count()).toBe(0);

      // A suggestion for the user's next turn, edited in the composer before adding it.
      await page.getByRole('button', { name: 'Suggest the user’s message' }).click();
      await box.getByRole('button', { name: 'Edit' }).waitFor();
      suggestedUser = lastAnswer();
      expect((await box.textContent())!).toContain(suggestedUser);
      await box.getByRole('button', { name: 'Edit' }).click();
      const composer = page.getByLabel('Next: the user');
      await expect.poll(() => composer.inputValue()).toBe(suggestedUser);
      await composer.focus();
      await page.keyboard.press('Control+End');
      await page.keyboard.type(', thanks');
      expect(await composer.inputValue()).toBe(edited());
      await page.getByRole('button', { name: 'Add user turn' }).click();
      await expect.poll(() => page.getByLabel('Turn 3 (user)', { exact: true }).inputValue()).toBe(edited());

      // The last answer, written by hand; then the whole dialogue is submitted.
      await page.getByLabel('Next: the assistant').fill(closing);
      await page.getByRole('button', { name: 'Add assistant turn' }).click();
      await expect.poll(() => page.getByLabel('Turn 4 (assistant)', { exact: true }).inputValue()).toBe(closing);
      await page.getByRole('button', { name: 'Submit demonstration' }).click();
      await page.getByRole('status').filter({ hasText: 'Demonstration saved' }).waitFor();
      expect(await page.getByLabel('Turn 1 (user)', { exact: true }).count()).toBe(0);
    });

    const demos = demonstrationRows(slug, trainer);
    expect(demos).toHaveLength(1);
    expect(demos[0]).toEqual([
      { role: 'user', content: question, authorId: trainer.id, fromSuggestion: 0, suggestionModel: null, distance: null },
      { role: 'assistant', content: accepted, authorId: trainer.id, fromSuggestion: 1, suggestionModel: MODEL, distance: 0 },
      { role: 'user', content: edited(), authorId: trainer.id, fromSuggestion: 1, suggestionModel: MODEL, distance: 8 },
      { role: 'assistant', content: closing, authorId: trainer.id, fromSuggestion: 0, suggestionModel: null, distance: null },
    ]);

    const sft = await researcher.api('GET', `/projects/${slug}/export?format=sft`);
    expect(sft.status).toBe(200);
    const dialogue = [
      { role: 'user', content: question },
      { role: 'assistant', content: accepted },
      { role: 'user', content: edited() },
      { role: 'assistant', content: closing },
    ];
    expect(await sft.text()).toBe(`${JSON.stringify({ messages: dialogue })}\n`);
  });
});

describe('chatting with the model', () => {
  it('a chat ended with confirmation becomes a K-candidate comparison that only other trainers rank, and its ranking exports as pairs', async () => {
    const slug = await modelProject();
    const chatter = await server.user('trainer');
    const ranker = await server.user('trainer');
    let chatId = '';
    const answers: string[] = [];

    await inBrowser(async (page) => {
      await logIn(page, server, chatter);
      await page.locator('li.project', { hasText: slug }).getByRole('link', { name: 'Chat with the model' }).click();
      await page.getByRole('button', { name: 'Start chat' }).click();
      await page.waitForURL(/\/chat\/\d+$/);
      chatId = /\/chat\/(\d+)$/.exec(page.url())![1]!;

      for (const [i, content] of ['What is a comet?', 'And what is an asteroid?'].entries()) {
        await page.getByLabel('Your message').fill(content);
        await page.getByRole('button', { name: /^Send/ }).click();
        // The answer is in the chat once the model has finished, and the page takes a message again.
        await expect.poll(() => page.locator('li.message.assistant').count()).toBe(i + 1);
        await page.getByRole('button', { name: /^Send/ }).waitFor();
        answers.push(lastAnswer());
        expect(answers[i]).toContain(content);
        await expect.poll(() => page.locator('li.message.assistant').nth(i).textContent()).toContain(answers[i]);
        expect(await page.locator('li.message.user').nth(i).textContent()).toContain(content);
      }

      await page.getByRole('button', { name: 'End chat' }).click();
      const dialog = page.getByRole('dialog', { name: 'End this chat?' });
      await dialog.getByRole('button', { name: 'End chat' }).click();
      await page.getByRole('status').filter({ hasText: 'This chat has ended' }).waitFor();
      expect(await page.getByLabel('Your message').count()).toBe(0);
    });

    const chatResponse = await chatter.api('GET', `/projects/${slug}/chats/${chatId}`);
    expect(chatResponse.status).toBe(200);
    const { chat } = (await chatResponse.json()) as {
      chat: { ended: boolean; comparisonId: string | null; messages: { id: string; role: string; content: string; model: string | null }[] };
    };
    expect(chat.ended).toBe(true);
    expect(chat.messages.filter((m) => m.role === 'assistant').map((m) => m.content)).toEqual(answers);
    const comparisonId = chat.comparisonId!;
    expect(comparisonId).toEqual(expect.any(String));

    const comparison = await storedComparison(researcher, comparisonId);
    expect(comparison.candidates).toHaveLength(3);
    // Every assistant turn of a chat is the model's; the trainer is not told which model.
    expect(chat.messages.every((m) => m.model === null)).toBe(true);
    const modelAnswerIds = chat.messages.filter((m) => m.role === 'assistant').map((m) => m.id);
    expect(comparison.candidates.filter((c) => modelAnswerIds.includes(c.id))).toHaveLength(1);
    expect(comparison.rankings).toEqual([]);

    // The chat's author is never offered it.
    expect((await chatter.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);

    // Another trainer ranks it on the ranking page.
    let ranked: string[] = [];
    await inBrowser(async (page) => {
      await logIn(page, server, ranker);
      await page.locator('li.project', { hasText: slug }).getByRole('link', { name: 'Start ranking' }).click();
      await page.locator('li.card').first().waitFor();
      const shown = await cardOrder(page);
      expect([...shown].sort()).toEqual(comparison.candidates.map((c) => c.id).sort());
      await moveByKeyboard(page, 3, -2);
      ranked = [shown[2]!, shown[0]!, shown[1]!];
      await expect.poll(() => cardOrder(page)).toEqual(ranked);
      await page.getByRole('button', { name: /Submit ranking/ }).click();
      await page.getByRole('heading', { name: 'All done' }).waitFor();
    });

    const stored = await storedComparison(researcher, comparisonId);
    expect(stored.rankings).toHaveLength(1);
    expect(stored.rankings[0]!.ranking).toEqual(ranked.map((id) => [id]));

    const trl = await researcher.api('GET', `/projects/${slug}/export?format=trl`);
    expect(trl.status).toBe(200);
    const rows = (await trl.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { chosen: { content: string }[]; rejected: { content: string }[]; group_id: string });
    const content = new Map(comparison.candidates.map((c) => [c.id, c.content]));
    const pair = (better: string, worse: string) => `${content.get(better)} > ${content.get(worse)}`;
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.group_id).toBe(comparisonId);
    expect(rows.map((r) => `${r.chosen[0]!.content} > ${r.rejected[0]!.content}`).sort()).toEqual(
      [pair(ranked[0]!, ranked[1]!), pair(ranked[0]!, ranked[2]!), pair(ranked[1]!, ranked[2]!)].sort(),
    );
  });
});

describe('a project without a model', () => {
  it('says plainly that chats and suggestions need a model, and still takes a demonstration written by hand', async () => {
    const slug = server.project({ overlap: 1 });
    const trainer = await server.user('trainer');
    const requestsBefore = fake.requests.length;

    await inBrowser(async (page) => {
      await logIn(page, server, trainer);
      const card = page.locator('li.project', { hasText: slug });
      await card.getByRole('link', { name: 'Write a demonstration' }).waitFor();
      expect(await card.getByRole('link', { name: 'Chat with the model' }).count()).toBe(0);

      await page.goto(`${server.clientUrl}/projects/${slug}/chat`);
      await page.getByText('Chatting needs a model, and this project has none').waitFor();
      expect(await page.getByRole('button', { name: 'Start chat' }).count()).toBe(0);

      await page.goto(`${server.clientUrl}/projects/${slug}/demonstrate`);
      await page.getByText('Suggestions need a model, and this project has none').waitFor();
      expect(await page.getByRole('button', { name: 'Suggest the user’s message' }).isDisabled()).toBe(true);
      await page.getByLabel('Next: the user').fill('What is the capital of Peru?');
      await page.getByRole('button', { name: 'Add user turn' }).click();
      expect(await page.getByRole('button', { name: 'Suggest the assistant’s message' }).isDisabled()).toBe(true);
      await page.getByLabel('Next: the assistant').fill('Lima.');
      await page.getByRole('button', { name: 'Add assistant turn' }).click();
      await page.getByRole('button', { name: 'Submit demonstration' }).click();
      await page.getByRole('status').filter({ hasText: 'Demonstration saved' }).waitFor();
    });

    expect(demonstrationRows(slug, trainer)).toEqual([
      [
        { role: 'user', content: 'What is the capital of Peru?', authorId: trainer.id, fromSuggestion: 0, suggestionModel: null, distance: null },
        { role: 'assistant', content: 'Lima.', authorId: trainer.id, fromSuggestion: 0, suggestionModel: null, distance: null },
      ],
    ]);
    expect(fake.requests.length).toBe(requestsBefore);
  });
});

describe('a researcher sets up the model in the console', () => {
  it('the API key is stored but never shown again, and sampling the waiting prompts shows its progress to the end', async () => {
    const slug = server.project({ overlap: 1 });
    const apiKey = 'sk-test-very-secret-4f9a2c';
    await inBrowser(async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}/settings`);
      const form = page.getByRole('form', { name: 'Project settings' });
      await form.getByLabel('Base URL').fill(fake.url);
      await form.getByLabel('Model name').fill(MODEL);
      await form.getByLabel('API key').fill(apiKey);
      await form.getByLabel('Candidates (K)').fill('3');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      // New model settings are checked as they are saved: the fake answers.
      await form.getByRole('region', { name: 'Connection test' }).getByRole('status').getByText('It works, and it takes n').waitFor();

      const keyShownAsStored = async () => {
        await form.getByText('one is stored').waitFor();
        expect.soft(await form.getByLabel('API key').inputValue(), 'the API key input after saving').toBe('');
        expect.soft(await page.content(), 'the page HTML after saving').not.toContain(apiKey);
      };
      await keyShownAsStored();
      await page.reload();
      await keyShownAsStored();

      // The saved settings, tried with one tiny request: the fake answers as vLLM does, taking n.
      const requestsBeforeTest = fake.completions().length;
      await form.getByRole('button', { name: 'Test connection' }).click();
      const tested = form.getByRole('region', { name: 'Connection test' }).getByRole('status');
      await tested.getByText('It works, and it takes n: one request asks for all K candidates.').waitFor();
      expect(await tested.textContent()).toContain('Answered as fake-model');
      expect(
        fake
          .completions()
          .slice(requestsBeforeTest)
          .map((r) => ({ n: r.n, max_tokens: r.max_tokens })),
      ).toEqual([{ n: 2, max_tokens: 1 }]);

      const project = (await (await researcher.api('GET', `/projects/${slug}`)).json()) as { project: { modelEndpoint: unknown; sampling: { k: number } } };
      const view = project.project;
      expect(view.modelEndpoint).toEqual({ baseUrl: fake.url, model: MODEL, apiKeySet: true });
      expect(view.sampling.k).toBe(3);
      expect(JSON.stringify(project)).not.toContain(apiKey);

      expect(
        (
          await server.importLines(slug, [
            { id: 'p1', messages: [{ role: 'user', content: 'Name a red fruit.' }] },
            { id: 'p2', messages: [{ role: 'user', content: 'Name a green vegetable.' }] },
          ])
        ).status,
      ).toBe(200);
      const requestsBefore = fake.completions().length;
      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Overview' }).click();
      const sampling = page.locator('[aria-label="Sampling"]');
      await sampling.getByText('2 prompts wait for candidates').waitFor();
      await sampling.getByRole('button', { name: 'Sample 3 candidates for each waiting prompt' }).click();
      await sampling.getByRole('status').filter({ hasText: 'Sampled 2 of 2' }).waitFor({ timeout: 15_000 });
      await expect.poll(() => page.getByTestId('comparisons').textContent()).toBe('2');
      await sampling.getByText('0 prompts wait for candidates').waitFor();

      // The key went to the model server, as a Bearer token.
      const sent = fake.requests.filter((r) => r.path === '/v1/chat/completions').slice(requestsBefore);
      expect(sent.length).toBeGreaterThan(0);
      for (const r of sent) expect(r.headers.authorization).toBe(`Bearer ${apiKey}`);
    });

    const ids = server.db.sqlite
      .prepare<[string], { id: number }>('SELECT c.id FROM comparisons c JOIN projects p ON p.id = c.project_id WHERE p.slug = ? ORDER BY c.id')
      .all(slug)
      .map((r) => String(r.id));
    expect(ids).toHaveLength(2);
    const contexts: string[] = [];
    for (const id of ids) {
      const comparison = (await (await researcher.api('GET', `/comparisons/${id}`)).json()) as {
        comparison: { context: { content: string }[]; candidates: { content: string; model: string }[] };
      };
      expect(comparison.comparison.candidates).toHaveLength(3);
      for (const c of comparison.comparison.candidates) expect(c.model).toBe(MODEL);
      contexts.push(comparison.comparison.context.at(-1)!.content);
    }
    expect(contexts.sort()).toEqual(['Name a green vegetable.', 'Name a red fruit.']);
  });
});
