import { beforeAll, describe, expect, it, vi } from 'vitest';
import { conversation, rankEveryComparison, startServer, type TestServer, type TestUser } from './support/app.ts';
import { bearer, startChildServer } from './support/child-server.ts';

/**
 * Quality figures are computed in a worker thread (server/workers), cached until the project's
 * data changes, and a trainer's own figures read only their comparisons (issue 15).
 */

/** Every task handed to the worker pool, by name, on its way to the real pool. */
const pool = vi.hoisted(() => ({ tasks: [] as string[], onTask: (_name: string) => {} }));
vi.mock('../server/workers/pool.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../server/workers/pool.ts')>();
  const runInWorker: typeof real.runInWorker = (task, dbFile, args) => {
    pool.tasks.push(task);
    pool.onTask(task);
    return real.runInWorker(task, dbFile, args);
  };
  return { runInWorker };
});

let server: TestServer;
let researcher: TestUser;

beforeAll(async () => {
  server = await startServer();
  researcher = await server.user('researcher');
});

const json = async <T>(response: Promise<Response>): Promise<T> => {
  const r = await response;
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as T;
};

interface Trainer {
  username: string;
  rankings: number;
  [figure: string]: unknown;
}
interface Stats {
  rankings: number;
  time: { medianMs: number | null };
  trainers: Trainer[];
}

/** Deterministic pseudo-random numbers, so every run plants the same answers. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a * 1_103_515_245 + 12_345) % 2 ** 31;
    return a / 2 ** 31;
  };
}

/**
 * Ranks through the API until the queue is empty for this trainer (or `limit` comparisons): candidates in a seeded random
 * order, some tied, each with its own time on task.
 */
async function rankAll(trainer: TestUser, slug: string, seed: number, limit = Infinity) {
  const next = random(seed);
  for (let ranked = 0; ranked < limit; ranked++) {
    const response = await trainer.api('GET', `/projects/${slug}/next`);
    if (response.status === 204) return;
    const { comparison } = (await response.json()) as { comparison: { id: string; candidates: { id: string }[] } };
    const ids = comparison.candidates.map((c) => c.id).sort(() => next() - 0.5);
    const groups = ids.map((id) => [id]);
    if (next() < 0.3) groups.splice(0, 2, [...groups[0]!, ...groups[1]!]);
    const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: groups, durationMs: Math.floor(500 + next() * 20_000) });
    expect(put.status, await put.clone().text()).toBe(200);
  }
}

describe('a trainer’s own figures', () => {
  const slug = 'own-figures';
  const trainers: TestUser[] = [];

  beforeAll(async () => {
    server.project({ slug, overlap: 3, allowTies: true, goldRate: 0.3 });
    expect(
      (
        await server.importLines(
          slug,
          Array.from({ length: 16 }, (_, i) => conversation(`q${i}`, 2 + (i % 3))),
        )
      ).status,
    ).toBe(200);
    // Two gold items, expected order: candidates in id order.
    const { comparisons } = await json<{ comparisons: { id: string }[] }>(researcher.api('GET', `/projects/${slug}/comparisons?limit=200`));
    for (const { id } of comparisons.slice(0, 2)) {
      const { comparison } = await json<{ comparison: { candidates: { id: string }[] } }>(researcher.api('GET', `/comparisons/${id}`));
      const gold = await researcher.api('PUT', `/comparisons/${id}/gold`, { ranking: comparison.candidates.map((c) => [c.id]) });
      expect(gold.status).toBe(204);
    }
    for (let t = 0; t < 5; t++) trainers.push(await server.user('trainer'));
    // Each takes part of the queue, so the comparisons they share differ from trainer to trainer.
    for (const [t, trainer] of trainers.entries()) await rankAll(trainer, slug, t + 1, [10, 12, 7, 14, 16][t]);
  });

  it('equal their entry in the project’s figures, and the project median is the project’s', async () => {
    const stats = await json<Stats>(researcher.api('GET', `/projects/${slug}/stats`));
    expect(stats.trainers).toHaveLength(trainers.length);
    expect(stats.trainers.some((t) => t.goldAnswered)).toBe(true);
    for (const trainer of trainers) {
      const mine = await json<{ me: Trainer; projectMedianMs: number }>(trainer.api('GET', `/projects/${slug}/stats/me`));
      expect(mine.me).toEqual(stats.trainers.find((t) => t.username === trainer.username));
      expect(mine.projectMedianMs).toBe(stats.time.medianMs);
    }
  });

  it('are none for a trainer who ranked nothing there', async () => {
    const newcomer = await server.user('trainer');
    const stats = await json<Stats>(researcher.api('GET', `/projects/${slug}/stats`));
    expect(await json(newcomer.api('GET', `/projects/${slug}/stats/me`))).toEqual({ me: null, projectMedianMs: stats.time.medianMs });
  });
});

describe('the project’s figures', () => {
  const slug = 'cached-figures';
  let trainer: TestUser;

  beforeAll(async () => {
    server.project({ slug, overlap: 2, allowTies: true });
    expect(
      (
        await server.importLines(
          slug,
          Array.from({ length: 6 }, (_, i) => conversation(`c${i}`)),
        )
      ).status,
    ).toBe(200);
    await rankAll(await server.user('trainer'), slug, 1);
    trainer = await server.user('trainer');
  });

  it('are computed once while the project does not change, even for requests at the same time', async () => {
    const before = pool.tasks.length;
    const [a, b] = await Promise.all([
      json<Stats>(researcher.api('GET', `/projects/${slug}/stats`)),
      json<Stats>(researcher.api('GET', `/projects/${slug}/stats`)),
    ]);
    const board = await json<{ trainers: { rankings: number }[] }>(researcher.api('GET', `/projects/${slug}/leaderboard`));
    const again = await json<Stats>(researcher.api('GET', `/projects/${slug}/stats`));
    expect(pool.tasks.slice(before)).toEqual(['projectStats']);
    expect([b, again]).toEqual([a, a]);
    expect(board.trainers.map((t) => t.rankings)).toEqual([6]);
  });

  it('are computed again after a ranking arrives, and count it', async () => {
    const before = await json<Stats>(researcher.api('GET', `/projects/${slug}/stats`));
    const { comparison } = await json<{ comparison: { id: string; candidates: { id: string }[] } }>(trainer.api('GET', `/projects/${slug}/next`));
    const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: comparison.candidates.map((c) => [c.id]), durationMs: 4000 });
    expect(put.status).toBe(200);
    const tasks = pool.tasks.length;
    const after = await json<Stats>(researcher.api('GET', `/projects/${slug}/stats`));
    expect(pool.tasks.slice(tasks)).toEqual(['projectStats']);
    expect(after.rankings).toBe(before.rankings + 1);
    expect(after.trainers.find((t) => t.username === trainer.username)).toMatchObject({ rankings: 1, medianMs: 4000 });
  });
});

describe('a large project’s figures', () => {
  const slug = 'large';
  const comparisons = 25_000;

  beforeAll(async () => {
    server.project({ slug, overlap: 3, allowTies: true });
    expect(
      (
        await server.importLines(
          slug,
          Array.from({ length: comparisons }, (_, i) => conversation(`big${i}`, 4)),
        )
      ).status,
    ).toBe(200);
    const orders: Array<(ids: string[]) => string[][]> = [
      (ids) => ids.map((id) => [id]),
      (ids) => [...ids].reverse().map((id) => [id]),
      (ids) => [ids.slice(0, 2), ...ids.slice(2).map((id) => [id])],
    ];
    for (const order of orders) expect(rankEveryComparison(server.db, slug, (await server.user('trainer')).id, order)).toBe(comparisons);
    // One comparison nobody has ranked yet, for the trainer at work meanwhile.
    expect((await server.importLines(slug, [conversation('fresh', 4)])).status).toBe(200);
  }, 120_000);

  it('leave a trainer’s next and ranking to be answered while they are computed', async () => {
    const trainer = await server.user('trainer');
    const finished: string[] = [];
    const handedOver = new Promise<void>((resolve) => (pool.onTask = (task) => task === 'projectStats' && resolve()));
    const stats = json<Stats>(researcher.api('GET', `/projects/${slug}/stats`)).then((s) => {
      finished.push('stats');
      return s;
    });
    await handedOver;

    const { comparison } = await json<{ comparison: { id: string; candidates: { id: string }[] } }>(trainer.api('GET', `/projects/${slug}/next`));
    const put = await trainer.api('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: comparison.candidates.map((c) => [c.id]) });
    expect(put.status).toBe(200);
    finished.push('trainer');

    expect((await stats).rankings).toBe(3 * comparisons);
    expect(finished).toEqual(['trainer', 'stats']);
  }, 120_000);
});

describe('the compiled server', () => {
  it('computes the figures in its compiled worker, the same as from the sources', async () => {
    const slug = 'compiled';
    server.project({ slug, overlap: 2, allowTies: true });
    expect(
      (
        await server.importLines(
          slug,
          Array.from({ length: 8 }, (_, i) => conversation(`k${i}`, 3)),
        )
      ).status,
    ).toBe(200);
    for (const seed of [1, 2]) await rankAll(await server.user('trainer'), slug, seed);
    const child = await startChildServer({ db: server.db.file });
    const fromChild = await json<Stats>(bearer(child.url, researcher.token)('GET', `/projects/${slug}/stats`));
    expect(fromChild).toEqual(await json<Stats>(researcher.api('GET', `/projects/${slug}/stats`)));
    expect(fromChild.rankings).toBe(16);
    await child.kill();
  });
});
