import { describe, expect, it } from 'vitest';
import type { CreateProject } from '#shared/projects.ts';
import { conversation, startServer, type TestUser } from './support/app.ts';

const server = await startServer();
let lines = 0;

/** A fresh project with one comparison of `k` candidates, already handed to a fresh trainer. */
async function heldComparison(settings: Partial<CreateProject> = {}, k = 3) {
  const slug = server.project({ overlap: 1, ...settings });
  const imported = await server.importLines(slug, [conversation(`ranked-${++lines}`, k)]);
  expect(imported.status).toBe(200);
  const trainer = await server.user('trainer');
  const res = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(res.status).toBe(200);
  const { comparison } = (await res.json()) as { comparison: { id: string; candidates: Array<{ id: string }> } };
  const ids = comparison.candidates.map((c) => c.id);
  const put = (body: unknown, as: TestUser = trainer) => as.api('PUT', `/comparisons/${comparison.id}/ranking`, body);
  return { slug, trainer, id: comparison.id, ids, put };
}

const single = (ids: string[]) => ids.map((id) => [id]);

const stored = (comparisonId: string) => ({
  rankings: server.db.sqlite
    .prepare<[string], { ranking: string; revision: number; note: string; durationMs: number | null; ratings: string; flags: string }>(
      'SELECT ranking, revision, note, duration_ms AS durationMs, ratings, flags FROM rankings WHERE comparison_id = ?',
    )
    .all(comparisonId),
  revisions: server.db.sqlite
    .prepare<[string], { ranking: string; revision: number }>(
      `SELECT v.ranking, v.revision FROM ranking_revisions v JOIN rankings r ON r.id = v.ranking_id
       WHERE r.comparison_id = ? ORDER BY v.revision`,
    )
    .all(comparisonId),
});

async function expectRejected(res: Response, status: number, pattern: RegExp, code?: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const { error } = JSON.parse(text);
  expect(error.message).toMatch(pattern);
  if (code) expect(error.code).toBe(code);
}

describe('what a ranking must contain', () => {
  it('names every candidate of the comparison exactly once, and stores nothing otherwise', async () => {
    const { id, ids, put } = await heldComparison();
    const [a, b, c] = ids as [string, string, string];

    await expectRejected(await put({ ranking: [[a], [b]] }), 400, new RegExp(`missing candidate.*${c}`));
    await expectRejected(await put({ ranking: [[a], [b], [c], ['999999']] }), 400, /999999 is not a candidate/);
    await expectRejected(await put({ ranking: [[a], [b], [c], [a]] }), 400, new RegExp(`${a} appears more than once`));
    await expectRejected(await put({ ranking: [[a], [], [b], [c]] }), 400, /ranking\.1: a group is empty/);
    await expectRejected(await put({ ranking: `${a},${b},${c}` }), 400, /ranking/);
    await expectRejected(await put({ ranking: [a, b, c] }), 400, /ranking\.0/);
    await expectRejected(await put({ ranking: [] }), 400, /ranking/);
    await expectRejected(await put({}), 400, /ranking: is required/);

    expect(stored(id)).toEqual({ rankings: [], revisions: [] });
    expect((await put({ ranking: single(ids) })).status).toBe(200);
  });

  it('refuses ties when the project does not allow them', async () => {
    const { id, ids, put } = await heldComparison({ allowTies: false });
    await expectRejected(await put({ ranking: [[ids[0], ids[1]], [ids[2]]] }), 400, /ties/);
    expect(stored(id).rankings).toHaveLength(0);
  });

  it('accepts ties when the project allows them', async () => {
    const { ids, put } = await heldComparison({ allowTies: true });
    const ranking = [[ids[2]!], [ids[0]!, ids[1]!]];
    const res = await put({ ranking });
    expect(res.status).toBe(200);
    expect((await res.json()).ranking.ranking).toEqual(ranking);
  });
});

describe('ratings and flags', () => {
  it('checks them against the project’s questions and flags', async () => {
    const { id, ids, put } = await heldComparison();
    const ranking = single(ids);
    const [a] = ids as [string];

    await expectRejected(await put({ ranking, ratings: { [a]: { helpfulness: 3 } } }), 400, /no rating "helpfulness"/);
    await expectRejected(await put({ ranking, ratings: { [a]: { overall: 8 } } }), 400, /overall: must be from 1 to 7/);
    await expectRejected(await put({ ranking, ratings: { [a]: { overall: 0 } } }), 400, /overall: must be from 1 to 7/);
    await expectRejected(await put({ ranking, ratings: { [a]: { overall: 3.5 } } }), 400, /overall/);
    await expectRejected(await put({ ranking, ratings: { '999999': { overall: 3 } } }), 400, /999999 is not a candidate/);
    await expectRejected(await put({ ranking, flags: { [a]: ['made_it_up'] } }), 400, /no flag "made_it_up"/);
    await expectRejected(await put({ ranking, flags: { '999999': ['hallucination'] } }), 400, /999999 is not a candidate/);
    expect(stored(id).rankings).toHaveLength(0);
  });

  it('stores valid ratings and flags and gives them back', async () => {
    const { id, ids, put, trainer } = await heldComparison();
    const ratings = { [ids[0]!]: { overall: 7 }, [ids[2]!]: { overall: 1 } };
    const flags = { [ids[2]!]: ['hallucination', 'harmful_advice'] };
    const res = await put({ ranking: single(ids), ratings, flags });
    expect(res.status).toBe(200);
    expect((await res.json()).ranking).toMatchObject({ ratings, flags });

    const back = await (await trainer.api('GET', `/comparisons/${id}`)).json();
    expect(back.ranking).toMatchObject({ ratings, flags });
    const [row] = stored(id).rankings;
    expect({ ratings: JSON.parse(row!.ratings), flags: JSON.parse(row!.flags) }).toEqual({ ratings, flags });
  });

  it('requires a required rating for every candidate', async () => {
    const helpfulness = { key: 'helpfulness', label: 'Helpfulness', min: 1, max: 5, required: true };
    const { id, ids, put } = await heldComparison({ ratings: [helpfulness] });
    const partial = { [ids[0]!]: { helpfulness: 4 }, [ids[1]!]: { helpfulness: 2 } };

    await expectRejected(await put({ ranking: single(ids) }), 400, /helpfulness: required/);
    await expectRejected(await put({ ranking: single(ids), ratings: partial }), 400, new RegExp(`${ids[2]}\\.helpfulness: required`));
    expect(stored(id).rankings).toHaveLength(0);

    const res = await put({ ranking: single(ids), ratings: { ...partial, [ids[2]!]: { helpfulness: 5 } } });
    expect(res.status).toBe(200);
  });
});

describe('resubmitting', () => {
  const twoQuestions: Partial<CreateProject> = {
    ratings: [
      { key: 'overall', label: 'Overall', min: 1, max: 7 },
      { key: 'honesty', label: 'Honesty', min: 1, max: 5 },
    ],
  };

  it('stores the same body sent twice as one ranking, whatever the order of its keys', async () => {
    const { id, ids, put } = await heldComparison(twoQuestions);
    const [a, b, c] = ids as [string, string, string];
    const body = { ranking: [[b], [a], [c]], ratings: { [a]: { overall: 5, honesty: 2 }, [b]: { overall: 6, honesty: 4 } }, note: 'close call' };
    const reordered = { note: 'close call', ratings: { [b]: { honesty: 4, overall: 6 }, [a]: { honesty: 2, overall: 5 } }, ranking: [[b], [a], [c]] };

    const first = await (await put(body)).json();
    for (const again of [body, reordered]) {
      const res = await put(again);
      expect(res.status).toBe(200);
      expect((await res.json()).ranking).toEqual(first.ranking);
    }
    expect(first.ranking.revision).toBe(1);
    const { rankings, revisions } = stored(id);
    expect(rankings).toHaveLength(1);
    expect(rankings[0]!.revision).toBe(1);
    expect(revisions).toHaveLength(1);
  });

  it('keeps the stored ranking, and makes no revision, when the same answer comes again with another time on task', async () => {
    const { id, ids, put } = await heldComparison();
    const body = { ranking: single(ids), note: 'fine', durationMs: 12_000 };
    const first = (await (await put(body)).json()).ranking;
    const again = await put({ ...body, durationMs: 47_000 });
    expect(again.status).toBe(200);
    expect((await again.json()).ranking).toEqual(first);
    const { rankings, revisions } = stored(id);
    expect(rankings.map((r) => [r.revision, r.durationMs])).toEqual([[1, 12_000]]);
    expect(revisions).toHaveLength(1);
  });

  it('replaces the ranking with a changed one and keeps the old one in the history', async () => {
    const { id, ids, put } = await heldComparison();
    const before = single(ids);
    const after = single([...ids].reverse());
    expect((await put({ ranking: before })).status).toBe(200);

    const res = await put({ ranking: after });
    expect(res.status).toBe(200);
    expect((await res.json()).ranking).toMatchObject({ ranking: after, revision: 2 });

    const { rankings, revisions } = stored(id);
    expect(rankings.map((r) => [JSON.parse(r.ranking), r.revision])).toEqual([[after, 2]]);
    expect(revisions.map((r) => [JSON.parse(r.ranking), r.revision])).toEqual([
      [before, 1],
      [after, 2],
    ]);
    // A replacement is still one trainer's answer.
    const count = server.db.sqlite.prepare<[string], { n: number }>('SELECT ranking_count AS n FROM comparisons WHERE id = ?').get(id)!.n;
    expect(count).toBe(1);
  });
});

describe('who may submit', () => {
  it('refuses a ranking of a comparison that was not given to the asker', async () => {
    const { id, ids, put } = await heldComparison({ overlap: 2 });
    // A researcher is told why; a trainer is not even told it exists (tests/access-leaks.test.ts).
    const researcher = await server.user('researcher');
    await expectRejected(await put({ ranking: single(ids) }, researcher), 409, /not given to you/, 'comparison.not_assigned');
    const stranger = await server.user('trainer');
    await expectRejected(await put({ ranking: single(ids) }, stranger), 404, /not found/, 'not_found');
    expect(stored(id).rankings).toHaveLength(0);
  });

  it('answers 404 for an unknown comparison', async () => {
    const trainer = await server.user('trainer');
    const res = await trainer.api('PUT', '/comparisons/987654321/ranking', { ranking: [['1'], ['2']] });
    expect(res.status).toBe(404);
  });

  it('refuses rankings on an archived project', async () => {
    const { slug, id, ids, put } = await heldComparison();
    const researcher = await server.user('researcher');
    expect((await researcher.api('PATCH', `/projects/${slug}`, { archived: true })).status).toBe(200);
    await expectRejected(await put({ ranking: single(ids) }), 409, /archived/);
    expect(stored(id).rankings).toHaveLength(0);
  });
});

describe('time spent and notes', () => {
  it('stores the duration and the note', async () => {
    const { id, ids, put } = await heldComparison();
    const res = await put({ ranking: single(ids), durationMs: 42_500, note: 'The second one invents a citation.' });
    expect(res.status).toBe(200);
    expect((await res.json()).ranking).toMatchObject({ durationMs: 42_500, note: 'The second one invents a citation.' });
    expect(stored(id).rankings[0]).toMatchObject({ durationMs: 42_500, note: 'The second one invents a citation.' });
  });

  it('refuses a negative duration', async () => {
    const { id, ids, put } = await heldComparison();
    await expectRejected(await put({ ranking: single(ids), durationMs: -1 }), 400, /durationMs/);
    expect(stored(id).rankings).toHaveLength(0);
  });
});
