import { beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestUser } from '../support/app.ts';
import { logIn, sharedBrowser, startBrowserServer, type BrowserTestServer, withPage } from './support.ts';

/**
 * The researcher's quality dashboard (issue 5): the figures it shows are the API's, its charts
 * are drawn, the trainer who always prefers the longer answer stands out, and a trainer cannot
 * open it.
 */

let server: BrowserTestServer;
let browser: Browser;
let researcher: TestUser;
const slug = 'quality-ui';

/** Answers a, b, c of these lengths per conversation; longfan ranks 26 pairs of different lengths (c4's a and b are as long). */
const lengths: Array<[number, number, number]> = [
  [10, 20, 30],
  [40, 30, 20],
  [100, 110, 120],
  [50, 50, 200],
  [60, 15, 90],
  [25, 70, 35],
  [80, 81, 300],
  [12, 40, 18],
  [33, 66, 99],
];
const answer = (label: string, length: number) => `${label}:${'x'.repeat(length - 2)}`;
const labelOf = (content: string) => content.slice(0, content.indexOf(':'));

interface Policy {
  rank: (shown: { label: string; length: number }[]) => string[];
  durationMs: number;
  skip?: { key: string; reason: string };
  flag?: { key: string; label: string; flag: string };
}
const policies: Record<string, Policy> = {
  alpha: { rank: () => ['a', 'b', 'c'], durationMs: 9000, flag: { key: 'q1', label: 'a', flag: 'hallucination' } },
  longfan: { rank: (shown) => [...shown].sort((x, y) => y.length - x.length || (x.label < y.label ? -1 : 1)).map((c) => c.label), durationMs: 1500 },
  middle: { rank: () => ['b', 'c', 'a'], durationMs: 12000, skip: { key: 'q9', reason: 'Needs a doctor to judge' } },
};
const trainers: Record<string, TestUser> = {};

/** One trainer works through the queue through the API, as their policy says. */
async function rankAll(trainer: TestUser, policy: Policy) {
  for (;;) {
    const next = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
    if (next.status === 204) return;
    expect(next.status).toBe(200);
    const { comparison } = (await next.json()) as { comparison: { id: string; context: { content: string }[]; candidates: { id: string; content: string }[] } };
    const key = /^Question (\w+)\?$/.exec(comparison.context.at(-1)!.content)![1]!;
    const idOf = new Map(comparison.candidates.map((c) => [labelOf(c.content), c.id]));
    if (policy.skip?.key === key) {
      expect((await trainer.api('POST', `/comparisons/${comparison.id}/skip`, { reason: policy.skip.reason })).status).toBeLessThan(300);
      continue;
    }
    const order = policy.rank(comparison.candidates.map((c) => ({ label: labelOf(c.content), length: c.content.length })));
    const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, {
      ranking: order.map((l) => [idOf.get(l)!]),
      durationMs: policy.durationMs,
      ...(policy.flag?.key === key ? { flags: { [idOf.get(policy.flag.label)!]: [policy.flag.flag] } } : {}),
    });
    expect(put.status, await put.clone().text()).toBe(200);
  }
}

type TrainerRow = { username: string; rankings: number; longerPreferred: number | null; lengthPairs: number };
type Stats = {
  agreement: { pairwise: number | null; kendallTau: number | null };
  lengthBias: { longerPreferred: number | null };
  gold: { accuracy: number | null };
  trainers: TrainerRow[];
};
let stats: Stats;

beforeAll(async () => {
  [server, browser] = await Promise.all([startBrowserServer(), sharedBrowser()]);
  researcher = await server.user('researcher');
  server.project({ slug, name: 'Quality UI', overlap: 3 });
  const lines = lengths.map(([a, b, c], i) => ({
    id: `q${i + 1}`,
    messages: [{ role: 'user', content: `Question q${i + 1}?` }],
    completions: [answer('a', a), answer('b', b), answer('c', c)].map((content) => ({ content, model: 'm' })),
  }));
  expect((await server.importLines(slug, lines)).status).toBe(200);
  for (const [name, policy] of Object.entries(policies)) {
    trainers[name] = await server.user('trainer', name);
    await rankAll(trainers[name], policy);
  }
  // q1 becomes a gold item after the fact, expected a > b > c, so every trainer has a gold score.
  const list = (await (await researcher.api('GET', `/projects/${slug}/comparisons`)).json()) as { comparisons: { id: string; prompt: string }[] };
  const q1 = list.comparisons.find((c) => c.prompt === 'Question q1?')!;
  const { comparison } = (await (await researcher.api('GET', `/comparisons/${q1.id}`)).json()) as {
    comparison: { candidates: { id: string; content: string }[] };
  };
  const idOf = new Map(comparison.candidates.map((c) => [labelOf(c.content), c.id]));
  expect((await researcher.api('PUT', `/comparisons/${q1.id}/gold`, { ranking: [[idOf.get('a')], [idOf.get('b')], [idOf.get('c')]] })).status).toBe(204);

  stats = (await (await researcher.api('GET', `/projects/${slug}/stats`)).json()) as Stats;
  expect(stats.trainers.find((t) => t.username === 'longfan')).toMatchObject({ longerPreferred: 1, lengthPairs: 26 });
});

const inBrowser = (body: (page: Page) => Promise<void>) => withPage(browser, body);

const percent = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const trainerColumn = (page: Page) => page.getByRole('table', { name: 'Trainers' }).locator('tbody tr td:first-child').allTextContents();

describe('the quality dashboard', () => {
  it('shows a researcher the API’s figures, four bar charts, the length-biased trainer and the review queue', async () => {
    await inBrowser(async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}/quality`);
      const pairwise = page.getByTestId('agreement-pairwise');
      await pairwise.waitFor();

      expect(stats.agreement.pairwise).not.toBeNull();
      expect(stats.gold.accuracy).not.toBeNull();
      expect(await pairwise.textContent()).toBe(percent(stats.agreement.pairwise));
      expect(await page.getByTestId('longer-preferred').textContent()).toBe(percent(stats.lengthBias.longerPreferred));
      expect(await page.getByTestId('gold-accuracy').textContent()).toBe(percent(stats.gold.accuracy));
      expect(await page.getByTestId('agreement-tau').textContent()).toBe(stats.agreement.kendallTau!.toFixed(2));

      // Charts: each a figure with an SVG and bars in it (each chart draws once it has measured its box).
      const figures = page.locator('figure');
      const withBars = () =>
        figures.evaluateAll((all) => all.filter((f) => f.querySelector('svg') && f.querySelectorAll('.recharts-bar-rectangle').length > 0).length);
      await expect.poll(withBars).toBeGreaterThanOrEqual(4);
      expect(await figures.count()).toBeGreaterThanOrEqual(4);

      // The trainer table: longfan alone is marked.
      const table = page.getByRole('table', { name: 'Trainers' });
      await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
      const longfanRow = table.locator('tbody tr', { hasText: 'longfan' });
      expect(await longfanRow.getByText('prefers longer').count()).toBe(1);
      expect(await table.getByText('prefers longer').count()).toBe(1);
      const longfan = stats.trainers.find((t) => t.username === 'longfan')!;
      expect(await longfanRow.textContent()).toContain(percent(longfan.longerPreferred));

      // The review queue (loaded apart from the figures): alpha's flag on q1's answer a, middle's reason for skipping q9.
      const flagged = page.locator('li', { hasText: 'hallucination' });
      await flagged.first().waitFor();
      expect(await flagged.count()).toBe(1);
      expect(await flagged.textContent()).toContain('alpha');
      const skip = page.locator('li', { hasText: 'Needs a doctor to judge' });
      await skip.first().waitFor();
      expect(await skip.count()).toBe(1);
      expect(await skip.textContent()).toContain('middle');
    });
  });

  it('sorts the trainer table by the column header clicked', async () => {
    await inBrowser(async (page) => {
      await logIn(page, server, researcher, `/projects/${slug}/quality`);
      const table = page.getByRole('table', { name: 'Trainers' });
      await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
      const before = await trainerColumn(page);

      const byLonger = [...stats.trainers].sort((x, y) => (y.longerPreferred ?? -1) - (x.longerPreferred ?? -1)).map((t) => t.username);
      expect(byLonger[0]).toBe('longfan');
      await table.getByRole('button', { name: /^Longer preferred/ }).click();
      await expect.poll(() => trainerColumn(page)).toEqual(byLonger);
      expect(byLonger).not.toEqual(before);
      expect(await table.getByRole('columnheader', { name: /^Longer preferred/ }).getAttribute('aria-sort')).toBe('descending');

      await table.getByRole('button', { name: /^Longer preferred/ }).click();
      await expect.poll(() => trainerColumn(page)).toEqual([...byLonger].reverse());
      expect(await table.getByRole('columnheader', { name: /^Longer preferred/ }).getAttribute('aria-sort')).toBe('ascending');
    });
  });

  it('is not open to trainers', async () => {
    await inBrowser(async (page) => {
      await logIn(page, server, trainers.longfan!, `/projects/${slug}/quality`);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
      expect(await page.getByTestId('agreement-pairwise').count()).toBe(0);
      expect(await page.getByRole('table', { name: 'Trainers' }).count()).toBe(0);
      expect(await page.locator('main').textContent()).not.toContain('prefers longer');
    });
  });
});
