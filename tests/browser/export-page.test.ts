import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { appliesTo, exportFormats } from '#shared/exports.ts';
import { conversation, rankEveryComparison, type TestUser } from '../support/app.ts';
import { freePort, repoRoot, tempDir } from '../support/child-server.ts';
import { logIn, newPage, sharedBrowser, startBrowserServer, type BrowserTestServer } from './support.ts';

/**
 * The export page and the project form as a new researcher uses them (issue 17): every export
 * option where it applies, a command that runs as copied, an empty export that says why, and
 * form errors in plain words beside their fields. One server, one page.
 */

let server: BrowserTestServer;
let researcher: TestUser;
let context: BrowserContext;
let page: Page;
/** A project with three comparisons, each ranked by one trainer. */
let ranked: string;

beforeAll(async () => {
  const browser = await sharedBrowser();
  server = await startBrowserServer();
  researcher = await server.user('researcher');
  const trainer = await server.user('trainer');
  ranked = server.project({ overlap: 1 });
  expect(
    (
      await server.importLines(
        ranked,
        ['one', 'two', 'three'].map((id) => conversation(id, 3)),
      )
    ).status,
  ).toBe(200);
  rankEveryComparison(server.db, ranked, trainer.id);
  ({ context, page } = await newPage(browser, { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] }));
  await logIn(page, server, researcher, `/projects/${ranked}/export`);
});
afterAll(() => context?.close());

const openExport = async (slug: string) => {
  await page.goto(`${server.clientUrl}/projects/${slug}/export`);
  await page.getByRole('heading', { name: 'Export a dataset' }).waitFor();
};
const chooseFormat = (format: string) => page.locator(`input[name=format][value="${format}"]`).check();
const records = () => page.getByTestId('export-rows');

/**
 * The copied command, run as shown in a folder where Ordinal is installed (`npx ordinal` finds it
 * in node_modules/.bin, as after `npm install`), never asking the registry.
 */
async function runAsShown(command: string) {
  const folder = tempDir();
  fs.mkdirSync(path.join(folder, 'node_modules/.bin'), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, 'bin/ordinal.js'), path.join(folder, 'node_modules/.bin/ordinal'));
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', LOG_LEVEL: 'silent' };
  delete env.ORDINAL_DB;
  await promisify(execFile)('sh', ['-c', command], { cwd: folder, env });
  return folder;
}

describe('the export page', () => {
  it('shows each option of the CLI and API only for the formats it applies to', async () => {
    await openExport(ranked);
    for (const format of exportFormats) {
      await chooseFormat(format);
      for (const [option, { flag, formats }] of Object.entries(appliesTo)) {
        const shown = (formats as readonly string[]).includes(format);
        expect(await page.getByText(`(${flag})`, { exact: true }).count(), `${format}: ${option}`).toBe(shown ? 1 : 0);
      }
      expect(await page.getByLabel(/^Rows/).count(), `${format}: rows`).toBe(format === 'sft' ? 0 : 1);
      expect(await page.getByLabel(/^Minimum agreement/).count(), `${format}: minimum agreement`).toBe(format === 'sft' ? 0 : 1);
    }
    // sft's ranked part takes the agreement filter.
    await page.getByLabel(/top-ranked answer/).check();
    await page.getByLabel(/^Minimum agreement/).waitFor();
  });

  it('copies the exact CLI command, with the server’s database, which run as shown writes the records the download gives', async () => {
    await openExport(ranked);
    await chooseFormat('trl');
    await page.getByLabel(/^Rows/).selectOption('consensus');
    await page.getByLabel(/margin/).check();
    await page.getByLabel(/source_id/).check();
    await page.getByLabel(/features/).check();
    const command = page.getByTestId('export-cli');
    await expect.poll(() => command.textContent()).toContain('--with-source');
    await expect.poll(() => records().textContent()).toBe('9 records'); // three strict orders of three answers

    const shown = (await command.textContent())!;
    expect(shown).toBe(
      `npx ordinal export --db ${server.db.file} --project ${ranked} --format trl --consensus --margin rank --with-features --with-source --out ${ranked}-trl-consensus.jsonl`,
    );
    await page.getByRole('button', { name: 'Copy command' }).click();
    await page.getByText('The command is on the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(shown);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSONL' }).click()]);
    const downloaded = fs.readFileSync((await download.path())!);
    expect(downloaded.toString('utf8').trim().split('\n')).toHaveLength(9);
    const folder = await runAsShown(copied);
    expect(fs.readFileSync(path.join(folder, download.suggestedFilename())).equals(downloaded)).toBe(true);

    // The curl line too is copied whole, and neither box lets a long line run off it.
    await page.getByRole('button', { name: 'Copy curl line' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await page.getByTestId('export-curl').textContent());
    for (const box of ['export-cli', 'export-curl']) {
      const fits = await page.getByTestId(box).evaluate((code) => {
        const pre = code.parentElement!;
        return pre.scrollWidth <= pre.clientWidth && pre.getBoundingClientRect().right <= pre.closest('section')!.getBoundingClientRect().right;
      });
      expect(fits, box).toBe(true);
    }
  });

  it('an invalid test share is named beside its field, and no command or download shows it', async () => {
    await openExport(ranked);
    await chooseFormat('trl');
    await page.getByLabel(/^Split/).selectOption('test');
    const share = page.getByLabel(/^Test share/);
    await share.fill('2');
    await page.getByText('Test share must be a number from 0 to 1').waitFor();
    expect(await share.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('export-cli').count()).toBe(0);
    expect(await page.getByTestId('export-curl').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Download JSONL' }).count()).toBe(0);
    expect(await page.locator('.panel').textContent()).not.toContain('--test-share 2');

    await share.fill('0.5');
    await expect.poll(() => page.getByTestId('export-cli').textContent()).toContain('--split test --test-share 0.5');
    expect(await page.getByText('Test share must be').count()).toBe(0);
  });

  it('an empty export offers no download and says why and what would fill it', async () => {
    await openExport(ranked);
    await chooseFormat('sft');
    await expect.poll(() => records().textContent()).toBe('0 records');
    const why = page.getByTestId('export-empty');
    await why.getByText(/No demonstrations yet/).waitFor();
    expect(await why.textContent()).toContain('Write demonstrations, or include each comparison’s top-ranked answer (--include-top-ranked)');
    expect(await page.getByRole('link', { name: 'Download JSONL' }).count()).toBe(0);

    // Emptied by a filter: the records there would be without it, and which filter it is.
    await chooseFormat('trl');
    await page.getByLabel(/^Minimum agreement/).fill('1');
    await why.getByText('9 records without the filters, none with them: only comparisons whose trainers agree at least 1').waitFor();
    expect(await page.getByRole('link', { name: 'Download JSONL' }).count()).toBe(0);

    // Nothing ranked yet.
    const unranked = server.project();
    await openExport(unranked);
    await why.getByText('Nothing has been ranked yet: trl records come from trainers’ rankings.').waitFor();
  });
});

describe('the project form', () => {
  it('puts each problem in plain words beside its field, and saves the rating scale’s end labels', async () => {
    const slug = server.project();
    await page.goto(`${server.clientUrl}/projects/${slug}/settings`);
    const form = page.getByRole('form', { name: 'Project settings' });
    const ratings = form.getByRole('group', { name: 'Ratings asked per answer' });
    await ratings.getByLabel(/^Question/).fill('');
    await form.getByLabel(/^Gold rate/).fill('0.9');
    await form.getByRole('button', { name: 'Save settings' }).click();

    const question = ratings.getByLabel(/^Question/);
    await expect.poll(() => question.getAttribute('aria-describedby')).toBeTruthy();
    expect(await page.locator(`[id="${await question.getAttribute('aria-describedby')}"]`).textContent()).toBe('Question is empty');
    const gold = form.getByLabel(/^Gold rate/);
    expect(await page.locator(`[id="${await gold.getAttribute('aria-describedby')}"]`).textContent()).toBe('Gold rate must be at most 0.5');
    expect(await form.textContent()).not.toMatch(/Too small|Too big|expected|ratings\.0/);

    await question.fill('Overall quality');
    await gold.fill('0.1');
    await ratings.getByLabel('Low end label').fill('Useless');
    await ratings.getByLabel('High end label').fill('Perfect');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    const { project } = (await (await researcher.api('GET', `/projects/${slug}`)).json()) as { project: { ratings: unknown[]; goldRate: number } };
    expect(project.ratings).toEqual([{ key: 'overall', label: 'Overall quality', min: 1, max: 7, minLabel: 'Useless', maxLabel: 'Perfect', required: false }]);
    expect(project.goldRate).toBe(0.1);
  });

  it('saves model settings whose server cannot be reached, and says so and what to check', async () => {
    const slug = server.project();
    const nobody = `http://127.0.0.1:${await freePort()}/v1`;
    await page.goto(`${server.clientUrl}/projects/${slug}/settings`);
    const form = page.getByRole('form', { name: 'Project settings' });
    await form.getByLabel('Base URL').fill(nobody);
    await form.getByLabel('Model name').fill('some-model');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();

    const warning = form.getByRole('region', { name: 'Connection test' }).getByRole('alert');
    await warning.getByText('Saved, but the model does not answer.').waitFor();
    expect(await warning.textContent()).toContain(`Cannot reach the model server at ${nobody}`);
    expect(await warning.textContent()).toContain('Check the base URL');
    const { project } = (await (await researcher.api('GET', `/projects/${slug}`)).json()) as { project: { modelEndpoint: unknown } };
    expect(project.modelEndpoint).toEqual({ baseUrl: nobody, model: 'some-model', apiKeySet: false });
  });
});
