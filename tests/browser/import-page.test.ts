import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { repoRoot, tempDir } from '../support/child-server.ts';
import { logIn, newPage, sharedBrowser, startBrowserServer, type BrowserTestServer } from './support.ts';

/**
 * The import page teaching a researcher who has never read the docs (issue 17): an example line and
 * a template to start from, a JSON array named as such, plain words for each bad line with every
 * problem of it, and the same file chosen again once fixed checked again.
 */

let server: BrowserTestServer;
let researcher: TestUser;
/** One page for the file, logged in once; each test opens the import page of a project of its own. */
let page: Page;

beforeAll(async () => {
  const [started, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  server = started;
  researcher = await server.user('researcher');
  ({ page } = await newPage(browser, { acceptDownloads: true }));
  await logIn(page, server, researcher);
});

async function openImportPage(slug: string) {
  await page.goto(`${server.clientUrl}/projects/${slug}/import`);
  await page.getByRole('heading', { name: 'Import conversations' }).waitFor();
}

const question = (id: string) => ({ role: 'user', content: `Is ${id} a good name for a cat?` });
const line = (id: string) => ({ id, messages: [question(id)], completions: [{ content: `Yes, ${id} is fine.` }, { content: `No, ${id} is a dog's name.` }] });
const jsonl = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

const conversationsIn = (slug: string) =>
  (server.db.sqlite.prepare('SELECT count(*) AS n FROM conversations c JOIN projects p ON p.id = c.project_id WHERE p.slug = ?').get(slug) as { n: number }).n;

/** A file on disk, chosen as a person chooses it: by its path, which the browser remembers. */
function fileOnDisk(dir: string, name: string, text: string) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * Holds the page's requests to URLs `matches` takes until the returned function is called, so that
 * what the page shows while it waits can be read; from then on they pass.
 */
async function holdRequests(matches: (url: URL) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(matches, async (route: Route) => {
    await released;
    await route.continue();
  });
  return release;
}

describe('the import page', () => {
  it('teaches the format: its example line is valid and the template it offers downloads whole', async () => {
    const slug = server.project();
    await openImportPage(slug);

    const example = (await page.getByTestId('example-line').textContent())!;
    const checked = await fetch(`${server.url}/api/v1/projects/${slug}/import?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${researcher.token}`, 'content-type': 'application/x-ndjson' },
      body: example,
    });
    expect(checked.status, await checked.clone().text()).toBe(200);
    expect(await checked.json()).toMatchObject({ conversations: 1, comparisons: 1, errors: [] });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'template' }).click()]);
    expect(download.suggestedFilename()).toBe('ordinal-import-template.jsonl');
    const downloaded = fs.readFileSync((await download.path())!, 'utf8');
    expect(downloaded).toBe(fs.readFileSync(path.join(repoRoot, 'client/src/features/import/import-template.jsonl'), 'utf8'));
    expect(downloaded.startsWith(`${example}\n`)).toBe(true);
  });

  it('names a JSON array once, lists the plain problems of a bad line, and checks the fixed file chosen again under the same name', async () => {
    const slug = server.project();
    const dir = tempDir();
    await openImportPage(slug);
    const input = page.locator('input[type=file]');

    // A JSON array, pretty-printed as most tools write it: one sentence, and how to convert it.
    await input.setInputFiles(fileOnDisk(dir, 'cats.json', JSON.stringify([line('tom'), line('felix')], null, 2)));
    const named = page.getByRole('alert').filter({ hasText: 'This file is a JSON array; Ordinal reads JSON Lines: one object per line' });
    await named.waitFor();
    expect(await named.textContent()).toContain("jq -c '.[]' file.json > file.jsonl");
    expect(await page.locator('table.bad-lines').count()).toBe(0);

    // Completions written as plain strings: what to write instead comes first, and the line's other problems below it.
    const file = fileOnDisk(
      dir,
      'cats.jsonl',
      jsonl([line('tom'), { id: 'felix', messages: [question('felix')], completions: ['Yes.', 'No.'], meta: { source: 'vet' } }, line('garfield')]),
    );
    await input.setInputFiles(file);
    const row = page.locator('table.bad-lines tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').first().textContent()).toBe('2');
    expect(await row.locator('strong').textContent()).toBe('completions.0 is a string: completions must be objects like {"content": "…"}');
    expect(await row.getByRole('list', { name: 'More problems of line 2' }).getByRole('listitem').allTextContents()).toEqual([
      'completions.1 is a string: completions must be objects like {"content": "…"}',
      'unknown field "meta": use "metadata"; a line has only "id", "messages", "completions" and "metadata"',
    ]);
    expect(await page.getByRole('alert').first().textContent()).toContain('1 bad line: nothing was imported');

    // Fixed in place and chosen again: the same path, which the browser only reports as chosen because the page forgot it.
    fs.writeFileSync(file, jsonl([line('tom'), line('felix'), line('garfield')]));
    await input.setInputFiles(file);
    await page.getByText('The file is valid: 3 new conversations: 3 comparisons and 0 prompts.').waitFor();
    expect(await page.locator('table.bad-lines').count()).toBe(0);
    await page.getByRole('button', { name: 'Import 3 conversations' }).click();
    await page.getByText('Imported 3 new conversations: 3 comparisons and 0 prompts.').waitFor();
    expect(conversationsIn(slug)).toBe(3);
  });

  it('shows how far the upload and the check are, in bytes of the file', async () => {
    const slug = server.project();
    const text = jsonl(Array.from({ length: 20 }, (_, i) => line(`kitten-${i}`)));
    const kib = `${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`.replace('.', '\\.');
    await openImportPage(slug);
    const imports = `/api/v1/projects/${slug}/imports`;
    const releaseUpload = await holdRequests((url) => url.pathname === imports);
    const releaseJob = await holdRequests((url) => url.pathname.startsWith(`${imports}/`));
    await page.locator('input[type=file]').setInputFiles({ name: 'kittens.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    // The progress bar is named by the words beside it.
    await page.getByRole('progressbar', { name: new RegExp(`^Uploading the file to check it… .* of ${kib} \\(\\d+%\\)$`) }).waitFor();
    releaseUpload();
    await page.getByRole('progressbar', { name: new RegExp(`^Checking every line… .* of ${kib} \\(\\d+%\\)$`) }).waitFor();
    releaseJob();
    await page.getByText('The file is valid: 20 new conversations: 20 comparisons and 0 prompts.').waitFor();
  });
});
