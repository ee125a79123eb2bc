import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '#server/db/client.ts';
import { deleteUnrankedComparisonsOf } from '#server/modules/comparisons/comparisons.usecases.ts';
import { backfillFigures } from '#server/modules/comparisons/figures.ts';
import { listComparisons } from '#server/modules/comparisons/list.ts';
import { indexSearch } from '#server/modules/comparisons/search-index.ts';
import { packageRoot } from '#server/paths.ts';
import { answerLabels, bothNames, lettersExplained, parseOrder, shownLabels } from '#shared/answer-labels.ts';
import { comparisonListQuerySchema, type ComparisonList, type ComparisonListItem, type ResearcherComparison } from '#shared/comparisons.ts';
import { rankedPairsConsensus } from '#shared/consensus.ts';
import { comparisonAgreement } from '#shared/quality.ts';
import { conversation, rankEveryComparison, startServer, type TestUser } from './support/app.ts';

/**
 * A researcher's browsing of their own data (issue 17): comparisons found by the import line's id,
 * its words and metadata, filtered by status, sorted by agreement, marked gold or sent back for one
 * more ranking, with the project's counts and the queue exact all along.
 */
const server = await startServer();
let researcher: TestUser;

const line = (id: string, prompt: string, metadata?: Record<string, unknown>, answers = ['Alpha answer.', 'Beta answer.', 'Gamma answer.']) => ({
  id,
  messages: [
    { role: 'system', content: 'You are a careful assistant.' },
    { role: 'user', content: prompt },
  ],
  completions: answers.map((content) => ({ content, model: 'm-7b' })),
  ...(metadata ? { metadata } : {}),
});

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const r = await response;
  expect(r.status, await r.clone().text()).toBe(status);
  return (await r.json()) as T;
}

const list = (slug: string, query = '') => json<ComparisonList>(researcher.api('GET', `/projects/${slug}/comparisons?limit=200&${query}`));
const sourceIds = async (slug: string, query = '') => (await list(slug, query)).comparisons.map((c) => c.sourceId);
const comparisonOf = async (id: string) => (await json<{ comparison: ResearcherComparison }>(researcher.api('GET', `/comparisons/${id}`))).comparison;

/** Until the search index holds everything written so far: the server adds it in a worker thread, as a client sees from `searchPending`. */
async function searchable(slug: string) {
  for (let tries = 0; (await list(slug)).searchPending > 0; tries++) {
    expect(tries, 'the search index never caught up').toBeLessThan(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every page of a listing, following nextAfter (and nextAfterAgreement) to the end. */
async function everyPage(slug: string, query: string): Promise<{ items: ComparisonListItem[]; requests: number }> {
  const items: ComparisonListItem[] = [];
  let cursor = '';
  for (let requests = 1; ; requests++) {
    const page = await json<ComparisonList>(researcher.api('GET', `/projects/${slug}/comparisons?${query}${cursor}`));
    items.push(...page.comparisons);
    if (page.nextAfter === null) return { items, requests };
    cursor = `&after=${page.nextAfter}${page.nextAfterAgreement === null ? '' : `&afterAgreement=${page.nextAfterAgreement}`}`;
  }
}

interface Taken {
  id: string;
  /** Candidate ids in id order: the researcher's A, B, C… */
  ids: string[];
  shownOrder: string[];
}

async function take(trainer: TestUser, slug: string): Promise<Taken> {
  const { comparison } = await json<{ comparison: { id: string; candidates: { id: string }[] } }>(trainer.api('GET', `/projects/${slug}/next?kind=comparison`));
  const shownOrder = comparison.candidates.map((c) => c.id);
  return { id: comparison.id, ids: [...shownOrder].sort((a, b) => Number(a) - Number(b)), shownOrder };
}

async function rank(trainer: TestUser, taken: Taken, order: (ids: string[]) => string[], extra: Record<string, unknown> = {}) {
  await json(trainer.api('PUT', `/comparisons/${taken.id}/ranking`, { ranking: order(taken.ids).map((id) => [id]), ...extra }));
}

const inOrder = (ids: string[]) => ids;
const reversed = (ids: string[]) => [...ids].reverse();
const firstTwoSwapped = ([a, b, ...rest]: string[]) => [b!, a!, ...rest];

async function progress(slug: string) {
  const { project } = await json<{ project: { progress: { comparisons: number; completed: number; rankings: number } } }>(
    researcher.api('GET', `/projects/${slug}`),
  );
  const { comparisons, completed, rankings } = project.progress;
  return { comparisons, completed, rankings };
}

/** The project's counts as a recount of its comparisons gives them: what project_counts must equal. */
function recount(slug: string) {
  return server.db.sqlite
    .prepare<[string], { comparisons: number; completed: number; rankings: number }>(
      `SELECT count(c.id) AS comparisons, coalesce(sum(c.done AND c.gold_ranking IS NULL), 0) AS completed, coalesce(sum(c.ranking_count), 0) AS rankings
       FROM projects p LEFT JOIN comparisons c ON c.project_id = p.id WHERE p.slug = ?`,
    )
    .get(slug)!;
}

beforeAll(async () => {
  researcher = await server.user('researcher');
});

describe('answer names', () => {
  it('are A, B, C… in candidate id order for researchers, and in shown order for the trainer who saw them', () => {
    const shown = ['12', '9', '10', '31'];
    expect([...answerLabels(shown)]).toEqual([
      ['9', 'A'],
      ['10', 'B'],
      ['12', 'C'],
      ['31', 'D'],
    ]);
    expect(shownLabels(shown).get('31')).toBe('D');
    expect(bothNames('9', shown, 'alice')).toBe('B as shown to alice = answer A');
    expect(lettersExplained('Answer D claims sets keep order', shown, 'alice')).toEqual(['D as shown to alice = answer D']);
    expect(lettersExplained('B is wrong, and so is C', shown, 'bob')).toEqual(['B as shown to bob = answer A', 'C as shown to bob = answer B']);
    expect(lettersExplained('all fine', shown, 'bob')).toEqual([]);
  });

  it('read back a typed order, or say plainly what is wrong with it', () => {
    const labels = answerLabels(['4', '5', '6']);
    expect(parseOrder('b > a = c', labels)).toEqual({ ranking: [['5'], ['4', '6']] });
    expect(parseOrder('B > A', labels)).toEqual({ problem: 'Place every answer: C is missing.' });
    expect(parseOrder('B > A > D', labels)).toEqual({ problem: 'D is not one of this comparison’s answers (A, B, C).' });
    expect(parseOrder('B > B > A', labels)).toEqual({ problem: 'B is written twice; name each answer once.' });
  });
});

describe('finding a comparison', () => {
  let slug: string;
  beforeAll(async () => {
    slug = server.project({ overlap: 2 });
    const lines = [
      line('nine-1', 'Which planet has the most moons?', { source: 'astronomy', difficulty: 3, reviewed: true }),
      line('nine-10', 'How far away is the Moon?', { source: 'astronomy', difficulty: 1, reviewed: false }),
      line('ten-2', 'How long should I boil an egg?', { source: 'cooking', tags: ['eggs', 'breakfast'] }),
      line('plain-4', 'Say hello.'),
    ];
    expect((await server.importLines(slug, lines)).status).toBe(200);
    await searchable(slug);
  });

  it('by the import line’s id, exactly: nine-1 is not nine-10', async () => {
    const [found] = (await list(slug, 'q=nine-1')).comparisons;
    expect(await sourceIds(slug, 'q=nine-1')).toEqual(['nine-1']);
    expect(found).toMatchObject({ sourceId: 'nine-1', metadata: { source: 'astronomy', difficulty: 3, reviewed: true }, candidates: 3, rankingCount: 0 });
    expect(found!.prompt).toBe('Which planet has the most moons?');
    expect(await sourceIds(slug, 'q=nine-10')).toEqual(['nine-10']);
    expect(await sourceIds(slug, 'q=NINE')).toEqual(['nine-1', 'nine-10']);
    // Its page says where it came from, too.
    expect(await comparisonOf(found!.id)).toMatchObject({ sourceId: 'nine-1', metadata: { source: 'astronomy' }, agreement: null, consensus: null });
  });

  it('by words of its prompt, answers or metadata, all of them required', async () => {
    expect(await sourceIds(slug, 'q=moons')).toEqual(['nine-1']);
    expect(await sourceIds(slug, `q=${encodeURIComponent('BOIL egg')}`)).toEqual(['ten-2']);
    expect(await sourceIds(slug, `q=${encodeURIComponent('boil moons')}`)).toEqual([]);
    expect(await sourceIds(slug, 'q=gamma')).toEqual(['nine-1', 'nine-10', 'ten-2', 'plain-4']);
    expect(await sourceIds(slug, 'q=breakfast')).toEqual(['ten-2']);
    // Punctuation alone asks for nothing: the whole list.
    expect(await sourceIds(slug, `q=${encodeURIComponent('" * -')}`)).toHaveLength(4);
  });

  it('reads what FTS5 would take for its own syntax as words to find, never as operators', async () => {
    const search = (q: string) => sourceIds(slug, `q=${encodeURIComponent(q)}`);
    // Quotes and a star around words: the words themselves, so a stray quote is no syntax error.
    expect(await search('"moons')).toEqual(['nine-1']);
    expect(await search('moons"')).toEqual(['nine-1']);
    expect(await search('"most moons"')).toEqual(['nine-1']);
    // As an operator, moo* would find moons; as a word it is "moo", which no text holds.
    expect(await search('moo*')).toEqual([]);
    // OR, NOT and NEAR are words to find like any other: no text here holds "near".
    expect(await search('moons OR egg')).toEqual([]);
    expect(await search('moons NOT egg')).toEqual([]);
    expect(await search('NEAR(moons planet)')).toEqual([]);
    // Nor is a column filter: metadata:cooking is the two words next to each other, which no text holds.
    expect(await search('metadata:cooking')).toEqual([]);
    expect(await search('source: cooking')).toEqual(['ten-2']);
  });

  it('by a metadata key and its exact value, whatever its JSON type', async () => {
    expect(await sourceIds(slug, 'metaKey=source&metaValue=astronomy')).toEqual(['nine-1', 'nine-10']);
    expect(await sourceIds(slug, 'metaKey=source&metaValue=Astronomy')).toEqual([]);
    expect(await sourceIds(slug, 'metaKey=difficulty&metaValue=3')).toEqual(['nine-1']);
    expect(await sourceIds(slug, 'metaKey=reviewed&metaValue=false')).toEqual(['nine-10']);
    expect(await sourceIds(slug, `metaKey=tags&metaValue=${encodeURIComponent('["eggs","breakfast"]')}`)).toEqual(['ten-2']);
    // No value: every comparison whose metadata has the key.
    expect(await sourceIds(slug, 'metaKey=source')).toEqual(['nine-1', 'nine-10', 'ten-2']);
    expect(await sourceIds(slug, 'metaKey=source&metaValue=cooking&q=egg')).toEqual(['ten-2']);
  });

  it('in this project only, newest first when asked', async () => {
    const other = server.project();
    expect((await server.importLines(other, [line('nine-1', 'Another project’s moons?', { source: 'astronomy' })])).status).toBe(200);
    await searchable(other);
    expect(await sourceIds(slug, 'q=moons')).toEqual(['nine-1']);
    expect((await list(slug, 'q=moons')).comparisons[0]!.prompt).toBe('Which planet has the most moons?');
    expect(await sourceIds(slug, 'order=desc')).toEqual(['plain-4', 'ten-2', 'nine-10', 'nine-1']);
    expect(await sourceIds(slug, 'order=desc&q=astronomy')).toEqual(['nine-10', 'nine-1']);
  });

  it('no more once it is deleted (an import’s staged line dropped)', async () => {
    const other = server.project();
    expect((await server.importLines(other, [line('gone-1', 'Soon gone?'), line('kept-1', 'Staying?')])).status).toBe(200);
    await searchable(other);
    const [gone] = (await list(other, 'q=gone-1')).comparisons;
    deleteUnrankedComparisonsOf(server.db, `SELECT conversation_id FROM comparisons WHERE id = ${gone!.id}`);
    await searchable(other);
    expect(await sourceIds(other, 'q=gone-1')).toEqual([]);
    expect(server.db.sqlite.prepare('SELECT rowid FROM comparison_search WHERE rowid = ?').all(Number(gone!.id))).toEqual([]);
    expect(await sourceIds(other, 'q=kept-1')).toEqual(['kept-1']);
  });

  it('refuses a filter it does not know, saying which it takes', async () => {
    const response = await researcher.api('GET', `/projects/${slug}/comparisons?status=done`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/status/);
  });
});

describe('a project ranked by three trainers', () => {
  let slug: string;
  let trainers: Record<'alice' | 'bob' | 'carol' | 'dave', TestUser>;
  /** Comparison id by source id. */
  const idOf: Record<string, string> = {};
  const sources = ['c1', 'c2', 'c3', 'c4', 'c5'];

  beforeAll(async () => {
    // Ties allowed: a consensus may tie what its trainers split on, and it is marked gold as it is.
    slug = server.project({ overlap: 2, allowTies: true });
    trainers = {
      alice: await server.user('trainer'),
      bob: await server.user('trainer'),
      carol: await server.user('trainer'),
      dave: await server.user('trainer'),
    };
    expect(
      (
        await server.importLines(
          slug,
          sources.map((id) => line(id, `Question ${id}?`)),
        )
      ).status,
    ).toBe(200);
    for (const c of (await list(slug)).comparisons) idOf[c.sourceId] = c.id;
    await searchable(slug);

    // The queue hands each trainer the oldest comparison with room: c1, c2… in turn.
    const { alice, bob, carol } = trainers;
    for (const source of sources) {
      const taken = await take(alice, slug);
      expect(taken.id).toBe(idOf[source]);
      const flagged = source === 'c4' ? { flags: { [taken.ids[0]!]: ['hallucination'] }, note: 'Answer B is wrong' } : {};
      await rank(alice, taken, inOrder, flagged);
    }
    await rank(bob, await take(bob, slug), inOrder); // c1: they agree
    await rank(bob, await take(bob, slug), reversed); // c2: they disagree on every pair
    await rank(bob, await take(bob, slug), firstTwoSwapped); // c3: on one pair of three
    const skipped = await take(carol, slug);
    expect(skipped.id).toBe(idOf.c4);
    expect((await carol.api('POST', `/comparisons/${skipped.id}/skip`, { reason: 'C is cut off' })).status).toBe(204);
    const fifth = await take(carol, slug);
    expect(fifth.id).toBe(idOf.c5);
    await rank(carol, fifth, inOrder);
    const c1 = await comparisonOf(idOf.c1!);
    expect((await researcher.api('PUT', `/comparisons/${idOf.c1}/gold`, { ranking: c1.candidates.map((c) => [c.id]) })).status).toBe(204);
  });

  const ids = (items: ComparisonListItem[]) => items.map((c) => c.sourceId);

  it('lists each status: open, complete, gold, skipped, flagged, ranked', async () => {
    expect(await sourceIds(slug, 'status=open')).toEqual(['c4']);
    expect(await sourceIds(slug, 'status=complete')).toEqual(['c2', 'c3', 'c5']);
    expect(await sourceIds(slug, 'status=gold')).toEqual(['c1']);
    expect(await sourceIds(slug, 'status=skipped')).toEqual(['c4']);
    expect(await sourceIds(slug, 'status=flagged')).toEqual(['c4']);
    expect(await sourceIds(slug, 'status=ranked')).toEqual(sources);
    const c4 = (await list(slug, 'status=open')).comparisons[0]!;
    expect(c4).toMatchObject({ rankingCount: 1, skips: 1, flagged: 1, done: false, gold: false, agreement: null });
  });

  it('stores each comparison’s agreement and consensus as the quality figures compute them from its rankings', async () => {
    const listed = new Map((await list(slug)).comparisons.map((c) => [c.sourceId, c]));
    expect(listed.get('c1')!.agreement).toBe(1);
    expect(listed.get('c2')!.agreement).toBe(0);
    expect(listed.get('c3')!.agreement).toBeCloseTo(2 / 3, 12);
    expect(listed.get('c4')!.agreement).toBeNull();
    for (const source of sources) {
      const page = await comparisonOf(idOf[source]!);
      const rankings = page.rankings.map((r) => r.ranking);
      expect(listed.get(source)!.agreement, source).toBe(comparisonAgreement(rankings));
      expect(page.agreement, source).toBe(comparisonAgreement(rankings));
      const consensus = rankedPairsConsensus(
        page.candidates.map((c) => c.id),
        rankings,
      );
      expect(listed.get(source)!.consensus, source).toEqual(consensus);
      expect(page.consensus, source).toEqual(consensus);
    }
  });

  it('sorts by agreement either way, a page at a time, listing only those with one', async () => {
    expect(await sourceIds(slug, 'sort=agreement')).toEqual(['c2', 'c3', 'c1', 'c5']);
    expect(await sourceIds(slug, 'sort=agreement&order=desc')).toEqual(['c5', 'c1', 'c3', 'c2']);
    const paged = await everyPage(slug, 'sort=agreement&limit=1');
    expect(ids(paged.items)).toEqual(['c2', 'c3', 'c1', 'c5']);
    expect(ids((await everyPage(slug, 'sort=agreement&order=desc&limit=1')).items)).toEqual(['c5', 'c1', 'c3', 'c2']);
    expect(ids((await everyPage(slug, 'limit=2')).items)).toEqual(sources);
    expect(await sourceIds(slug, 'sort=agreement&status=complete')).toEqual(['c2', 'c3', 'c5']);
  });

  it('lists as disputed those under the threshold the researcher sets', async () => {
    expect(await sourceIds(slug, 'status=disputed&sort=agreement')).toEqual(['c2']);
    expect(await sourceIds(slug, 'status=disputed&disputedBelow=0.7&sort=agreement')).toEqual(['c2', 'c3']);
    expect(await sourceIds(slug, 'status=disputed&disputedBelow=0.7')).toEqual(['c2', 'c3']);
    expect(await sourceIds(slug, 'status=disputed&disputedBelow=0')).toEqual([]);
    expect(await sourceIds(slug, 'status=disputed&disputedBelow=1&sort=agreement&order=desc')).toEqual(['c3', 'c2']);
  });

  it('gives the trainer’s letters beside the researcher’s in the review queue', async () => {
    const review = await json<{
      flagged: { comparisonId: string; candidateId: string; annotator: string; shownOrder: string[] }[];
      notes: { comparisonId: string; note: string; shownOrder: string[] }[];
      skips: { comparisonId: string; reason: string; shownOrder: string[] }[];
    }>(researcher.api('GET', `/projects/${slug}/review`));
    const page = await comparisonOf(idOf.c4!);
    const alice = page.rankings.find((r) => r.annotator === trainers.alice.username)!;
    expect(review.flagged).toEqual([expect.objectContaining({ comparisonId: idOf.c4, shownOrder: alice.shownOrder })]);
    expect(review.notes).toEqual([expect.objectContaining({ note: 'Answer B is wrong', shownOrder: alice.shownOrder })]);
    expect(review.skips).toEqual([expect.objectContaining({ reason: 'C is cut off', shownOrder: page.skips[0]!.shownOrder })]);
    expect(page.skips).toEqual([expect.objectContaining({ annotator: trainers.carol.username, reason: 'C is cut off' })]);
    // The flagged answer is the researcher's A (alice flagged the lowest id), whatever letter alice saw it as.
    const flaggedId = review.flagged[0]!.candidateId;
    expect(bothNames(flaggedId, alice.shownOrder, 'alice')).toBe(`${'ABC'[alice.shownOrder.indexOf(flaggedId)]} as shown to alice = answer A`);
  });

  it('sends a comparison back for one more ranking: the counts stay exact and the queue hands it out once more', async () => {
    const before = await progress(slug);
    expect(before).toEqual(recount(slug));
    expect((await researcher.api('POST', `/comparisons/${idOf.c2}/more-rankings`)).status).toBe(204);
    const after = await progress(slug);
    expect(after).toEqual(recount(slug));
    expect(after).toEqual({ ...before, completed: before.completed - 1 });
    expect(await sourceIds(slug, 'status=open')).toEqual(['c2', 'c4']);
    expect(await comparisonOf(idOf.c2!)).toMatchObject({ overlap: 3, extraOverlap: 1, done: false, rankingCount: 2 });

    // Carol skipped c4 and ranked c5: the oldest with room for her is c2, once more.
    const again = await take(trainers.carol, slug);
    expect(again.id).toBe(idOf.c2);
    await rank(trainers.carol, again, inOrder);
    expect(await progress(slug)).toEqual({ ...before, rankings: before.rankings + 1 });
    expect(await progress(slug)).toEqual(recount(slug));
    expect(await comparisonOf(idOf.c2!)).toMatchObject({ rankingCount: 3, done: true });
    // Its figures follow its third ranking.
    const c2 = await comparisonOf(idOf.c2!);
    expect((await list(slug, 'q=c2')).comparisons[0]!.agreement).toBe(comparisonAgreement(c2.rankings.map((r) => r.ranking)));

    // Dave gets c4, which still has room, and then nothing: c2 is full again.
    const last = await take(trainers.dave, slug);
    expect(last.id).toBe(idOf.c4);
    await rank(trainers.dave, last, inOrder);
    expect((await trainers.dave.api('GET', `/projects/${slug}/next?kind=comparison`)).status).toBe(204);
    expect(await progress(slug)).toEqual(recount(slug));
  });

  it('marks a disputed comparison gold with its consensus, keeping the counts exact; a gold one needs no more rankings', async () => {
    const before = await progress(slug);
    const c3 = await comparisonOf(idOf.c3!);
    expect((await researcher.api('PUT', `/comparisons/${idOf.c3}/gold`, { ranking: c3.consensus })).status).toBe(204);
    expect(await progress(slug)).toEqual({ ...before, completed: before.completed - 1 });
    expect(await progress(slug)).toEqual(recount(slug));
    expect(await sourceIds(slug, 'status=gold')).toEqual(['c1', 'c3']);
    expect(await comparisonOf(idOf.c3!)).toMatchObject({ goldRanking: c3.consensus });

    const refused = await researcher.api('POST', `/comparisons/${idOf.c3}/more-rankings`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('comparison.gold');
    expect((await trainers.alice.api('POST', `/comparisons/${idOf.c3}/more-rankings`)).status).toBe(403);
    expect((await researcher.api('POST', '/comparisons/999999/more-rankings')).status).toBe(404);
  });
});

describe('the rankings export of an imported line', () => {
  it('carries the line’s id and metadata', async () => {
    const slug = server.project();
    const trainer = await server.user('trainer');
    const metadata = { source: 'exam', topic: 'python', difficulty: 2 };
    expect((await server.importLines(slug, [line('nine-1', 'Do Python sets keep insertion order?', metadata), line('other-2', 'Hello?')])).status).toBe(200);
    await rank(trainer, await take(trainer, slug), inOrder);
    const body = await (await researcher.api('GET', `/projects/${slug}/export?format=rankings`)).text();
    const records = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source_id: string; metadata: unknown });
    expect(records).toEqual([expect.objectContaining({ source_id: 'nine-1', metadata })]);
  });
});

describe('comparisons ranked before their figures were stored', () => {
  it('get them from the task the server runs at start', async () => {
    const slug = server.project({ overlap: 2 });
    expect(
      (
        await server.importLines(
          slug,
          ['b1', 'b2', 'b3'].map((id) => conversation(id)),
        )
      ).status,
    ).toBe(200);
    const [first, second] = [await server.user('trainer'), await server.user('trainer')];
    // As rankings stored before migration 0008 were: rows written without the figures.
    rankEveryComparison(server.db, slug, first.id);
    rankEveryComparison(server.db, slug, second.id, (ids) => [...ids].reverse().map((id) => [id]));
    expect((await list(slug)).comparisons.map((c) => c.agreement)).toEqual([null, null, null]);

    expect(await backfillFigures(server.db)).toBe(3);
    expect((await list(slug)).comparisons.map((c) => c.agreement)).toEqual([0, 0, 0]);
    expect(await sourceIds(slug, 'status=disputed&sort=agreement')).toEqual(['b1', 'b2', 'b3']);
    expect(await backfillFigures(server.db)).toBe(0);
  });
});

describe('a database from before migration 0008', () => {
  it('gets its skips and flags counted, its comparisons queued for search, and their figures computed at the next start', async () => {
    // The migrations up to 0007 alone, as an earlier release had them.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordinal-0007-'));
    const folder = path.join(dir, 'migrations');
    fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(packageRoot, 'migrations/meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.idx <= 7);
    fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    for (const e of journal.entries) fs.copyFileSync(path.join(packageRoot, 'migrations', `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
    const file = path.join(dir, 'old.db');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: folder });

    // One project, two comparisons ranked by two trainers (one flagging an answer), one skip.
    const now = Date.now();
    old.prepare("INSERT INTO projects (slug, name, ratings, flags, overlap, created_at) VALUES ('old', 'Old', '[]', '[]', 2, ?)").run(now);
    const user = old.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES (?, 'x', 'trainer', ?)");
    const [ann, ben, cy] = ['ann', 'ben', 'cy'].map((name) => Number(user.run(name, now).lastInsertRowid));
    const comparisonIds: number[] = [];
    const candidatesOf: string[][] = [];
    for (const [i, source] of ['old-1', 'old-2'].entries()) {
      const conversation = old
        .prepare("INSERT INTO conversations (project_id, external_id, metadata, source, created_at) VALUES (1, ?, ?, 'import', ?)")
        .run(source, JSON.stringify({ era: 'before' }), now).lastInsertRowid;
      const message = old.prepare('INSERT INTO messages (conversation_id, parent_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)');
      const prompt = message.run(conversation, null, 'user', `Old question ${i}`, now).lastInsertRowid;
      candidatesOf.push(['x', 'y', 'z'].map((a) => String(message.run(conversation, prompt, 'assistant', `Old answer ${a}`, now).lastInsertRowid)));
      comparisonIds.push(
        Number(
          old
            .prepare('INSERT INTO comparisons (project_id, conversation_id, parent_message_id, ranking_count, done, created_at) VALUES (1, ?, ?, 2, 1, ?)')
            .run(conversation, prompt, now).lastInsertRowid,
        ),
      );
    }
    const assignment = old.prepare(
      'INSERT INTO assignments (comparison_id, user_id, shown_order, leased_at, expires_at, completed_at, skipped_at, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const ranking = old.prepare(
      "INSERT INTO rankings (comparison_id, user_id, ranking, ratings, flags, note, shown_order, revision, created_at, updated_at) VALUES (?, ?, ?, '{}', ?, '', ?, 1, ?, ?)",
    );
    comparisonIds.forEach((id, i) => {
      const ids = candidatesOf[i]!;
      for (const [userId, order, flags] of [
        [ann, ids, i === 0 ? { [ids[0]!]: ['hallucination'] } : {}],
        [ben, [...ids].reverse(), { [ids[1]!]: [] }],
      ] as const) {
        assignment.run(id, userId, JSON.stringify(ids), now, now + 1000, now, null, null);
        ranking.run(id, userId, JSON.stringify(order.map((c) => [c])), JSON.stringify(flags), JSON.stringify(ids), now, now);
      }
    });
    assignment.run(comparisonIds[1], cy, JSON.stringify(candidatesOf[1]), now, now + 1000, null, now, 'B is cut off');
    old.close();

    const db = openDatabase(file);
    try {
      const counts = db.sqlite
        .prepare<[], { skips: number; flags: number }>('SELECT skip_count AS skips, flag_count AS flags FROM comparisons ORDER BY id')
        .all();
      expect(counts).toEqual([
        { skips: 0, flags: 1 },
        { skips: 1, flags: 0 },
      ]);
      expect(db.sqlite.prepare('SELECT comparison_id FROM comparison_search_queue ORDER BY 1').pluck().all()).toEqual(comparisonIds);
      expect(await indexSearch(db)).toBe(2);
      expect(await backfillFigures(db)).toBe(2);
      const project = db.sqlite.prepare("SELECT * FROM projects WHERE slug = 'old'").get() as never;
      const page = listComparisons(db, project, comparisonListQuerySchema.parse({ q: 'old-2', metaKey: 'era', metaValue: 'before' }));
      expect(page.comparisons).toEqual([expect.objectContaining({ sourceId: 'old-2', agreement: 0, skips: 1, flagged: 0 })]);
      expect(page.searchPending).toBe(0);
    } finally {
      db.sqlite.close();
    }
  });
});

describe('a list request in a large project', () => {
  it('looks through a bounded number of comparisons and says where to go on', async () => {
    const slug = server.project();
    const lines = Array.from({ length: 5_010 }, (_, i) => conversation(`big-${i}`, 2));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    await searchable(slug);
    // Nothing is ranked: every request looks, finds none, and tells where it stopped.
    const first = await json<ComparisonList>(researcher.api('GET', `/projects/${slug}/comparisons?status=ranked`));
    expect(first.comparisons).toEqual([]);
    expect(first.nextAfter).not.toBeNull();
    const all = await everyPage(slug, 'status=ranked');
    expect(all).toEqual({ items: [], requests: 2 });
    // A walk the filter narrows fills its page at once.
    expect(await sourceIds(slug, 'q=big-5009')).toEqual(['big-5009']);
    expect((await json<ComparisonList>(researcher.api('GET', `/projects/${slug}/comparisons?limit=200`))).comparisons).toHaveLength(200);
  });
});
