import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { runCli } from '../support/child-server.ts';
import { logIn, sharedBrowser, startBrowserServer, storedComparison, type BrowserTestServer, withPage } from './support.ts';

/**
 * The researcher's console (issue 7), used the way a researcher who has never opened a terminal
 * would: create a project, upload a file, look at what trainers did, download datasets, change
 * settings. Each download is checked against the CLI command and the curl line the page shows.
 */

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  researcher = await server.user('researcher');
});

const inBrowser = (body: (page: Page) => Promise<void>) => withPage(browser, body, { acceptDownloads: true });

/** A conversation with a system prompt and three answers from named models. */
const line = (id: string, completions = 3) => ({
  id,
  messages: [
    { role: 'system', content: 'Answer in one sentence.' },
    { role: 'user', content: `What is the capital of ${id}?` },
  ],
  completions: ['gpt-small', 'gpt-large', 'llama-7b'].slice(0, completions).map((model, i) => ({ content: `${model} says ${id} answer ${i}`, model })),
});
const jsonl = (lines: unknown[]) => Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

type Summary = {
  slug: string;
  overlap: number;
  allowTies: boolean;
  guidelines: string;
  flags: { key: string; label: string }[];
  archived: boolean;
  progress: { comparisons: number; rankings: number };
};
async function projectFromApi(user: TestUser, slug: string): Promise<Summary> {
  const response = await user.api('GET', `/projects/${slug}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as Summary | { project: Summary };
  return 'project' in body ? body.project : body;
}

const conversationsIn = (slug: string) =>
  (server.db.sqlite.prepare('SELECT count(*) AS n FROM conversations c JOIN projects p ON p.id = c.project_id WHERE p.slug = ?').get(slug) as { n: number }).n;

/** A trainer takes their next comparison and ranks it; returns its id. */
async function rankNext(trainer: TestUser, slug: string, order: (ids: string[]) => string[][]) {
  const next = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(next.status).toBe(200);
  const { comparison } = (await next.json()) as { comparison: { id: string; candidates: { id: string }[] } };
  const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: order(comparison.candidates.map((c) => c.id)), durationMs: 4200 });
  expect(put.status, await put.clone().text()).toBe(200);
  return comparison.id;
}

describe('a new researcher sets up a project in the browser', () => {
  it('creates a project with a previewed guideline, sees the bad line of a file named with nothing imported, then imports the fixed file', async () => {
    const slug = 'first-batch';
    await inBrowser(async (page) => {
      await logIn(page, server, researcher);
      await page.getByRole('link', { name: 'New project' }).click();
      await page.getByLabel(/^Slug/).fill(slug);
      await page.getByLabel('Name', { exact: true }).fill('First batch');
      await page.getByLabel(/^Guidelines/).fill('# How to rank\n\nPrefer **true** answers.');
      await page.getByRole('button', { name: 'Preview' }).click();
      const preview = page.locator('.preview');
      expect(await preview.getByRole('heading', { level: 1 }).textContent()).toBe('How to rank');
      expect(await preview.locator('strong').textContent()).toBe('true');
      await page.getByRole('button', { name: 'Edit' }).click();
      expect(await page.getByLabel(/^Guidelines/).inputValue()).toBe('# How to rank\n\nPrefer **true** answers.');
      await page.getByLabel('Trainers per comparison (overlap)').fill('1');
      await page.getByLabel('Allow ties').check();
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.waitForURL(`${server.clientUrl}/projects/${slug}/import`);
      await page.getByRole('heading', { name: 'Import conversations' }).waitFor();

      const created = await projectFromApi(researcher, slug);
      expect(created).toMatchObject({ overlap: 1, allowTies: true, guidelines: '# How to rank\n\nPrefer **true** answers.' });

      // Line 3 has a single answer: the page names it and why, and nothing is stored.
      const file = page.locator('input[type=file]');
      await file.setInputFiles({
        name: 'batch.jsonl',
        mimeType: 'application/x-ndjson',
        buffer: jsonl([line('france'), line('peru'), line('chad', 1), line('laos')]),
      });
      const bad = page.locator('table.bad-lines tbody tr');
      await bad.first().waitFor();
      expect(await bad.count()).toBe(1);
      expect(await bad.locator('td').nth(0).textContent()).toBe('3');
      expect(await bad.locator('td').nth(1).textContent()).toMatch(/has 1 completion/);
      expect(await page.getByRole('alert').first().textContent()).toContain('1 bad line: nothing was imported');
      expect(await page.getByRole('button', { name: /^Import \d/ }).count()).toBe(0);
      expect(conversationsIn(slug)).toBe(0);
      expect((await projectFromApi(researcher, slug)).progress.comparisons).toBe(0);

      // The fixed file: the dry run shows counts, and still stores nothing until Import is clicked.
      await file.setInputFiles({
        name: 'batch-fixed.jsonl',
        mimeType: 'application/x-ndjson',
        buffer: jsonl([line('france'), line('peru'), line('chad', 2), line('laos')]),
      });
      await page.getByText('The file is valid: 4 new conversations: 4 comparisons and 0 prompts.').waitFor();
      expect(await page.locator('table.bad-lines').count()).toBe(0);
      expect(conversationsIn(slug)).toBe(0);
      await page.getByRole('button', { name: 'Import 4 conversations' }).click();
      await page.getByText('Imported 4 new conversations: 4 comparisons and 0 prompts.').waitFor();
      expect(conversationsIn(slug)).toBe(4);

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Overview' }).click();
      await page.waitForURL(`${server.clientUrl}/projects/${slug}`);
      await expect.poll(() => page.getByTestId('comparisons').textContent()).toBe('4');
      expect(await page.getByTestId('rankings').textContent()).toBe('0');
    });
  });
});

describe('a project that trainers have ranked', () => {
  let slug: string;
  let alice: TestUser;
  let bob: TestUser;
  let tiedId: string;

  beforeAll(async () => {
    slug = server.project({ slug: 'ranked', name: 'Ranked', overlap: 2, allowTies: true });
    expect((await server.importLines(slug, [line('spain'), line('japan'), line('kenya')])).status).toBe(200);
    [alice, bob] = await Promise.all([server.user('trainer'), server.user('trainer')]);
    // Alice: first best, the other two tied; then a strict order. Bob: one strict order.
    tiedId = await rankNext(alice, slug, (ids) => [[ids[0]!], [ids[1]!, ids[2]!]]);
    await rankNext(alice, slug, (ids) => ids.map((id) => [id]).reverse());
    await rankNext(bob, slug, (ids) => ids.map((id) => [id]));
  });

  it('shows the researcher, from the Comparisons tab, who ranked a comparison, their order with ties, and each answer’s model', async () => {
    const stored = await storedComparison(researcher, tiedId);
    const letter = new Map(stored.candidates.map((c, i) => [c.id, 'ABC'[i]!]));
    const aliceRanking = stored.rankings.find((r) => r.annotator === alice.username)!;
    const expectedOrder = aliceRanking.ranking.map((group) => group.map((id) => letter.get(id)).join(' = ')).join(' > ');
    expect(expectedOrder).toMatch(/^[ABC] > [ABC] = [ABC]$/);

    await inBrowser(async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}`);
      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Comparisons' }).click();
      const list = page.getByRole('table');
      await list.getByRole('link', { name: tiedId, exact: true }).click();
      await page.waitForURL(`${server.clientUrl}/comparisons/${tiedId}`);
      await page.getByRole('heading', { name: `Comparison ${tiedId}` }).waitFor();

      expect(await page.getByRole('region', { name: 'Context' }).textContent()).toContain('What is the capital of');
      const provenance = async () => (await page.locator('.candidates .provenance').allTextContents()).map((p) => p.trim()).sort();
      await expect.poll(provenance).toEqual(['model gpt-large', 'model gpt-small', 'model llama-7b']);

      const row = page.getByRole('row', { name: new RegExp(`^${alice.username}\\b`) });
      expect(await row.locator('td.order').textContent()).toBe(expectedOrder);
      expect(await row.textContent()).toContain('4.2 s');
      await page.getByRole('heading', { name: /^Rankings \(\d\)$/ }).waitFor();
    });
  });

  it('downloads every format with as many rows as the page announces, byte for byte what its CLI command and curl line give', async () => {
    const expectedKeys: Record<string, string[]> = {
      rankings: ['comparison_id', 'ranking', 'annotator'],
      trl: ['prompt', 'chosen', 'rejected', 'group_id'],
      'openai-dpo': ['input', 'preferred_output', 'non_preferred_output'],
      hh: ['chosen', 'rejected', 'group_id'],
      sft: ['messages'],
    };
    await inBrowser(async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}/export`);
      for (const format of ['rankings', 'trl', 'openai-dpo', 'hh', 'sft']) {
        await page.locator(`input[name=format][value="${format}"]`).check();
        const cliBox = page.getByTestId('export-cli');
        await expect.poll(() => cliBox.textContent()).toContain(`--format ${format} `);

        const counted = (await (await researcher.api('GET', `/projects/${slug}/export/count?format=${format}`)).json()) as { rows: number };
        await expect
          .poll(() => page.getByTestId('export-rows').textContent(), { message: format })
          .toBe(`${counted.rows} record${counted.rows === 1 ? '' : 's'}`);

        // An empty export offers no download: the page says why (sft here: no demonstrations yet).
        const download = counted.rows
          ? (await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSONL' }).click()]))[0]
          : null;
        if (!download) {
          await page
            .getByTestId('export-empty')
            .getByText(/No demonstrations yet/)
            .waitFor();
          expect(await page.getByRole('link', { name: 'Download JSONL' }).count()).toBe(0);
        }
        const bytes = download ? fs.readFileSync((await download.path())!) : Buffer.alloc(0);
        const rows = bytes
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((r) => JSON.parse(r) as Record<string, unknown>);
        expect(rows.length, format).toBe(counted.rows);
        for (const row of rows) for (const key of expectedKeys[format]!) expect(row, `${format} row`).toHaveProperty(key);

        if (format === 'rankings') {
          expect(rows.map((r) => r.annotator).sort()).toEqual([alice.username, alice.username, bob.username].sort());
          expect(rows.some((r) => (r.ranking as string[][]).some((group) => group.length === 2))).toBe(true);
        } else if (format === 'hh') {
          for (const row of rows) for (const side of [row.chosen, row.rejected]) expect(side as string).toMatch(/^(\n\nHuman:|Answer in one sentence\.)/);
        } else if (format === 'sft') {
          expect(bytes.length).toBe(0);
        } else {
          expect(rows.length).toBe(2 + 3 + 3); // the tie gives two pairs, each strict order of three gives three
        }

        // The CLI command as shown, its --db included, run for real (standard output instead of --out).
        const cli = (await cliBox.textContent())!.split(' ');
        expect(cli.slice(0, 5)).toEqual(['npx', 'ordinal', 'export', '--db', server.db.file]);
        const out = cli.indexOf('--out');
        if (download) expect(cli[out + 1]).toBe(download.suggestedFilename());
        const args = cli.slice(2).filter((_, i) => i + 2 !== out && i + 2 !== out + 1);
        const result = await runCli(args);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdoutBytes.equals(bytes), `${format}: the CLI gives the downloaded bytes`).toBe(true);

        // The curl line, with a researcher's token.
        const curl = (await page.getByTestId('export-curl').textContent())!;
        expect(curl).toContain('Authorization: Bearer $ORDINAL_TOKEN');
        const url = /'([^']+)'$/.exec(curl)![1]!;
        expect(url.startsWith(`${server.clientUrl}/api/v1/projects/${slug}/export?`)).toBe(true);
        const fetched = await fetch(url, { headers: { authorization: `Bearer ${researcher.token}` } });
        expect(fetched.status).toBe(200);
        expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes), `${format}: curl gives the downloaded bytes`).toBe(true);
      }
    });
  });
});

describe('settings and archiving', () => {
  it('saves a new overlap and flag label that survive a reload, and archiving hides the project from trainers', async () => {
    const slug = server.project({ slug: 'to-archive', name: 'To archive', overlap: 1 });
    expect((await server.importLines(slug, [line('italy')])).status).toBe(200);
    const trainer = await server.user('trainer');
    const listed = async () => (await (await trainer.api('GET', '/projects')).json()) as Summary[] | { projects: Summary[] };
    const trainerSees = async () => {
      const body = await listed();
      return (Array.isArray(body) ? body : body.projects).some((p) => p.slug === slug);
    };
    expect(await trainerSees()).toBe(true);
    const before = await projectFromApi(researcher, slug);

    await inBrowser(async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}/settings`);
      const form = page.getByRole('form', { name: 'Project settings' });
      await form.getByLabel('Trainers per comparison (overlap)').fill('2');
      const flags = form.getByRole('group', { name: 'Flags a trainer may tick per answer' });
      await flags.getByLabel('Label').first().fill('Ignores what was asked');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await form.getByRole('status').getByText('Saved.').waitFor();

      await page.reload();
      const reloaded = page.getByRole('form', { name: 'Project settings' });
      expect(await reloaded.getByLabel('Trainers per comparison (overlap)').inputValue()).toBe('2');
      expect(await reloaded.getByRole('group', { name: 'Flags a trainer may tick per answer' }).getByLabel('Label').first().inputValue()).toBe(
        'Ignores what was asked',
      );

      const after = await projectFromApi(researcher, slug);
      expect(after.overlap).toBe(2);
      expect(after.flags[0]).toEqual({ key: before.flags[0]!.key, label: 'Ignores what was asked' });
      expect(after.flags.slice(1)).toEqual(before.flags.slice(1));

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Overview' }).click();
      await page.getByText('Complete (ranked by 2)').waitFor();
      await page.getByRole('button', { name: 'Archive…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Archive this project?' });
      expect(await dialog.textContent()).toContain('Trainers will no longer see it');
      await dialog.getByRole('button', { name: 'Archive', exact: true }).click();
      await page.getByRole('heading', { name: 'To archive (archived)' }).waitFor();
      await page.getByRole('button', { name: 'Unarchive' }).waitFor();
    });

    expect((await projectFromApi(researcher, slug)).archived).toBe(true);
    expect(await trainerSees()).toBe(false);
  });
});

describe('what a trainer cannot open', () => {
  it('shows a trainer only a refusal on every console page, with no form and no data, and the API refuses them with 403', async () => {
    const slug = server.project({ slug: 'secret-lab', name: 'Secret lab project' });
    expect((await server.importLines(slug, [line('norway')])).status).toBe(200);
    const list = (await (await researcher.api('GET', `/projects/${slug}/comparisons`)).json()) as { comparisons: { id: string }[] };
    const comparisonId = list.comparisons[0]!.id;
    const trainer = await server.user('trainer');

    await inBrowser(async (page) => {
      await logIn(page, server, trainer);
      for (const path of [
        '/projects/new',
        `/projects/${slug}`,
        `/projects/${slug}/import`,
        `/projects/${slug}/export`,
        `/projects/${slug}/comparisons`,
        `/projects/${slug}/settings`,
        `/comparisons/${comparisonId}`,
        '/users',
      ]) {
        await page.goto(`${server.clientUrl}${path}`);
        // App.tsx renders "Not allowed" for a page of another role ("Not found" in the wording).
        await page.getByRole('heading', { name: /^Not (found|allowed)$/ }).waitFor();
        const main = page.locator('main');
        expect(await main.locator('form, input, textarea, select, table, [data-testid]').count(), path).toBe(0);
        const text = (await main.textContent())!;
        for (const secret of ['Secret lab project', 'norway', 'gpt-small', 'Download', 'ordinal export']) expect(text, path).not.toContain(secret);
      }
    });

    const raw = (method: string, path: string, body?: string, type = 'application/json') =>
      fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${trainer.token}`, 'content-type': type }, body });
    const refused: [string, Promise<Response>][] = [
      ['POST /projects', raw('POST', '/projects', JSON.stringify({ slug: 'trainer-made', name: 'Trainer made' }))],
      ['POST import', raw('POST', `/projects/${slug}/import`, JSON.stringify(line('sweden')), 'application/x-ndjson')],
      ['GET export', raw('GET', `/projects/${slug}/export?format=rankings`)],
      ['GET export count', raw('GET', `/projects/${slug}/export/count?format=rankings`)],
      ['GET comparisons', raw('GET', `/projects/${slug}/comparisons`)],
      ['PATCH project', raw('PATCH', `/projects/${slug}`, JSON.stringify({ archived: true }))],
      ['GET /users', raw('GET', '/users')],
    ];
    for (const [what, response] of refused) {
      const r = await response;
      expect(r.status, what).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code, what).toBeTruthy();
    }
    expect((await researcher.api('GET', '/projects/trainer-made')).status).toBe(404);
    expect(conversationsIn(slug)).toBe(1);
    expect((await projectFromApi(researcher, slug)).archived).toBe(false);
  });
});

describe('the new project form without a mouse', () => {
  it('can be filled in and submitted with Tab, typing, Space and Enter', async () => {
    await inBrowser(async (page) => {
      await logIn(page, server, researcher, '/projects/new');
      // The form loads apart from the top bar: Tab only once its first field is on the page.
      await page.getByLabel(/^Slug/).waitFor();
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el ? `${el.tagName.toLowerCase()}:${((el.closest('label') ?? el).textContent ?? '').trim()}` : '';
        });
      const tabUntil = async (pattern: RegExp) => {
        for (let i = 0; i < 80; i++) {
          if (pattern.test(await focused())) return;
          await page.keyboard.press('Tab');
        }
        throw new Error(`Tab never reached ${pattern}; focus is on ${await focused()}`);
      };

      await tabUntil(/^input:Slug/);
      await page.keyboard.type('by-keyboard');
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('input:Name');
      await page.keyboard.type('By keyboard');
      await tabUntil(/^textarea:/);
      await page.keyboard.type('Be kind.');
      await tabUntil(/^input:Trainers per comparison/);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('3');
      await tabUntil(/^input:Allow ties$/);
      await page.keyboard.press('Space');
      expect(await page.getByLabel('Allow ties').isChecked()).toBe(true);
      await tabUntil(/^button:Create project$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${server.clientUrl}/projects/by-keyboard/import`);
    });
    expect(await projectFromApi(researcher, 'by-keyboard')).toMatchObject({ overlap: 3, allowTies: true, guidelines: 'Be kind.' });
  });
});
