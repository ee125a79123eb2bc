import { describe, expect, it } from 'vitest';
import { conversation, startServer, type TestUser } from './support/app.ts';

/**
 * A project's totals are kept by triggers (project_counts, issue 15 item 4) instead of counted on
 * every page view. Whatever happens to its comparisons, they must equal a recount.
 */
const server = await startServer();

type Progress = { comparisons: number; completed: number; rankings: number };

function recount(slug: string): Progress {
  return server.db.sqlite
    .prepare<[string], Progress>(
      `SELECT count(c.id) AS comparisons, coalesce(sum(c.done AND c.gold_ranking IS NULL), 0) AS completed, coalesce(sum(c.ranking_count), 0) AS rankings
       FROM projects p LEFT JOIN comparisons c ON c.project_id = p.id WHERE p.slug = ?`,
    )
    .get(slug)!;
}

async function shown(user: TestUser, slug: string): Promise<Progress> {
  const { project } = (await (await user.api('GET', `/projects/${slug}`)).json()) as { project: { progress: Progress } };
  const { comparisons, completed, rankings } = project.progress;
  return { comparisons, completed, rankings };
}

async function rankNext(trainer: TestUser, slug: string) {
  const response = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  // Nothing left for this trainer.
  if (response.status === 204) return null;
  const next = (await response.json()) as { comparison: { id: string; candidates: { id: string }[] } };
  const put = await trainer.api('PUT', `/comparisons/${next.comparison.id}/ranking`, { ranking: next.comparison.candidates.map((c) => [c.id]) });
  expect(put.status).toBe(200);
  return next.comparison;
}

describe('project totals', () => {
  it('equal a recount after imports, rankings, revisions, gold items, skips and a change of overlap', async () => {
    const slug = server.project({ overlap: 2 });
    const researcher = await server.user('researcher');
    const trainers = await Promise.all([1, 2, 3].map(() => server.user('trainer')));
    const check = async () => expect(await shown(researcher, slug)).toEqual(recount(slug));

    await check();
    expect(
      (
        await server.importLines(
          slug,
          Array.from({ length: 8 }, (_, i) => conversation(`pc${i}`)),
        )
      ).status,
    ).toBe(200);
    await check();
    expect(recount(slug).comparisons).toBe(8);

    const first = (await rankNext(trainers[0]!, slug))!;
    await rankNext(trainers[1]!, slug);
    await check();
    // A changed ranking is a revision: the totals stay.
    expect((await trainers[0]!.api('PUT', `/comparisons/${first.id}/ranking`, { ranking: first.candidates.map((c) => [c.id]).reverse() })).status).toBe(200);
    await check();

    const { comparisons } = (await (await researcher.api('GET', `/projects/${slug}/comparisons`)).json()) as { comparisons: { id: string }[] };
    const goldId = comparisons.at(-1)!.id;
    const candidates = server.db.sqlite
      .prepare<[number], { id: number }>(
        "SELECT m.id FROM comparisons c JOIN messages m ON m.parent_id = c.parent_message_id AND m.role = 'assistant' WHERE c.id = ? ORDER BY m.id",
      )
      .all(Number(goldId));
    expect((await researcher.api('PUT', `/comparisons/${goldId}/gold`, { ranking: candidates.map((c) => [String(c.id)]) })).status).toBe(204);
    await check();

    const held = (await (await trainers[2]!.api('GET', `/projects/${slug}/next?kind=comparison`)).json()) as { comparison: { id: string } };
    expect((await trainers[2]!.api('POST', `/comparisons/${held.comparison.id}/skip`, { reason: 'unclear' })).ok).toBe(true);
    for (const trainer of trainers) while (await rankNext(trainer, slug));
    await check();

    expect((await researcher.api('PATCH', `/projects/${slug}`, { overlap: 3 })).status).toBe(200);
    await check();
    expect((await researcher.api('PATCH', `/projects/${slug}`, { overlap: 1 })).status).toBe(200);
    await check();
    expect((await researcher.api('DELETE', `/comparisons/${goldId}/gold`)).status).toBe(204);
    await check();
    expect(recount(slug).rankings).toBeGreaterThan(8);
  });
});
