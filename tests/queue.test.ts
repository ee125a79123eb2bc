import { describe, expect, it } from 'vitest';
import { openDatabase } from '#server/db/client.ts';
import { updateProject } from '#server/modules/projects/projects.usecases.ts';
import { conversation, expireLeasesOf, startServer, type TestServer, type TestUser } from './support/app.ts';

interface Served {
  comparison: { id: string; project: string; context: unknown[]; candidates: Array<{ id: string; content: string }> };
  leaseExpiresAt: string;
}

const server = await startServer();

async function next(trainer: TestUser, slug: string): Promise<{ status: number; body: Served | null; text: string }> {
  const res = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  const text = await res.text();
  return { status: res.status, body: res.status === 200 ? (JSON.parse(text) as Served) : null, text };
}

/** Takes the next comparison, which must exist. */
async function take(trainer: TestUser, slug: string): Promise<Served['comparison']> {
  const served = await next(trainer, slug);
  expect(served.status, served.text).toBe(200);
  return served.body!.comparison;
}

/** Ranks the candidates in the order they were shown. */
const rankAsShown = (trainer: TestUser, comparison: Served['comparison']) =>
  trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: comparison.candidates.map((c) => [c.id]) });

const comparisonIds = (s: TestServer, slug: string) =>
  s.db.sqlite
    .prepare<[string], { id: number }>('SELECT c.id FROM comparisons c JOIN projects p ON p.id = c.project_id WHERE p.slug = ? ORDER BY c.id')
    .all(slug)
    .map((r) => String(r.id));

const rankingsOf = (s: TestServer, comparisonId: string) =>
  s.db.sqlite.prepare<[string], { n: number }>('SELECT count(*) AS n FROM rankings WHERE comparison_id = ?').get(comparisonId)!.n;

async function projectWith(settings: Parameters<TestServer['project']>[0], lines: unknown[]) {
  const slug = server.project(settings);
  const imported = await server.importLines(slug, lines);
  expect(imported.status, await imported.clone().text()).toBe(200);
  return slug;
}

describe('handing out comparisons', () => {
  it('never gives a comparison to more trainers than its overlap, even with 50 trainers working at once', async () => {
    const slug = await projectWith(
      { overlap: 3 },
      Array.from({ length: 40 }, (_, i) => conversation(`busy-${i}`, 3)),
    );
    const trainers = await Promise.all(Array.from({ length: 50 }, (_, i) => server.user('trainer', `busy-trainer-${i}`)));

    const answered = await Promise.all(
      trainers.map(async (trainer) => {
        const mine: string[] = [];
        for (let round = 0; round < 100; round++) {
          const served = await next(trainer, slug);
          if (served.status === 204) return mine;
          expect(served.status, served.text).toBe(200);
          const put = await rankAsShown(trainer, served.body!.comparison);
          expect(put.status, await put.clone().text()).toBe(200);
          mine.push(served.body!.comparison.id);
        }
        throw new Error(`${trainer.username} never ran out of work`);
      }),
    );

    for (const mine of answered) expect(new Set(mine).size).toBe(mine.length);
    const perComparison = server.db.sqlite
      .prepare<[string], { comparisonId: number; n: number; distinctUsers: number; rankingCount: number }>(
        `SELECT c.id AS comparisonId, count(r.id) AS n, count(DISTINCT r.user_id) AS distinctUsers, c.ranking_count AS rankingCount
         FROM comparisons c JOIN projects p ON p.id = c.project_id LEFT JOIN rankings r ON r.comparison_id = c.id
         WHERE p.slug = ? GROUP BY c.id`,
      )
      .all(slug);
    expect(perComparison).toHaveLength(40);
    expect(Math.max(...perComparison.map((c) => c.n))).toBeLessThanOrEqual(3);
    for (const c of perComparison) expect(c).toMatchObject({ n: 3, distinctUsers: 3, rankingCount: 3 });
    expect(perComparison.reduce((sum, c) => sum + c.n, 0)).toBe(120);
    expect(answered.flat()).toHaveLength(120);
  });

  it('gives a trainer who reloads the same comparison in the same order, and stores that order with the ranking', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('reload-1', 5), conversation('reload-2', 5)]);
    const trainer = await server.user('trainer');

    const first = await take(trainer, slug);
    const again = await take(trainer, slug);
    expect(again.id).toBe(first.id);
    expect(again.candidates).toEqual(first.candidates);

    const shown = first.candidates.map((c) => c.id);
    const put = await trainer.api('PUT', `/comparisons/${first.id}/ranking`, { ranking: [...shown].reverse().map((id) => [id]) });
    expect(put.status).toBe(200);
    const { ranking } = await put.json();
    expect(ranking.shownOrder).toEqual(shown);
    const row = server.db.sqlite
      .prepare<[string], { shownOrder: string }>('SELECT shown_order AS shownOrder FROM rankings WHERE comparison_id = ?')
      .get(first.id)!;
    expect(JSON.parse(row.shownOrder)).toEqual(shown);

    // Answered, the trainer moves on to the other comparison.
    expect((await take(trainer, slug)).id).not.toBe(first.id);
  });

  it('shows the candidates in a fresh random order to each trainer', async () => {
    const slug = await projectWith({ overlap: 30 }, [conversation('shuffle', 5)]);
    const trainers = await Promise.all(Array.from({ length: 30 }, () => server.user('trainer')));
    const orders = await Promise.all(trainers.map(async (t) => (await take(t, slug)).candidates.map((c) => c.id)));

    const sorted = [...orders[0]!].sort();
    for (const order of orders) expect([...order].sort()).toEqual(sorted);
    // 30 draws from 120 permutations: fewer than 5 distinct would mean the order is not random.
    expect(new Set(orders.map((o) => o.join(','))).size).toBeGreaterThanOrEqual(5);
  });

  it('never tells trainers which model wrote which candidate', async () => {
    const line = {
      id: 'provenance',
      messages: [{ role: 'user', content: 'Which is better?' }],
      completions: [
        { content: 'First answer', model: 'zebra-llm-70b', params: { temperature: 0.7, seed: 11 }, finish_reason: 'stop' },
        { content: 'Second answer', model: 'okapi-chat-8b', params: { temperature: 1.3, seed: 12 }, finish_reason: 'length' },
      ],
    };
    const slug = await projectWith({ overlap: 1 }, [line]);
    const trainer = await server.user('trainer');

    const served = await next(trainer, slug);
    expect(served.status).toBe(200);
    const held = await (await trainer.api('GET', `/comparisons/${served.body!.comparison.id}`)).text();
    for (const text of [served.text, held]) {
      expect(keysOf(JSON.parse(text))).not.toContain('model');
      for (const secret of ['zebra-llm-70b', 'okapi-chat-8b']) expect(text).not.toContain(secret);
    }

    // The names are really there for a researcher, so their absence above is not an accident.
    const researcher = await server.user('researcher');
    const full = await (await researcher.api('GET', `/comparisons/${served.body!.comparison.id}`)).text();
    expect(full).toContain('zebra-llm-70b');
  });
});

describe('leases', () => {
  async function oneComparison() {
    const slug = await projectWith({ overlap: 1 }, [conversation('lease', 3)]);
    const [a, b] = [await server.user('trainer'), await server.user('trainer')];
    return { slug, a, b };
  }
  const expireLeaseOf = (user: TestUser) => expireLeasesOf(server.db, user.id);

  it('returns a comparison to the queue when its lease expires, and refuses the late answer once another trainer holds it', async () => {
    const { slug, a, b } = await oneComparison();
    const held = await take(a, slug);
    expect((await next(b, slug)).status).toBe(204);

    expireLeaseOf(a);
    expect((await take(b, slug)).id).toBe(held.id);

    const late = await rankAsShown(a, held);
    expect(late.status).toBe(409);
    expect((await late.json()).error.code).toBe('lease.expired');
    expect(rankingsOf(server, held.id)).toBe(0);
    expect((await next(a, slug)).status).toBe(204);
  });

  it('accepts a late answer when nobody else took the comparison meanwhile', async () => {
    const { slug, a } = await oneComparison();
    const held = await take(a, slug);
    expireLeaseOf(a);

    const late = await rankAsShown(a, held);
    expect(late.status, await late.clone().text()).toBe(200);
    expect(rankingsOf(server, held.id)).toBe(1);
  });
});

describe('what a trainer is not given', () => {
  it('never gives trainers a comparison whose context they wrote', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('own-1', 2), conversation('own-2', 2)]);
    const [own, other] = comparisonIds(server, slug);
    const author = await server.user('trainer');
    server.db.sqlite.prepare('UPDATE comparisons SET author_id = ? WHERE id = ?').run(author.id, own);

    const given = await take(author, slug);
    expect(given.id).toBe(other);
    expect((await rankAsShown(author, given)).status).toBe(200);
    expect((await next(author, slug)).status).toBe(204);

    expect((await take(await server.user('trainer'), slug)).id).toBe(own);
  });

  it('never gives back a comparison the trainer skipped, and frees its slot for another trainer', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('skip-1', 2), conversation('skip-2', 2)]);
    const [skipped, other] = comparisonIds(server, slug);
    const a = await server.user('trainer');
    const b = await server.user('trainer');

    expect((await take(a, slug)).id).toBe(skipped);
    const skip = await a.api('POST', `/comparisons/${skipped}/skip`, { reason: 'I do not read this language' });
    expect(skip.status).toBe(204);

    const given = await take(a, slug);
    expect(given.id).toBe(other);
    expect((await rankAsShown(a, given)).status).toBe(200);
    expect((await next(a, slug)).status).toBe(204);

    expect((await take(b, slug)).id).toBe(skipped);
  });

  it('refuses a skip without a reason and keeps the comparison with the trainer', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('noreason', 2)]);
    const a = await server.user('trainer');
    const held = await take(a, slug);

    for (const body of [{}, { reason: '   ' }]) {
      const res = await a.api('POST', `/comparisons/${held.id}/skip`, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(/reason/);
    }
    expect((await take(a, slug)).id).toBe(held.id);
    expect((await next(await server.user('trainer'), slug)).status).toBe(204);
  });

  it('answers 204 when nothing is left, and 404 for unknown or archived projects', async () => {
    const trainer = await server.user('trainer');
    expect((await next(trainer, server.project())).status).toBe(204);

    const unknown = await next(trainer, 'no-such-project');
    expect(unknown.status).toBe(404);

    const slug = await projectWith({ overlap: 1 }, [conversation('archived', 2)]);
    const researcher = await server.user('researcher');
    expect((await researcher.api('PATCH', `/projects/${slug}`, { archived: true })).status).toBe(200);
    expect((await next(trainer, slug)).status).toBe(404);
  });
});

describe('changing the overlap', () => {
  it('reopens finished comparisons when a researcher raises the overlap', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('raise', 3)]);
    const [id] = comparisonIds(server, slug);
    const a = await server.user('trainer');
    const b = await server.user('trainer');
    expect((await rankAsShown(a, await take(a, slug))).status).toBe(200);
    expect((await next(b, slug)).status).toBe(204);

    const researcher = await server.user('researcher');
    const patch = await researcher.api('PATCH', `/projects/${slug}`, { overlap: 2 });
    expect(patch.status).toBe(200);

    expect((await take(b, slug)).id).toBe(id);
    expect((await next(a, slug)).status).toBe(204);
  });

  it('frees a held comparison’s second slot at once when the overlap is raised from the command line while serving', async () => {
    const slug = await projectWith({ overlap: 1 }, [conversation('raise-cli', 3)]);
    const [a, b] = [await server.user('trainer'), await server.user('trainer')];
    const held = await take(a, slug);
    expect((await next(b, slug)).status).toBe(204);

    // What `ordinal projects update --overlap 2` does: another connection to the same file.
    const cli = openDatabase(server.db.file);
    try {
      updateProject(cli, slug, { overlap: 2 }, null);
    } finally {
      cli.sqlite.close();
    }

    expect((await take(b, slug)).id).toBe(held.id);
  });
});

/** Every object key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}
