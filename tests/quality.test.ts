import { beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer, type TestUser } from './support/app.ts';
import { cli } from './support/child-server.ts';

/**
 * Quality figures (issue 5) computed from rankings planted through the real API. Every expected
 * figure is worked out by hand in the comments; the API and `ordinal stats --json` must give the
 * same numbers.
 */

let server: TestServer;
let researcher: TestUser;

beforeAll(async () => {
  server = await startServer();
  researcher = await server.user('researcher');
});

/** An answer `length` characters long that starts with its label, e.g. "b:xxxxxxx". */
const answer = (label: string, length: number) => `${label}:${'x'.repeat(length - label.length - 1)}`;
const labelOf = (content: string) => content.slice(0, content.indexOf(':'));

/** A conversation whose candidates are labelled answers of the given lengths, imported in this order. */
const line = (key: string, lengths: Array<[string, number]>) => ({
  id: key,
  messages: [{ role: 'user', content: `Question ${key}?` }],
  completions: lengths.map(([label, length]) => ({ content: answer(label, length), model: 'm' })),
});
const sameLength = (key: string, labels = ['a', 'b', 'c']) =>
  line(
    key,
    labels.map((l) => [l, 12]),
  );

/** A comparison as one trainer was handed it. */
interface Task {
  comparisonId: string;
  /** The conversation's import id. */
  key: string;
  /** Candidate labels in the order this trainer was shown them. */
  shown: string[];
  idOf: Map<string, string>;
  contentOf: Map<string, string>;
}

async function take(trainer: TestUser, slug: string): Promise<Task | null> {
  const response = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  if (response.status === 204) return null;
  expect(response.status).toBe(200);
  const { comparison } = (await response.json()) as {
    comparison: { id: string; context: { content: string }[]; candidates: { id: string; content: string }[] };
  };
  const key = /^Question (.+)\?$/.exec(comparison.context.at(-1)!.content)![1]!;
  return {
    comparisonId: comparison.id,
    key,
    shown: comparison.candidates.map((c) => labelOf(c.content)),
    idOf: new Map(comparison.candidates.map((c) => [labelOf(c.content), c.id])),
    contentOf: new Map(comparison.candidates.map((c) => [labelOf(c.content), c.content])),
  };
}

type Decision = { ranking: string[][]; durationMs?: number; flags?: Record<string, string[]>; note?: string } | { skip: string };

/** Takes and answers comparisons until the queue has nothing left for this trainer; returns what they were given. */
async function work(trainer: TestUser, slug: string, decide: (task: Task) => Decision): Promise<Array<Task & { ranking: string[][] | null }>> {
  const done: Array<Task & { ranking: string[][] | null }> = [];
  for (let task = await take(trainer, slug); task; task = await take(trainer, slug)) {
    const decision = decide(task);
    if ('skip' in decision) {
      const skipped = await trainer.api('POST', `/comparisons/${task.comparisonId}/skip`, { reason: decision.skip });
      expect(skipped.status).toBeLessThan(300);
      done.push({ ...task, ranking: null });
      continue;
    }
    const t = task;
    const put = await trainer.api('PUT', `/comparisons/${t.comparisonId}/ranking`, {
      ranking: decision.ranking.map((group) => group.map((l) => t.idOf.get(l)!)),
      ...(decision.durationMs === undefined ? {} : { durationMs: decision.durationMs }),
      ...(decision.flags ? { flags: Object.fromEntries(Object.entries(decision.flags).map(([l, f]) => [t.idOf.get(l)!, f])) } : {}),
      ...(decision.note ? { note: decision.note } : {}),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    done.push({ ...task, ranking: decision.ranking });
  }
  return done;
}

/** A ranking written as a string of labels, best first, with ties in braces: "{ab}c". */
const order = (spec: string): string[][] => [...spec.matchAll(/\{(\w+)\}|(\w)/g)].map((m) => (m[1] ? [...m[1]] : [m[2]!]));

interface TrainerStats {
  username: string;
  rankings: number;
  agreement: number | null;
  kendallTau: number | null;
  agreementComparisons: number;
  goldAccuracy: number | null;
  goldAnswered: number;
  longerPreferred: number | null;
  lengthPairs: number;
  prefersLonger: boolean;
  positionBias: { byShownPosition: (number | null)[]; contests: number[] };
  medianMs: number | null;
  perHour: number | null;
  shownOrderSubmissions: number;
  fastAnswers: number;
}
interface Stats {
  project: string;
  comparisons: number;
  completedComparisons: number;
  rankings: number;
  agreement: { pairwise: number | null; kendallTau: number | null; comparisons: number; rankingPairs: number };
  lengthBias: { longerPreferred: number | null; pairs: number; byLengthRatio: { bucket: string; longerPreferred: number | null; pairs: number }[] };
  positionBias: { byShownPosition: (number | null)[]; contests: number[] };
  time: { medianMs: number | null; fastThresholdMs: number | null };
  suspicious: { shownOrderSubmissions: number; fastAnswers: number };
  gold: { comparisons: number; answers: number; accuracy: number | null };
  timeline: { date: string; rankings: number }[];
  trainers: TrainerStats[];
}

/** The project's figures from GET /projects/:slug/stats, checked to equal `ordinal stats --project <slug> --json`. */
async function stats(slug: string): Promise<Stats> {
  const response = await researcher.api('GET', `/projects/${slug}/stats`);
  expect(response.status).toBe(200);
  const fromApi = (await response.json()) as Stats;
  const fromCli = JSON.parse(await cli(server.db.file, ['stats', '--project', slug, '--json'])) as Stats;
  expect(fromCli).toEqual(fromApi);
  return fromApi;
}

const trainerIn = (s: Stats, username: string) => {
  const t = s.trainers.find((x) => x.username === username);
  expect(t, `${username} in the trainer table`).toBeDefined();
  return t!;
};

async function exportLines(slug: string, query: string): Promise<Array<Record<string, unknown>>> {
  const response = await researcher.api('GET', `/projects/${slug}/export?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const today = () => new Date().toISOString().slice(0, 10);

describe('agreement between trainers', () => {
  /**
   * Three trainers, overlap 3, ties allowed; candidates a, b, c of one length. Rankings:
   *   c1  ann abc      bob abc      cyd abc
   *   c2  ann abc      bob abc      cyd cba
   *   c3  ann abc      bob bac      cyd acb
   *   c4  ann {ab}c    bob abc      cyd c{ab}
   *   c5  ann abc      bob bca      cyd cab    (a Condorcet cycle; imported in the order b, c, a)
   *   c6  ann abc      bob and cyd skip it
   */
  const slug = 'panel';
  const plan: Record<string, Record<string, string>> = {
    c1: { ann: 'abc', bob: 'abc', cyd: 'abc' },
    c2: { ann: 'abc', bob: 'abc', cyd: 'cba' },
    c3: { ann: 'abc', bob: 'bac', cyd: 'acb' },
    c4: { ann: '{ab}c', bob: 'abc', cyd: 'c{ab}' },
    c5: { ann: 'abc', bob: 'bca', cyd: 'cab' },
    c6: { ann: 'abc' },
  };
  const names = { ann: 'panel-ann', bob: 'panel-bob', cyd: 'panel-cyd' };
  const trainers: Record<string, TestUser> = {};
  const idsByKey = new Map<string, string>();

  beforeAll(async () => {
    server.project({ slug, overlap: 3, allowTies: true });
    const lines = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((k) => (k === 'c5' ? sameLength(k, ['b', 'c', 'a']) : sameLength(k)));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    for (const [short, username] of Object.entries(names)) {
      const trainer = (trainers[short] = await server.user('trainer', username));
      const tasks = await work(trainer, slug, (task) => {
        const spec = plan[task.key]![short];
        if (!spec) return { skip: `${short} cannot judge ${task.key}` };
        if (short === 'ann' && task.key === 'c1') return { ranking: order(spec), flags: { c: ['hallucination'] }, note: 'c makes up a date' };
        return { ranking: order(spec) };
      });
      for (const t of tasks) idsByKey.set(t.key, t.comparisonId);
      expect(tasks.map((t) => t.key)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    }
  });

  it('measures pairwise agreement and mean τ-b over every two rankings of a comparison, leaving ties out', async () => {
    const s = await stats(slug);
    expect(s.comparisons).toBe(6);
    expect(s.rankings).toBe(16);
    // Only c1–c5 were ranked by two or more; each has 3 trainers, so 3 ranking pairs: 15.
    expect(s.agreement.comparisons).toBe(5);
    expect(s.agreement.rankingPairs).toBe(15);
    // Agreed / untied pairs, per ranking pair (ann–bob, ann–cyd, bob–cyd):
    //   c1 3/3 3/3 3/3   c2 3/3 0/3 0/3   c3 2/3 2/3 1/3
    //   c4 2/2 (ab tied by ann) 0/2 (ab tied) 0/2 (ab tied by cyd)   c5 1/3 1/3 1/3
    // Σ agreed = 9 + 3 + 5 + 2 + 3 = 22, Σ pairs = 9 + 9 + 9 + 6 + 9 = 42.
    expect(s.agreement.pairwise).toBeCloseTo(22 / 42, 12);
    // τ-b per ranking pair: c1 1 1 1; c2 1 −1 −1; c3 ⅓ ⅓ −⅓;
    //   c4 2/√6 (n₁=1: 2/√(2·3)), −1 (both tie ab: −2/√(2·2)), −2/√6; c5 −⅓ −⅓ −⅓.
    // Sum = 3 − 1 + ⅓ − 1 − 1 = ⅓; mean over 15 = 1/45.
    expect(s.agreement.kendallTau).toBeCloseTo(1 / 45, 12);
    // Candidates of the same length: no length pairs at all. No time recorded.
    expect(s.lengthBias).toMatchObject({ longerPreferred: null, pairs: 0 });
    expect(s.time).toEqual({ medianMs: null, fastThresholdMs: null });
    expect(s.timeline).toEqual([{ date: today(), rankings: 16 }]);
  });

  it('measures each trainer against the consensus of the others, on the pairs a majority of them supports', async () => {
    const s = await stats(slug);
    expect(s.trainers.map((t) => t.username)).toEqual(['panel-ann', 'panel-bob', 'panel-cyd']);
    // Leave-one-out ranked-pairs consensus of the other two: its supported pairs (a locked majority
    // path) with the trainer's agreed/untied count on them, and its ranking (ties where no complete
    // cut separates) with the trainer's τ-b against it:
    //   c1: others abc → a>b, a>c, b>c; abc: everyone 3/3, τ 1.
    //   c2: ann: abc+cba → every pair 1:1, no pairs, all tied: 0/0, τ null; bob: the same;
    //       cyd: abc+abc → a>b, a>c, b>c; abc: cba 0/3, τ −1.
    //   c3: ann: bac+acb → a>c only, b beside both → {abc}: abc 1/1, τ null;
    //       bob: abc+acb → a>b, a>c; a{bc}: bac 1/2, τ 0; cyd: abc+bac → a>c, b>c; {ab}c: acb 1/2, τ 0.
    //   c4: ann: abc+c{ab} → a>b only (1:0) → {abc}: ann ties ab, 0/0, τ null;
    //       bob: {ab}c+c{ab} → nothing: 0/0, τ null; cyd: {ab}c+abc → a>b, a>c, b>c; abc: c{ab} 0/2, τ −2/√6.
    //   c5: ann: bca+cab → c>a only → {abc}: abc 0/1, τ null; bob: abc+cab → a>b only: bca 0/1, τ null;
    //       cyd: abc+bca → b>c only: cab 0/1, τ null.
    //   c6: ranked once, not counted.
    const ann = trainerIn(s, 'panel-ann');
    expect(ann).toMatchObject({ rankings: 6, agreementComparisons: 5, goldAccuracy: null, goldAnswered: 0, longerPreferred: null, lengthPairs: 0 });
    expect(ann.agreement).toBeCloseTo((3 + 0 + 1 + 0 + 0) / (3 + 0 + 1 + 0 + 1), 12); // 4/5
    expect(ann.kendallTau).toBe(1);
    const bob = trainerIn(s, 'panel-bob');
    expect(bob).toMatchObject({ rankings: 5, agreementComparisons: 5 });
    expect(bob.agreement).toBeCloseTo((3 + 0 + 1 + 0 + 0) / (3 + 0 + 2 + 0 + 1), 12); // 2/3
    expect(bob.kendallTau).toBeCloseTo((1 + 0) / 2, 12);
    const cyd = trainerIn(s, 'panel-cyd');
    expect(cyd).toMatchObject({ rankings: 5, agreementComparisons: 5 });
    expect(cyd.agreement).toBeCloseTo((3 + 0 + 1 + 0 + 0) / (3 + 3 + 2 + 2 + 1), 12); // 4/11
    expect(cyd.kendallTau).toBeCloseTo((1 - 1 + 0 - 2 / Math.sqrt(6)) / 4, 12);
  });

  it('exports one ranked-pairs consensus per comparison, tying an even cycle rather than breaking it in candidate order', async () => {
    const records = await exportLines(slug, 'format=rankings&rows=consensus');
    const byKey = new Map(
      records.map((r) => {
        const content = new Map((r.candidates as { id: string; content: string }[]).map((c) => [c.id, labelOf(c.content)]));
        const key = [...idsByKey].find(([, id]) => id === r.comparison_id)![0];
        return [
          key,
          {
            annotator: r.annotator,
            order: (r.ranking as string[][]).map((g) =>
              g
                .map((id) => content.get(id))
                .sort()
                .join(''),
            ),
          },
        ];
      }),
    );
    // c2: a>b, a>c, b>c each 2–1 → abc. c3: a>c 3–0, a>b 2–1, b>c 2–1 → abc.
    // c4: a>c 2–1, b>c 2–1, a>b 1–0 → abc. c6: ann's alone.
    // c5: a>b, b>c, c>a each 2–1; equal strength, so none is locked (the candidates' order, b, c,
    //     a, would otherwise decide) → all tied.
    expect(Object.fromEntries([...byKey].map(([k, v]) => [k, v.order.join(' > ')]))).toEqual({
      c1: 'a > b > c',
      c2: 'a > b > c',
      c3: 'a > b > c',
      c4: 'a > b > c',
      c5: 'abc',
      c6: 'a > b > c',
    });
    expect([...byKey.values()].every((v) => v.annotator === 'consensus')).toBe(true);
  });

  it('exports only comparisons whose trainers agree at least as much as asked, never those ranked once', async () => {
    // Per comparison: c1 9/9 = 1, c2 3/9, c3 5/9 ≈ 0.56, c4 2/6, c5 3/9; c6 ranked once.
    const keysOf = async (minAgreement: string) => {
      const records = await exportLines(slug, `format=rankings&minAgreement=${minAgreement}`);
      return [...new Set(records.map((r) => [...idsByKey].find(([, id]) => id === r.comparison_id)![0]))];
    };
    expect(await keysOf('0.5')).toEqual(['c1', 'c3']);
    expect(await keysOf('1')).toEqual(['c1']);
    expect(await keysOf('0')).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect((await exportLines(slug, 'format=rankings')).length).toBe(16);
    const count = await researcher.api('GET', `/projects/${slug}/export/count?format=rankings&minAgreement=0.5`);
    expect(await count.json()).toEqual({ rows: 6, multiTurnRows: 0, droppedSystemPrompts: 0 });
    const viaCli = await cli(server.db.file, ['export', '--project', slug, '--format', 'rankings', '--min-agreement', '0.5']);
    expect(viaCli.trim().split('\n')).toHaveLength(6);
  });

  it('lists flagged answers, skip reasons and notes for review', async () => {
    const response = await researcher.api('GET', `/projects/${slug}/review`);
    expect(response.status).toBe(200);
    const review = (await response.json()) as {
      flagged: { comparisonId: string; flags: string[]; annotator: string }[];
      skips: { comparisonId: string; reason: string; annotator: string }[];
      notes: { note: string; annotator: string }[];
    };
    expect(review.flagged).toEqual([expect.objectContaining({ comparisonId: idsByKey.get('c1'), flags: ['hallucination'], annotator: 'panel-ann' })]);
    expect(review.skips.map((s) => [s.annotator, s.reason, s.comparisonId]).sort()).toEqual([
      ['panel-bob', 'bob cannot judge c6', idsByKey.get('c6')],
      ['panel-cyd', 'cyd cannot judge c6', idsByKey.get('c6')],
    ]);
    expect(review.notes).toEqual([expect.objectContaining({ note: 'c makes up a date', annotator: 'panel-ann' })]);
    expect((await trainers.ann!.api('GET', `/projects/${slug}/review`)).status).toBe(403);
  });

  it('keeps the leaderboard from trainers until the project turns it on', async () => {
    const off = await trainers.bob!.api('GET', `/projects/${slug}/leaderboard`);
    expect(off.status).toBe(404);
    expect(((await off.json()) as { error: { code: string } }).error.code).toBe('leaderboard.off');
    expect((await researcher.api('GET', `/projects/${slug}/leaderboard`)).status).toBe(200);

    const patched = await researcher.api('PATCH', `/projects/${slug}`, { leaderboard: true });
    expect(patched.status).toBe(200);
    const on = await trainers.bob!.api('GET', `/projects/${slug}/leaderboard`);
    expect(on.status).toBe(200);
    const board = (await on.json()) as { trainers: Array<Record<string, unknown>> };
    // Most rankings first, then by name; only these four figures.
    expect(board.trainers.map((t) => Object.keys(t).sort())).toEqual(Array(3).fill(['agreement', 'goldAccuracy', 'rankings', 'username']));
    expect(board.trainers.map((t) => [t.username, t.rankings])).toEqual([
      ['panel-ann', 6],
      ['panel-bob', 5],
      ['panel-cyd', 5],
    ]);
    expect(board.trainers[0]!.agreement).toBeCloseTo(4 / 5, 12);
  });

  it('gives a trainer their own figures only, and not the project’s', async () => {
    const response = await trainers.bob!.api('GET', `/projects/${slug}/stats/me`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { me: TrainerStats; projectMedianMs: number | null };
    expect(Object.keys(body).sort()).toEqual(['me', 'projectMedianMs']);
    expect(body.me).toMatchObject({ username: 'panel-bob', rankings: 5, agreementComparisons: 5 });
    expect(body.me.agreement).toBeCloseTo(2 / 3, 12);
    expect(body.projectMedianMs).toBeNull();
    expect(JSON.stringify(body)).not.toMatch(/panel-(ann|cyd)/);

    const stranger = await server.user('trainer', 'panel-stranger');
    expect(await (await stranger.api('GET', `/projects/${slug}/stats/me`)).json()).toEqual({ me: null, projectMedianMs: null });
    expect((await trainers.bob!.api('GET', `/projects/${slug}/stats`)).status).toBe(403);
  });
});

describe('gold items', () => {
  /**
   * Overlap 3, gold rate 0.5: 3 gold comparisons (expected order a > b > c) imported first, then 20
   * regular ones. Three trainers rank everything the same way: exact abc (3 of 3 gold pairs right),
   * half acb (ab and ac right, bc wrong: 2 of 3), contrary cba (0 of 3).
   */
  const slug = 'gold';
  const policies = { exact: 'abc', half: 'acb', contrary: 'cba' } as const;
  const goldKeys = ['g1', 'g2', 'g3'];
  const regularKeys = Array.from({ length: 20 }, (_, i) => `r${i + 1}`);
  const goldIds = new Map<string, string>();
  const given = new Map<string, string[]>();
  const trainers: Record<string, TestUser> = {};

  beforeAll(async () => {
    server.project({ slug, overlap: 3, goldRate: 0.5 });
    expect(
      (
        await server.importLines(
          slug,
          [...goldKeys, ...regularKeys].map((k) => sameLength(k)),
        )
      ).status,
    ).toBe(200);
    const list = (await (await researcher.api('GET', `/projects/${slug}/comparisons?limit=200`)).json()) as { comparisons: { id: string; prompt: string }[] };
    for (const c of list.comparisons) {
      const key = /^Question (.+)\?$/.exec(c.prompt)![1]!;
      if (goldKeys.includes(key)) goldIds.set(key, c.id);
    }
    for (const [key, id] of goldIds) {
      const { comparison } = (await (await researcher.api('GET', `/comparisons/${id}`)).json()) as {
        comparison: { candidates: { id: string; content: string }[] };
      };
      const idOf = new Map(comparison.candidates.map((c) => [labelOf(c.content), c.id]));
      const put = await researcher.api('PUT', `/comparisons/${id}/gold`, { ranking: [[idOf.get('a')], [idOf.get('b')], [idOf.get('c')]] });
      expect(put.status, `${key}: ${await put.clone().text()}`).toBe(204);
    }
    for (const [name, policy] of Object.entries(policies)) {
      trainers[name] = await server.user('trainer', `gold-${name}`);
      given.set(
        name,
        (await work(trainers[name]!, slug, () => ({ ranking: order(policy) }))).map((t) => t.key),
      );
    }
  });

  it('only researchers mark gold, and only with a valid order of the comparison’s own candidates', async () => {
    const id = goldIds.get('g1')!;
    expect((await trainers.exact!.api('PUT', `/comparisons/${id}/gold`, { ranking: [['1'], ['2']] })).status).toBe(403);
    const { comparison } = (await (await researcher.api('GET', `/comparisons/${id}`)).json()) as {
      comparison: { candidates: { id: string }[]; goldRanking: string[][] | null };
    };
    expect(comparison.goldRanking).toHaveLength(3);
    const partial = await researcher.api('PUT', `/comparisons/${id}/gold`, { ranking: [[comparison.candidates[0]!.id], [comparison.candidates[1]!.id]] });
    expect(partial.status).toBe(400);
    expect(((await partial.json()) as { error: { code: string } }).error.code).toBe('gold.invalid');
  });

  it('hands each trainer every regular comparison once, and a gold item at most once, unannounced', () => {
    for (const name of Object.keys(policies)) {
      const keys = given.get(name)!;
      expect(new Set(keys).size, `${name} was never given the same comparison twice`).toBe(keys.length);
      expect(keys.filter((k) => k.startsWith('r')).sort()).toEqual([...regularKeys].sort());
      // With 20 regular comparisons and a 1-in-2 rate, missing every gold item has odds of 2⁻²⁰.
      expect(keys.filter((k) => k.startsWith('g')).length, `${name} got at least one gold item`).toBeGreaterThanOrEqual(1);
    }
  });

  it('scores each trainer on the gold pairs they ordered as the researcher did', async () => {
    const s = await stats(slug);
    const answered = Object.fromEntries(Object.keys(policies).map((n) => [n, given.get(n)!.filter((k) => k.startsWith('g')).length]));
    const total = answered.exact! + answered.half! + answered.contrary!;
    expect(trainerIn(s, 'gold-exact')).toMatchObject({ goldAnswered: answered.exact, goldAccuracy: 1 });
    expect(trainerIn(s, 'gold-half')).toMatchObject({ goldAnswered: answered.half });
    expect(trainerIn(s, 'gold-half').goldAccuracy).toBeCloseTo(2 / 3, 12);
    expect(trainerIn(s, 'gold-contrary')).toMatchObject({ goldAnswered: answered.contrary, goldAccuracy: 0 });
    expect(s.gold.comparisons).toBe(3);
    expect(s.gold.answers).toBe(total);
    // Σ right gold pairs / Σ gold pairs answered: (3·exact + 2·half + 0·contrary) / (3 · total).
    expect(s.gold.accuracy).toBeCloseTo((3 * answered.exact! + 2 * answered.half!) / (3 * total), 12);
    expect(s.rankings).toBe(60 + total);
  });

  it('never counts a gold item as a completed comparison', async () => {
    const s = await stats(slug);
    expect(s.comparisons).toBe(23);
    expect(s.completedComparisons).toBe(20);
    const response = await researcher.api('GET', `/projects/${slug}`);
    const body = (await response.json()) as { progress: { completed: number } } | { project: { progress: { completed: number } } };
    const progress = 'project' in body ? body.project.progress : body.progress;
    expect(progress.completed, 'the project page’s completed count').toBe(20);
  });

  it('makes a gold comparison ordinary again', async () => {
    const id = goldIds.get('g3')!;
    expect((await researcher.api('DELETE', `/comparisons/${id}/gold`)).status).toBe(204);
    const { comparison } = (await (await researcher.api('GET', `/comparisons/${id}`)).json()) as { comparison: { goldRanking: unknown } };
    expect(comparison.goldRanking).toBeNull();
    expect((await stats(slug)).gold.comparisons).toBe(2);
  });
});

describe('length bias', () => {
  /**
   * Overlap 3; answers a, b, c of these lengths (characters), and their pairs' length ratios:
   *   c1  a 10, b 20, c 30    ab 2 (≤2), ac 3 (>2), bc 1.5 (≤1.5)
   *   c2  a 40, b 30, c 20    ab 1.33 (≤1.5), ac 2 (≤2), bc 1.5 (≤1.5)
   *   c3  a 100, b 110, c 120 ab 1.1, ac 1.2, bc 1.09 (all ≤1.25)
   *   c4  a 50, b 50, c 200   ab same length (left out), ac 4, bc 4 (>2)
   * 11 pairs of different lengths per ranking. longfan ranks longest first (c4: c > a > b);
   * alpha always a > b > c; middle always b > c > a. Times: longfan 1 s, alpha 8 s, middle 10 s.
   */
  const slug = 'lengths';
  const lines = [
    line('c1', [
      ['a', 10],
      ['b', 20],
      ['c', 30],
    ]),
    line('c2', [
      ['a', 40],
      ['b', 30],
      ['c', 20],
    ]),
    line('c3', [
      ['a', 100],
      ['b', 110],
      ['c', 120],
    ]),
    line('c4', [
      ['a', 50],
      ['b', 50],
      ['c', 200],
    ]),
  ];
  const lengthOf = (task: Task, label: string) => task.contentOf.get(label)!.length;
  const policies: Record<string, { rank: (task: Task) => string[][]; durationMs: number }> = {
    longfan: { rank: (t) => [...t.shown].sort((x, y) => lengthOf(t, y) - lengthOf(t, x) || (x < y ? -1 : 1)).map((l) => [l]), durationMs: 1000 },
    alpha: { rank: () => order('abc'), durationMs: 8000 },
    middle: { rank: () => order('bca'), durationMs: 10000 },
  };
  const done = new Map<string, Array<Task & { ranking: string[][] | null }>>();

  beforeAll(async () => {
    server.project({ slug, overlap: 3 });
    expect((await server.importLines(slug, lines)).status).toBe(200);
    for (const [name, policy] of Object.entries(policies)) {
      const trainer = await server.user('trainer', name);
      done.set(name, await work(trainer, slug, (task) => ({ ranking: policy.rank(task), durationMs: policy.durationMs })));
    }
    expect([...done.values()].map((tasks) => tasks.length)).toEqual([4, 4, 4]);
  });

  it('names the trainer who always prefers the longer answer, and measures everyone else exactly', async () => {
    const s = await stats(slug);
    // longfan: 11 of 11. alpha (abc): only c2's three pairs go to the longer: 3/11.
    // middle (bca): c1 ba won, ca won, bc lost (2); c2 ba lost, ca lost, bc won (1); c3 2; c4 ca won, bc lost (1): 6/11.
    expect(trainerIn(s, 'longfan')).toMatchObject({ longerPreferred: 1, lengthPairs: 11 });
    expect(trainerIn(s, 'alpha')).toMatchObject({ lengthPairs: 11 });
    expect(trainerIn(s, 'alpha').longerPreferred).toBeCloseTo(3 / 11, 12);
    expect(trainerIn(s, 'middle')).toMatchObject({ lengthPairs: 11 });
    expect(trainerIn(s, 'middle').longerPreferred).toBeCloseTo(6 / 11, 12);
    // (11 + 3 + 6) / 33.
    expect(s.lengthBias.pairs).toBe(33);
    // 11 of 11 is not enough for the mark: it takes 20 pairs or more.
    expect(s.trainers.map((t) => t.prefersLonger)).toEqual([false, false, false]);
    expect(s.lengthBias.longerPreferred).toBeCloseTo(20 / 33, 12);
  });

  it('breaks the length preference down by how much longer the longer answer is', async () => {
    const s = await stats(slug);
    // ≤1.25: c3's 3 pairs × 3 trainers: longfan 3, alpha 0, middle 2 → 5/9.
    // ≤1.5: c1 bc, c2 ab, c2 bc: longfan 3, alpha 2 (c2 ab, bc), middle 1 (c2 bc) → 6/9.
    // ≤2: c1 ab, c2 ac: longfan 2, alpha 1 (c2 ac), middle 1 (c1 ab) → 4/6.
    // >2: c1 ac, c4 ac, c4 bc: longfan 3, alpha 0, middle 2 (c1 ac, c4 ac) → 5/9.
    const buckets = s.lengthBias.byLengthRatio;
    expect(buckets.map((b) => b.pairs)).toEqual([9, 9, 6, 9]);
    [5 / 9, 6 / 9, 4 / 6, 5 / 9].forEach((expected, i) => expect(buckets[i]!.longerPreferred, buckets[i]!.bucket).toBeCloseTo(expected, 12));
  });

  it('counts answers faster than a quarter of the project’s median time', async () => {
    const s = await stats(slug);
    // Times: 4 × 1000, 4 × 8000, 4 × 10000; median of 12 = (8000 + 8000) / 2; fast below 2000.
    expect(s.time).toEqual({ medianMs: 8000, fastThresholdMs: 2000 });
    expect(trainerIn(s, 'longfan')).toMatchObject({ medianMs: 1000, fastAnswers: 4 });
    expect(trainerIn(s, 'alpha')).toMatchObject({ medianMs: 8000, fastAnswers: 0 });
    expect(trainerIn(s, 'middle')).toMatchObject({ medianMs: 10000, fastAnswers: 0 });
    expect(s.suspicious.fastAnswers).toBe(4);
    // 4 rankings in 4 s of recorded time: 3600 an hour.
    expect(trainerIn(s, 'longfan').perHour).toBeCloseTo(3600, 9);
    // Submissions that happen to equal the (random) shown order, counted from what each was shown.
    for (const [name, tasks] of done) {
      const asShown = tasks.filter((t) => t.ranking!.map((g) => g.join('')).join('') === t.shown.join('')).length;
      expect(trainerIn(s, name).shownOrderSubmissions, name).toBe(asShown);
    }
  });

  it('exports each ranking with the candidates’ lengths, shown positions and time', async () => {
    const records = await exportLines(slug, 'format=rankings&withFeatures=true');
    expect(records).toHaveLength(12);
    for (const record of records) {
      const task = done.get(record.annotator as string)!.find((t) => t.comparisonId === record.comparison_id)!;
      const ids = [...task.idOf];
      expect(record.features).toEqual({
        lengths: Object.fromEntries(ids.map(([label, id]) => [id, lengthOf(task, label)])),
        shown_positions: Object.fromEntries(ids.map(([label, id]) => [id, task.shown.indexOf(label) + 1])),
        duration_ms: policies[record.annotator as string]!.durationMs,
        suggestion_visible: false,
      });
    }
    expect((await exportLines(slug, 'format=rankings'))[0]).not.toHaveProperty('features');
  });
});

describe('position bias', () => {
  /**
   * One trainer alone, who always submits the order shown: five comparisons of three answers
   * (a 10, b 20, c 40 characters), times 1000, 4000, 5000, 6000 and 800 ms.
   */
  const slug = 'as-shown';
  const durations = [1000, 4000, 5000, 6000, 800];
  let tasks: Array<Task & { ranking: string[][] | null }> = [];

  beforeAll(async () => {
    server.project({ slug, overlap: 1 });
    const lines = ['p1', 'p2', 'p3', 'p4', 'p5'].map((k) =>
      line(k, [
        ['a', 10],
        ['b', 20],
        ['c', 40],
      ]),
    );
    expect((await server.importLines(slug, lines)).status).toBe(200);
    const clicker = await server.user('trainer', 'clicker');
    let n = 0;
    tasks = await work(clicker, slug, (task) => ({ ranking: task.shown.map((l) => [l]), durationMs: durations[n++]! }));
    expect(tasks).toHaveLength(5);
  });

  it('gives the first shown position every win when a trainer submits the order shown', async () => {
    const s = await stats(slug);
    // Per ranking the first shown beats 2 of 2, the second 1 of 2, the last 0 of 2; 5 rankings.
    expect(s.positionBias).toEqual({ byShownPosition: [1, 0.5, 0], contests: [10, 10, 10] });
    expect(s.suspicious.shownOrderSubmissions).toBe(5);
    expect(trainerIn(s, 'clicker')).toMatchObject({ rankings: 5, shownOrderSubmissions: 5, agreement: null, agreementComparisons: 0 });
  });

  it('takes the median time from the recorded durations and calls an answer under a quarter of it fast', async () => {
    const s = await stats(slug);
    // Sorted 800, 1000, 4000, 5000, 6000: median 4000, threshold 1000; only 800 is under it (1000 is not).
    expect(s.time).toEqual({ medianMs: 4000, fastThresholdMs: 1000 });
    expect(s.suspicious.fastAnswers).toBe(1);
    expect(trainerIn(s, 'clicker')).toMatchObject({ medianMs: 4000, fastAnswers: 1 });
    expect(trainerIn(s, 'clicker').perHour).toBeCloseTo(5 / (16800 / 3_600_000), 9);
  });

  it('exports trl pairs with their length difference and the positions the two answers were shown at', async () => {
    const rows = await exportLines(slug, 'format=trl&withFeatures=true');
    expect(rows).toHaveLength(15);
    const expected = tasks.flatMap((task, n) =>
      [
        [0, 1],
        [0, 2],
        [1, 2],
      ].map(([i, j]) => {
        const [chosen, rejected] = [task.contentOf.get(task.shown[i!]!)!, task.contentOf.get(task.shown[j!]!)!];
        return {
          group_id: task.comparisonId,
          chosen,
          rejected,
          features: {
            length_diff: chosen.length - rejected.length,
            chosen_length: chosen.length,
            rejected_length: rejected.length,
            chosen_shown_position: i! + 1,
            rejected_shown_position: j! + 1,
            duration_ms: durations[n],
            suggestion_visible: false,
          },
        };
      }),
    );
    const actual = rows.map((r) => ({
      group_id: r.group_id,
      chosen: (r.chosen as { content: string }[])[0]!.content,
      rejected: (r.rejected as { content: string }[])[0]!.content,
      features: r.features,
    }));
    const sortKey = (x: { group_id: unknown; chosen: string; rejected: string }) => `${x.group_id}|${x.chosen}|${x.rejected}`;
    expect(actual.sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1))).toEqual(expected.sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : 1)));

    expect((await exportLines(slug, 'format=trl'))[0]).not.toHaveProperty('features');
    const response = await researcher.api('GET', `/projects/${slug}/export?format=trl&withFeatures=true`);
    const viaCli = await cli(server.db.file, ['export', '--project', slug, '--format', 'trl', '--with-features']);
    expect(viaCli).toBe(await response.text());
  });
});

describe('one length everywhere', () => {
  /**
   * One trainer ranks answer a first in two comparisons. Lengths in code points, as stored:
   *   k1  a "a:😀😀😀" 5 (8 UTF-16 units)   b "b:abcd" 6: b is the longer, and lost (ratio 1.2).
   *   k2  a "a:\0" and ten x, 13 (SQLite's length() stops at the NUL: 2)   b "b:abcd" 6: a is the longer, and won (ratio 13/6).
   * UTF-16 units would make a the longer in both (2 of 2), SQLite's length() b in both (0 of 2).
   */
  const slug = 'code-points';

  beforeAll(async () => {
    server.project({ slug, overlap: 1 });
    const lines = [
      { id: 'k1', messages: [{ role: 'user', content: 'Question k1?' }], completions: [{ content: 'a:😀😀😀' }, { content: 'b:abcd' }] },
      { id: 'k2', messages: [{ role: 'user', content: 'Question k2?' }], completions: [{ content: `a:\u0000${'x'.repeat(10)}` }, { content: 'b:abcd' }] },
    ];
    expect((await server.importLines(slug, lines)).status).toBe(200);
    const tasks = await work(await server.user('trainer', 'counter'), slug, () => ({ ranking: order('ab') }));
    expect(tasks.map((t) => t.key).sort()).toEqual(['k1', 'k2']);
  });

  it('counts code points: three emoji are shorter than four letters, and a NUL is a character like any other', async () => {
    const s = await stats(slug);
    expect(s.lengthBias).toMatchObject({ longerPreferred: 0.5, pairs: 2 });
    expect(s.lengthBias.byLengthRatio.map((b) => [b.pairs, b.longerPreferred])).toEqual([
      [1, 0],
      [0, null],
      [0, null],
      [1, 1],
    ]);
  });
});

describe('per-trainer position bias and the prefers-longer mark', () => {
  /**
   * Overlap 3; seven comparisons of answers a 10, b 20 and c 40 characters long: 21 pairs of
   * different lengths per trainer. longer ranks the longest first (21 of 21: marked), shorter the
   * shortest first (0 of 21), clicker submits the order shown (first shown wins 2 of 2, and so on).
   */
  const slug = 'marks';
  const keys = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
  const names = { longer: 'mark-longer', shorter: 'mark-shorter', clicker: 'mark-clicker' };

  beforeAll(async () => {
    server.project({ slug, overlap: 3 });
    expect(
      (
        await server.importLines(
          slug,
          keys.map((k) =>
            line(k, [
              ['a', 10],
              ['b', 20],
              ['c', 40],
            ]),
          ),
        )
      ).status,
    ).toBe(200);
    const policies: Record<string, (task: Task) => string[][]> = {
      [names.longer]: () => order('cba'),
      [names.shorter]: () => order('abc'),
      [names.clicker]: (task) => task.shown.map((l) => [l]),
    };
    for (const [name, rank] of Object.entries(policies)) {
      expect(await work(await server.user('trainer', name), slug, (task) => ({ ranking: rank(task) }))).toHaveLength(7);
    }
  });

  it('marks the trainer who gave the longer answer 75% or more of 20 or more pairs, and no one else', async () => {
    const s = await stats(slug);
    expect(trainerIn(s, names.longer)).toMatchObject({ longerPreferred: 1, lengthPairs: 21, prefersLonger: true });
    expect(trainerIn(s, names.shorter)).toMatchObject({ longerPreferred: 0, lengthPairs: 21, prefersLonger: false });
  });

  it('gives each trainer’s win rate by shown position, which pooled make the project’s', async () => {
    const s = await stats(slug);
    expect(trainerIn(s, names.clicker).positionBias).toEqual({ byShownPosition: [1, 0.5, 0], contests: [14, 14, 14] });
    const trainers = s.trainers.map((t) => t.positionBias);
    expect(trainers.map((b) => b.contests)).toEqual([
      [14, 14, 14],
      [14, 14, 14],
      [14, 14, 14],
    ]);
    // Each position's wins summed over the trainers, over all its contests.
    const pooled = [0, 1, 2].map((i) => trainers.reduce((sum, b) => sum + b.byShownPosition[i]! * 14, 0) / 42);
    expect(s.positionBias.contests).toEqual([42, 42, 42]);
    s.positionBias.byShownPosition.forEach((rate, i) => expect(rate).toBeCloseTo(pooled[i]!, 12));
  });

  it('shows the mark and each trainer’s win rate by shown position in the `stats` table', async () => {
    const table = (await cli(server.db.file, ['stats', '--project', slug])).split('\n');
    const row = (name: string) => table.find((l) => l.startsWith(name))!;
    expect(row(names.longer)).toContain('prefers longer');
    expect(row(names.shorter)).not.toContain('prefers longer');
    // The clicker follows the shown order, which is random: by chance it may favour the longer answers too.
    const marked = (await stats(slug)).trainers.filter((t) => t.prefersLonger).map((t) => t.username);
    expect(table.filter((l) => l.includes('prefers longer')).map((l) => l.split(/\s/)[0])).toEqual(marked.sort());
    expect(row(names.clicker)).toMatch(/1: 100\.0% {2}2: 50\.0% {2}3: 0\.0%$/);
  });
});
