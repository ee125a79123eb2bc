import { describe, expect, it } from 'vitest';
import { conversation, expireLeasesOf, startServer, type TestServer, type TestUser } from './support/app.ts';

const server = await startServer();

interface Served {
  id: string;
  candidates: Array<{ id: string; content: string }>;
}

interface HistoryPage {
  rankings: Array<{ comparisonId: string; prompt: string; ranking: string[][]; shownOrder: string[]; revision: number; createdAt: string; updatedAt: string }>;
  nextBefore: number | null;
}

async function projectWith(settings: Parameters<TestServer['project']>[0], lines: unknown[]) {
  const slug = server.project(settings);
  const imported = await server.importLines(slug, lines);
  expect(imported.status, await imported.clone().text()).toBe(200);
  return slug;
}

async function take(trainer: TestUser, slug: string): Promise<Served & { leaseExpiresAt: string }> {
  const res = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { comparison: Served; leaseExpiresAt: string };
  return { ...body.comparison, leaseExpiresAt: body.leaseExpiresAt };
}

async function rank(trainer: TestUser, comparisonId: string, ranking: string[][]) {
  const res = await trainer.api('PUT', `/comparisons/${comparisonId}/ranking`, { ranking });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { ranking: { revision: number } }).ranking;
}

/** Takes the next comparison and ranks it in the order it was shown; returns it. */
async function takeAndRank(trainer: TestUser, slug: string) {
  const served = await take(trainer, slug);
  await rank(
    trainer,
    served.id,
    served.candidates.map((c) => [c.id]),
  );
  return served;
}

async function historyOf(trainer: TestUser, slug: string, query = ''): Promise<HistoryPage> {
  const res = await trainer.api('GET', `/projects/${slug}/rankings/mine${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as HistoryPage;
}

/** Every page of a trainer's history, following `nextBefore`. */
async function wholeHistory(trainer: TestUser, slug: string, limit: number) {
  const pages: HistoryPage[] = [];
  for (let before: number | null | undefined; before !== null;) {
    const page = await historyOf(trainer, slug, `?limit=${limit}${before === undefined ? '' : `&before=${before}`}`);
    pages.push(page);
    before = page.nextBefore;
  }
  return pages;
}

async function queueOf(trainer: TestUser, slug: string) {
  const res = await trainer.api('GET', `/projects/${slug}/queue`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { heldByOthers: number; earliestLeaseExpiresAt: string | null; asOf: string };
}

describe('a trainer’s history', () => {
  it('lists only their own rankings in the project, newest first, a page at a time', async () => {
    const slug = await projectWith(
      { overlap: 2 },
      [1, 2, 3].map((i) => conversation(`history-${i}`, 3)),
    );
    const elsewhere = await projectWith({ overlap: 1 }, [conversation('history-elsewhere', 2)]);
    const [alice, bob] = [await server.user('trainer'), await server.user('trainer')];
    const first = await takeAndRank(alice, slug);
    await takeAndRank(alice, elsewhere);
    const second = await takeAndRank(alice, slug);
    await takeAndRank(bob, slug);
    const third = await takeAndRank(alice, slug);

    const pages = await wholeHistory(alice, slug, 2);
    expect(pages.map((p) => p.rankings.length)).toEqual([2, 1]);
    const listed = pages.flatMap((p) => p.rankings);
    expect(listed.map((r) => r.comparisonId)).toEqual([third.id, second.id, first.id]);
    expect(listed[2]).toMatchObject({
      prompt: 'Question history-1?',
      ranking: first.candidates.map((c) => [c.id]),
      shownOrder: first.candidates.map((c) => c.id),
      revision: 1,
    });
    // Bob's one ranking is his alone.
    expect((await historyOf(bob, slug)).rankings.map((r) => r.comparisonId)).toHaveLength(1);
  });

  it('shows the prompt’s first line only', async () => {
    const line = { ...conversation('history-lines', 2), messages: [{ role: 'user', content: '\n\nFirst line of the prompt\nSecond line\nThird' }] };
    const slug = await projectWith({ overlap: 1 }, [line]);
    const trainer = await server.user('trainer');
    await takeAndRank(trainer, slug);
    expect((await historyOf(trainer, slug)).rankings[0]!.prompt).toBe('First line of the prompt');
  });

  it('is empty for a trainer who has ranked nothing there, and refused for a project a trainer cannot see', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('history-empty', 2)]);
    const trainer = await server.user('trainer');
    expect(await historyOf(trainer, slug)).toEqual({ rankings: [], nextBefore: null });
    const researcher = await server.user('researcher');
    expect((await researcher.api('PATCH', `/projects/${slug}`, { archived: true })).status).toBe(200);
    expect((await trainer.api('GET', `/projects/${slug}/rankings/mine`)).status).toBe(404);
  });
});

describe('opening one of one’s rankings again', () => {
  it('gives the comparison as the trainer was shown it, with their ranking, ratings, flags and note', async () => {
    const slug = await projectWith(
      { overlap: 2, ratings: [{ key: 'overall', label: 'Overall', min: 1, max: 7 }], flags: [{ key: 'unsafe', label: 'Unsafe' }] },
      [conversation('mine-1', 3)],
    );
    const trainer = await server.user('trainer');
    const served = await take(trainer, slug);
    const [a, b, c] = served.candidates.map((x) => x.id) as [string, string, string];
    const body = { ranking: [[c], [a], [b]], ratings: { [a]: { overall: 5 } }, flags: { [b]: ['unsafe'] }, note: 'B is risky' };
    expect((await trainer.api('PUT', `/comparisons/${served.id}/ranking`, body)).status).toBe(200);

    const res = await trainer.api('GET', `/comparisons/${served.id}/mine`);
    expect(res.status).toBe(200);
    const mine = (await res.json()) as { comparison: Served & { project: string }; ranking: Record<string, unknown> };
    expect(mine.comparison).toMatchObject({ id: served.id, project: slug, candidates: served.candidates });
    expect(mine.ranking).toMatchObject({ ...body, shownOrder: [a, b, c], revision: 1 });
  });

  it('refuses another trainer’s comparison as if it did not exist', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('mine-other', 2)]);
    const [alice, bob] = [await server.user('trainer'), await server.user('trainer')];
    const served = await takeAndRank(alice, slug);
    const res = await bob.api('GET', `/comparisons/${served.id}/mine`);
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).not.toContain(served.candidates[0]!.content);
    expect((await bob.api('GET', '/comparisons/987654321/mine')).status).toBe(404);
  });

  it('a revision through PUT shows in the export and in the history’s revision count', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('revise-1', 3)]);
    const trainer = await server.user('trainer');
    const served = await takeAndRank(trainer, slug);
    const revised = served.candidates.map((c) => [c.id]).reverse();
    expect((await rank(trainer, served.id, revised)).revision).toBe(2);

    expect((await historyOf(trainer, slug)).rankings).toMatchObject([{ comparisonId: served.id, ranking: revised, revision: 2 }]);
    const mine = (await (await trainer.api('GET', `/comparisons/${served.id}/mine`)).json()) as { ranking: { ranking: string[][]; revision: number } };
    expect(mine.ranking).toMatchObject({ ranking: revised, revision: 2 });

    const researcher = await server.user('researcher');
    const exported = await researcher.api('GET', `/projects/${slug}/export?format=rankings&history=true`);
    expect(exported.status).toBe(200);
    const records = (await exported.text())
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { comparison_id: string; annotator: string; ranking: string[][]; history: Array<{ revision: number; ranking: string[][] }> },
      );
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ comparison_id: served.id, annotator: trainer.username, ranking: revised });
    expect(records[0]!.history).toMatchObject([{ revision: 1, ranking: served.candidates.map((c) => [c.id]) }]);
  });
});

describe('what others hold', () => {
  const expireLeaseOf = (user: TestUser) => expireLeasesOf(server.db, user.id);

  it('tells a trainer with nothing left how many comparisons others hold and when the first lease ends', async () => {
    const slug = await projectWith(
      { overlap: 1 },
      [1, 2, 3].map((i) => conversation(`held-${i}`, 2)),
    );
    const [alice, bob, carol] = [await server.user('trainer'), await server.user('trainer'), await server.user('trainer')];
    await takeAndRank(bob, slug);
    const alices = await take(alice, slug);
    const carols = await take(carol, slug);
    expect((await bob.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);

    const state = await queueOf(bob, slug);
    expect(state.heldByOthers).toBe(2);
    expect(state.earliestLeaseExpiresAt).toBe(alices.leaseExpiresAt);
    expect(Date.parse(state.asOf)).toBeLessThanOrEqual(Date.parse(state.earliestLeaseExpiresAt!));
    // What the asker holds is theirs, not kept from them.
    expect((await queueOf(alice, slug)).heldByOthers).toBe(1);

    // Alice's lease runs out: hers comes back to Bob; Carol's is what is held now.
    expireLeaseOf(alice);
    expect(await queueOf(bob, slug)).toMatchObject({ heldByOthers: 1, earliestLeaseExpiresAt: carols.leaseExpiresAt });
    expect((await take(bob, slug)).id).toBe(alices.id);
  });

  it('says nothing is held once the others have answered', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('held-answered', 2)]);
    const [alice, bob] = [await server.user('trainer'), await server.user('trainer')];
    await takeAndRank(alice, slug);
    expect((await bob.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);
    expect(await queueOf(bob, slug)).toMatchObject({ heldByOthers: 0, earliestLeaseExpiresAt: null });
  });

  it('counts a comparison whose slot another trainer took after the asker’s lease ran out: it comes back to them', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('held-retaken', 2)]);
    const [alice, bob] = [await server.user('trainer'), await server.user('trainer')];
    const held = await take(alice, slug);
    expireLeaseOf(alice);
    const bobs = await take(bob, slug);
    expect(bobs.id).toBe(held.id);
    expect((await alice.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);
    expect(await queueOf(alice, slug)).toMatchObject({ heldByOthers: 1, earliestLeaseExpiresAt: bobs.leaseExpiresAt });
  });
});
