import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLines } from '#server/modules/exports/export.ts';
import { conversation, rankEveryComparison, startServer, type TestUser } from './support/app.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = await startServer();

/** Parses a JSONL body, checking that every record ends with a newline. */
function parseLines(body: string): unknown[] {
  if (body === '') return [];
  expect(body.endsWith('\n')).toBe(true);
  return body
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

async function exportBody(user: TestUser, slug: string, query: string): Promise<string> {
  const res = await user.api('GET', `/projects/${slug}/export?${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  return res.text();
}

const exportRows = async (user: TestUser, slug: string, query: string) => parseLines(await exportBody(user, slug, query));

interface Taken {
  id: string;
  /** Candidate id by its text. */
  idOf: Record<string, string>;
  shownOrder: string[];
}

/** The trainer's next comparison, as GET /next hands it out. */
async function take(trainer: TestUser, slug: string): Promise<Taken> {
  const res = await trainer.api('GET', `/projects/${slug}/next?kind=comparison`);
  expect(res.status).toBe(200);
  const { comparison } = (await res.json()) as { comparison: { id: string; candidates: Array<{ id: string; content: string }> } };
  return {
    id: comparison.id,
    idOf: Object.fromEntries(comparison.candidates.map((c) => [c.content, c.id])),
    shownOrder: comparison.candidates.map((c) => c.id),
  };
}

/** Submits a ranking; returns the stored ranking's time as exports write it. */
async function rank(trainer: TestUser, comparisonId: string, body: unknown): Promise<string> {
  const res = await trainer.api('PUT', `/comparisons/${comparisonId}/ranking`, body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { ranking: { updatedAt: string } }).ranking.updatedAt;
}

const assistant = (content: string) => [{ role: 'assistant', content }];

describe('exports of a small project ranked by two trainers', () => {
  const SYSTEM = 'You are a terse maths tutor.';
  const sysContext = [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: 'Hi.' },
    { role: 'assistant', content: 'Hello. What shall we work on?' },
    { role: 'user', content: 'Name a prime number.' },
  ];
  const plainContext = [{ role: 'user', content: 'What is the capital of France?' }];
  const TWO = '2';
  const THREE = '3, the first odd prime.';
  const FOUR = '4 is not prime, but 5 is.';
  const NINE = 'Nine.';
  const PARIS = 'Paris.';
  const LYON = 'Lyon.';
  const MARSEILLE = 'Marseille.';
  const lines = [
    {
      id: 'conv-sys',
      messages: sysContext,
      completions: [
        { content: TWO, model: 'm-7b', params: { temperature: 0.7, seed: 1 } },
        { content: THREE, model: 'm-7b', params: { temperature: 0.7, seed: 2 } },
        { content: FOUR, model: 'm-70b' },
        { content: NINE, model: 'm-70b', finish_reason: 'stop' },
      ],
      metadata: { source: 'hand-made' },
    },
    { id: 'conv-plain', messages: plainContext, completions: [{ content: PARIS, model: 'm-7b' }, { content: LYON, model: 'm-7b' }, { content: MARSEILLE }] },
    conversation('conv-unranked', 2),
  ];

  let slug: string;
  let researcher: TestUser;
  let t1: TestUser;
  let t2: TestUser;
  let sys: { t1: Taken; t2: Taken; t1At: string; t2At: string };
  let plain: { t1: Taken; t2: Taken; t1At: string; t2At: string };
  let c: Record<string, string>;

  beforeAll(async () => {
    slug = server.project({ allowTies: true, overlap: 2 });
    expect((await server.importLines(slug, lines)).status).toBe(200);
    researcher = await server.user('researcher');
    t1 = await server.user('trainer');
    t2 = await server.user('trainer');

    const sysT1 = await take(t1, slug);
    const sysT2 = await take(t2, slug);
    expect(sysT2.id).toBe(sysT1.id);
    c = { ...sysT1.idOf };
    const sysT1At = await rank(t1, sysT1.id, {
      ranking: [[c[TWO]], [c[THREE], c[FOUR]], [c[NINE]]],
      ratings: { [c[TWO]!]: { overall: 7 }, [c[NINE]!]: { overall: 1 } },
      flags: { [c[NINE]!]: ['hallucination', 'fails_instruction'] },
      note: 'Nine is not prime.',
      durationMs: 12_000,
    });
    const sysT2At = await rank(t2, sysT2.id, {
      ranking: [[c[THREE]], [c[TWO]], [c[FOUR]], [c[NINE]]],
      ratings: { [c[THREE]!]: { overall: 6 } },
      durationMs: 8_000,
    });
    sys = { t1: sysT1, t2: sysT2, t1At: sysT1At, t2At: sysT2At };

    const plainT1 = await take(t1, slug);
    const plainT2 = await take(t2, slug);
    expect(plainT2.id).toBe(plainT1.id);
    Object.assign(c, plainT1.idOf);
    const plainT1At = await rank(t1, plainT1.id, { ranking: [[c[PARIS]], [c[LYON]], [c[MARSEILLE]]] });
    const plainT2At = await rank(t2, plainT2.id, {
      ranking: [[c[PARIS]], [c[LYON], c[MARSEILLE]]],
      flags: { [c[MARSEILLE]!]: ['fails_instruction'] },
      note: 'Lyon and Marseille are equally wrong.',
    });
    plain = { t1: plainT1, t2: plainT2, t1At: plainT1At, t2At: plainT2At };
  });

  const prefixes = () => ({
    // HH-RLHF has no system prompt, and its readers split on the first Human turn: the system prompt is dropped.
    [sys.t1.id]: `\n\nHuman: Hi.\n\nAssistant: Hello. What shall we work on?\n\nHuman: Name a prime number.\n\nAssistant: `,
    [plain.t1.id]: '\n\nHuman: What is the capital of France?\n\nAssistant: ',
  });
  const contexts = () => ({ [sys.t1.id]: sysContext, [plain.t1.id]: plainContext });

  /** Every (better, worse) pair of every ranking, in export order, worked out by hand. */
  const perTrainerPairs = () => [
    // trainer 1 on the prime question: 2 > {3, 4} > Nine (3 and 4 tied: no pair between them)
    { group: sys.t1.id, chosen: TWO, rejected: THREE, margin: 1 },
    { group: sys.t1.id, chosen: TWO, rejected: FOUR, margin: 1 },
    { group: sys.t1.id, chosen: TWO, rejected: NINE, margin: 2 },
    { group: sys.t1.id, chosen: THREE, rejected: NINE, margin: 1 },
    { group: sys.t1.id, chosen: FOUR, rejected: NINE, margin: 1 },
    // trainer 2 on the prime question: 3 > 2 > 4 > Nine, no ties: 4·3/2 = 6 pairs
    { group: sys.t1.id, chosen: THREE, rejected: TWO, margin: 1 },
    { group: sys.t1.id, chosen: THREE, rejected: FOUR, margin: 2 },
    { group: sys.t1.id, chosen: THREE, rejected: NINE, margin: 3 },
    { group: sys.t1.id, chosen: TWO, rejected: FOUR, margin: 1 },
    { group: sys.t1.id, chosen: TWO, rejected: NINE, margin: 2 },
    { group: sys.t1.id, chosen: FOUR, rejected: NINE, margin: 1 },
    // trainer 1 on France: Paris > Lyon > Marseille
    { group: plain.t1.id, chosen: PARIS, rejected: LYON, margin: 1 },
    { group: plain.t1.id, chosen: PARIS, rejected: MARSEILLE, margin: 2 },
    { group: plain.t1.id, chosen: LYON, rejected: MARSEILLE, margin: 1 },
    // trainer 2 on France: Paris > {Lyon, Marseille}
    { group: plain.t1.id, chosen: PARIS, rejected: LYON, margin: 1 },
    { group: plain.t1.id, chosen: PARIS, rejected: MARSEILLE, margin: 1 },
  ];

  const trlRow = (p: { group: string; chosen: string; rejected: string }) => ({
    prompt: contexts()[p.group],
    chosen: assistant(p.chosen),
    rejected: assistant(p.rejected),
    group_id: p.group,
  });

  /** Imported context messages were written by nobody in Ordinal and never began as suggestions. */
  const imported = (context: unknown[]) =>
    context.map(() => ({ author: null, model: null, from_suggestion: false, suggestion_model: null, edit_distance: null }));

  const candidatesOfSys = () => [
    { id: c[TWO], content: TWO, model: 'm-7b', params: { temperature: 0.7, seed: 1 }, finish_reason: null },
    { id: c[THREE], content: THREE, model: 'm-7b', params: { temperature: 0.7, seed: 2 }, finish_reason: null },
    { id: c[FOUR], content: FOUR, model: 'm-70b', params: null, finish_reason: null },
    { id: c[NINE], content: NINE, model: 'm-70b', params: null, finish_reason: 'stop' },
  ];
  const candidatesOfPlain = () => [
    { id: c[PARIS], content: PARIS, model: 'm-7b', params: null, finish_reason: null },
    { id: c[LYON], content: LYON, model: 'm-7b', params: null, finish_reason: null },
    { id: c[MARSEILLE], content: MARSEILLE, model: null, params: null, finish_reason: null },
  ];

  it('exports rankings natively: one lossless record per trainer per comparison', async () => {
    expect(await exportRows(researcher, slug, 'format=rankings')).toEqual([
      {
        comparison_id: sys.t1.id,
        source_id: 'conv-sys',
        metadata: { source: 'hand-made' },
        project: slug,
        context: sysContext,
        context_provenance: imported(sysContext),
        candidates: candidatesOfSys(),
        ranking: [[c[TWO]], [c[THREE], c[FOUR]], [c[NINE]]],
        gold_ranking: null,
        annotator: t1.username,
        annotators: [t1.username],
        ratings: { [c[TWO]!]: { overall: 7 }, [c[NINE]!]: { overall: 1 } },
        flags: { [c[NINE]!]: ['hallucination', 'fails_instruction'] },
        note: 'Nine is not prime.',
        shown_order: sys.t1.shownOrder,
        duration_ms: 12_000,
        created_at: sys.t1At,
      },
      {
        comparison_id: sys.t1.id,
        source_id: 'conv-sys',
        metadata: { source: 'hand-made' },
        project: slug,
        context: sysContext,
        context_provenance: imported(sysContext),
        candidates: candidatesOfSys(),
        ranking: [[c[THREE]], [c[TWO]], [c[FOUR]], [c[NINE]]],
        gold_ranking: null,
        annotator: t2.username,
        annotators: [t2.username],
        ratings: { [c[THREE]!]: { overall: 6 } },
        flags: {},
        note: '',
        shown_order: sys.t2.shownOrder,
        duration_ms: 8_000,
        created_at: sys.t2At,
      },
      {
        comparison_id: plain.t1.id,
        source_id: 'conv-plain',
        metadata: null,
        project: slug,
        context: plainContext,
        context_provenance: imported(plainContext),
        candidates: candidatesOfPlain(),
        ranking: [[c[PARIS]], [c[LYON]], [c[MARSEILLE]]],
        gold_ranking: null,
        annotator: t1.username,
        annotators: [t1.username],
        ratings: {},
        flags: {},
        note: '',
        shown_order: plain.t1.shownOrder,
        duration_ms: null,
        created_at: plain.t1At,
      },
      {
        comparison_id: plain.t1.id,
        source_id: 'conv-plain',
        metadata: null,
        project: slug,
        context: plainContext,
        context_provenance: imported(plainContext),
        candidates: candidatesOfPlain(),
        ranking: [[c[PARIS]], [c[LYON], c[MARSEILLE]]],
        gold_ranking: null,
        annotator: t2.username,
        annotators: [t2.username],
        ratings: {},
        flags: { [c[MARSEILLE]!]: ['fails_instruction'] },
        note: 'Lyon and Marseille are equally wrong.',
        shown_order: plain.t2.shownOrder,
        duration_ms: null,
        created_at: plain.t2At,
      },
    ]);
  });

  it('exports every (better, worse) pair across groups as TRL conversational preference rows, none between tied candidates', async () => {
    expect(await exportRows(researcher, slug, 'format=trl')).toEqual(perTrainerPairs().map(trlRow));
  });

  it('exports TRL rows in the conversational format: a message list prompt, one assistant message each side', async () => {
    const rows = (await exportRows(researcher, slug, 'format=trl')) as Array<Record<string, unknown>>;
    expect(rows.length).toBeGreaterThan(0);
    const message = (m: unknown) =>
      typeof m === 'object' &&
      m !== null &&
      ['system', 'user', 'assistant'].includes((m as { role: string }).role) &&
      typeof (m as { content: unknown }).content === 'string';
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['chosen', 'group_id', 'prompt', 'rejected']);
      expect(Array.isArray(row.prompt) && (row.prompt as unknown[]).every(message)).toBe(true);
      expect((row.prompt as Array<{ role: string }>).at(-1)!.role).toBe('user');
      for (const side of [row.chosen, row.rejected]) {
        expect(side).toEqual([{ role: 'assistant', content: expect.any(String) }]);
      }
      expect(row.chosen).not.toEqual(row.rejected);
    }
  });

  it('adds the number of rank groups between chosen and rejected as a numeric margin to every TRL row with margin=rank', async () => {
    const rows = (await exportRows(researcher, slug, 'format=trl&margin=rank')) as Array<{ margin: unknown }>;
    expect(rows).toEqual(perTrainerPairs().map((p) => ({ ...trlRow(p), margin: p.margin })));
    expect(rows.every((r) => typeof r.margin === 'number')).toBe(true);
  });

  it('exports the same pairs in OpenAI preference fine-tuning rows', async () => {
    expect(await exportRows(researcher, slug, 'format=openai-dpo')).toEqual(
      perTrainerPairs().map((p) => ({
        input: { messages: contexts()[p.group] },
        preferred_output: assistant(p.chosen),
        non_preferred_output: assistant(p.rejected),
      })),
    );
  });

  it('exports the same pairs as Anthropic HH text that differs only in the last Assistant turn', async () => {
    const rows = (await exportRows(researcher, slug, 'format=hh')) as Array<{ chosen: string; rejected: string }>;
    expect(rows).toEqual(
      perTrainerPairs().map((p) => ({ chosen: prefixes()[p.group] + p.chosen, rejected: prefixes()[p.group] + p.rejected, group_id: p.group })),
    );
    for (const row of rows) {
      const cut = (text: string) => text.lastIndexOf('\n\nAssistant: ') + '\n\nAssistant: '.length;
      expect(row.chosen.slice(0, cut(row.chosen))).toBe(row.rejected.slice(0, cut(row.rejected)));
      expect(row.chosen.slice(cut(row.chosen))).not.toBe(row.rejected.slice(cut(row.rejected)));
    }
  });

  it('exports nothing as SFT without demonstrations', async () => {
    expect(await exportBody(researcher, slug, 'format=sft')).toBe('');
  });

  it('adds the consensus top candidate to SFT with includeTopRanked, only where no tie shares the top', async () => {
    // Prime question: 2 and 3 each win one trainer (1:1), so the consensus top group is {2, 3}: no row.
    expect(await exportRows(researcher, slug, 'format=sft&includeTopRanked=true')).toEqual([
      { messages: [...plainContext, { role: 'assistant', content: PARIS }] },
    ]);
  });

  it('gives one ranked-pairs consensus ranking per comparison with rows=consensus', async () => {
    // Prime question, trainer 1: 2 > {3,4} > Nine; trainer 2: 3 > 2 > 4 > Nine.
    // 2 vs 3: 1:1 (tie); 2 over 4: 2:0; 3 over 4: 1:0 (trainer 1 tied them); everyone over Nine 2:0.
    // France: Paris over both 2:0; Lyon over Marseille 1:0.
    const max = (a: string, b: string) => (a > b ? a : b);
    const consensus = {
      annotator: 'consensus',
      annotators: [t1.username, t2.username],
      ratings: {},
      flags: {},
      note: '',
      shown_order: null,
      duration_ms: null,
    };
    expect(await exportRows(researcher, slug, 'format=rankings&rows=consensus')).toEqual([
      {
        comparison_id: sys.t1.id,
        source_id: 'conv-sys',
        metadata: { source: 'hand-made' },
        project: slug,
        context: sysContext,
        context_provenance: imported(sysContext),
        candidates: candidatesOfSys(),
        ranking: [[c[TWO], c[THREE]], [c[FOUR]], [c[NINE]]],
        // Every pair a locked majority path supports (here: the weak order's strict pairs, no more).
        consensus_pairs: [
          [c[TWO], c[FOUR]],
          [c[TWO], c[NINE]],
          [c[THREE], c[FOUR]],
          [c[THREE], c[NINE]],
          [c[FOUR], c[NINE]],
        ],
        gold_ranking: null,
        ...consensus,
        created_at: max(sys.t1At, sys.t2At),
      },
      {
        comparison_id: plain.t1.id,
        source_id: 'conv-plain',
        metadata: null,
        project: slug,
        context: plainContext,
        context_provenance: imported(plainContext),
        candidates: candidatesOfPlain(),
        ranking: [[c[PARIS]], [c[LYON]], [c[MARSEILLE]]],
        consensus_pairs: [
          [c[PARIS], c[LYON]],
          [c[PARIS], c[MARSEILLE]],
          [c[LYON], c[MARSEILLE]],
        ],
        gold_ranking: null,
        ...consensus,
        created_at: max(plain.t1At, plain.t2At),
      },
    ]);
    expect(await exportRows(researcher, slug, 'format=trl&rows=consensus')).toEqual(
      [
        // Consensus pairs come in the candidates' order: each candidate against those it leads to.
        { group: sys.t1.id, chosen: TWO, rejected: FOUR },
        { group: sys.t1.id, chosen: TWO, rejected: NINE },
        { group: sys.t1.id, chosen: THREE, rejected: FOUR },
        { group: sys.t1.id, chosen: THREE, rejected: NINE },
        { group: sys.t1.id, chosen: FOUR, rejected: NINE },
        { group: plain.t1.id, chosen: PARIS, rejected: LYON },
        { group: plain.t1.id, chosen: PARIS, rejected: MARSEILLE },
        { group: plain.t1.id, chosen: LYON, rejected: MARSEILLE },
      ].map(trlRow),
    );
  });

  it('counts the rows an export would hold', async () => {
    const res = await researcher.api('GET', `/projects/${slug}/export/count?format=trl`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ rows: perTrainerPairs().length, multiTurnRows: 0, droppedSystemPrompts: 0 });
  });

  it('writes the same bytes on every export of the same data', async () => {
    for (const query of ['format=rankings', 'format=trl', 'format=openai-dpo', 'format=hh', 'format=trl&rows=consensus&margin=rank']) {
      const first = await exportBody(researcher, slug, query);
      expect(first.length).toBeGreaterThan(0);
      expect(await exportBody(researcher, slug, query)).toBe(first);
    }
  });

  it('writes from the CLI exactly the bytes the API sends', async () => {
    const api = await exportBody(researcher, slug, 'format=trl');
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/ordinal.js', '--db', server.db.file, 'export', '--project', slug, '--format', 'trl'], {
      cwd: root,
      maxBuffer: 64 << 20,
    });
    expect(stdout).toBe(api);
  });

  it('refuses exports to trainers', async () => {
    const res = await t1.api('GET', `/projects/${slug}/export?format=trl`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('auth.forbidden');
  });

  it('rejects an unknown format or a bad option with a 400 naming the parameter', async () => {
    for (const [query, parameter] of [
      ['format=csv', 'format'],
      ['', 'format'],
      ['format=trl&split=dev', 'split'],
      ['format=trl&split=test&testShare=1.5', 'testShare'],
    ] as const) {
      const res = await researcher.api('GET', `/projects/${slug}/export?${query}`);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string; details: { issues: Array<{ path: string }> } } };
      expect(error.code).toBe('validation_failed');
      expect(error.message).toContain(parameter);
      expect(error.details.issues.map((i) => i.path)).toContain(parameter);
    }
  });
});

describe('train and test splits', () => {
  let slug: string;
  let researcher: TestUser;
  const CONVERSATIONS = 200;

  beforeAll(async () => {
    slug = server.project({ overlap: 1 });
    const lines = Array.from({ length: CONVERSATIONS }, (_, i) => conversation(`split-${i}`, 2));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    for (let i = 0; i < CONVERSATIONS; i++) {
      const taken = await take(trainer, slug);
      await rank(trainer, taken.id, { ranking: taken.shownOrder.map((id) => [id]) });
    }
    expect((await trainer.api('GET', `/projects/${slug}/next`)).status).toBe(204);
  });

  const promptOf = (line: string) => (JSON.parse(line) as { prompt: Array<{ content: string }> }).prompt[0]!.content;
  const groupOf = (line: string) => (JSON.parse(line) as { group_id: string }).group_id;
  const bodyLines = (body: string) => (body === '' ? [] : body.slice(0, -1).split('\n'));

  it('puts each conversation in exactly one of train and test, together the whole export', async () => {
    const all = bodyLines(await exportBody(researcher, slug, 'format=trl'));
    const train = bodyLines(await exportBody(researcher, slug, 'format=trl&split=train'));
    const test = bodyLines(await exportBody(researcher, slug, 'format=trl&split=test'));
    expect(all).toHaveLength(CONVERSATIONS);
    // About 10% in test: the split is a hash, so allow for chance, but test must hold some.
    expect(test.length).toBeGreaterThanOrEqual(CONVERSATIONS * 0.04);
    expect(test.length).toBeLessThanOrEqual(CONVERSATIONS * 0.2);
    const trainPrompts = new Set(train.map(promptOf));
    expect(test.map(promptOf).filter((p) => trainPrompts.has(p))).toEqual([]);
    const testGroups = new Set(test.map(groupOf));
    expect(all.filter((l) => testGroups.has(groupOf(l)))).toEqual(test);
    expect(all.filter((l) => !testGroups.has(groupOf(l)))).toEqual(train);
  });

  it('keeps every conversation’s split the same across formats', async () => {
    const testTrl = bodyLines(await exportBody(researcher, slug, 'format=trl&split=test')).map(groupOf);
    const testRankings = (await exportRows(researcher, slug, 'format=rankings&split=test')) as Array<{ comparison_id: string }>;
    const testHh = bodyLines(await exportBody(researcher, slug, 'format=hh&split=test')).map(groupOf);
    expect(testRankings.map((r) => r.comparison_id)).toEqual(testTrl);
    expect(testHh).toEqual(testTrl);
  });

  it('moves conversations from train to test, never back, when testShare grows to 0.5', async () => {
    const test10 = bodyLines(await exportBody(researcher, slug, 'format=trl&split=test'));
    const test50 = bodyLines(await exportBody(researcher, slug, 'format=trl&split=test&testShare=0.5'));
    const train50 = bodyLines(await exportBody(researcher, slug, 'format=trl&split=train&testShare=0.5'));
    expect(test50.length).toBeGreaterThanOrEqual(CONVERSATIONS * 0.35);
    expect(test50.length).toBeLessThanOrEqual(CONVERSATIONS * 0.65);
    expect(test50.length + train50.length).toBe(CONVERSATIONS);
    const in50 = new Set(test50);
    expect(test10.filter((l) => !in50.has(l))).toEqual([]);
    expect(train50.filter((l) => in50.has(l))).toEqual([]);
  });

  it('holds nothing in test with testShare=0 and everything with testShare=1', async () => {
    expect(await exportBody(researcher, slug, 'format=trl&split=test&testShare=0')).toBe('');
    expect(bodyLines(await exportBody(researcher, slug, 'format=trl&split=test&testShare=1'))).toHaveLength(CONVERSATIONS);
  });
});

describe('a large export', () => {
  const COMPARISONS = 3000;
  let slug: string;
  let researcher: TestUser;

  beforeAll(async () => {
    slug = server.project({ overlap: 1 });
    const lines = Array.from({ length: COMPARISONS }, (_, i) => conversation(`big-${i}`, 4));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    researcher = await server.user('researcher');
    const trainer = await server.user('trainer');
    expect(rankEveryComparison(server.db, slug, trainer.id, (ids) => [...ids].reverse().map((id) => [id]))).toBe(COMPARISONS);
  });

  it('streams every pair of 3,000 four-way rankings: 6 per comparison', async () => {
    const res = await researcher.api('GET', `/projects/${slug}/export?format=trl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-length')).toBeNull();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let chunks = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks++;
      text += decoder.decode(next.value, { stream: true });
    }
    text += decoder.decode();
    expect(chunks).toBeGreaterThan(1);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(COMPARISONS * 6);
    const perGroup = new Map<string, number>();
    for (const line of lines) {
      const row = JSON.parse(line) as { group_id: string; chosen: Array<{ content: string }> };
      perGroup.set(row.group_id, (perGroup.get(row.group_id) ?? 0) + 1);
    }
    expect(perGroup.size).toBe(COMPARISONS);
    expect([...perGroup.values()].every((n) => n === 6)).toBe(true);
    const count = await researcher.api('GET', `/projects/${slug}/export/count?format=trl`);
    expect(await count.json()).toEqual({ rows: COMPARISONS * 6, multiTurnRows: 0, droppedSystemPrompts: 0 });
  });

  it('exports one native record per ranking of the large project', async () => {
    expect(await exportRows(researcher, slug, 'format=rankings')).toHaveLength(COMPARISONS);
  });

  it('`ordinal export … | head -1` ends quietly, with status 0, when the reader stops early', async () => {
    const command = `set -o pipefail; "${process.execPath}" bin/ordinal.js --db "${server.db.file}" export --project ${slug} --format rankings | head -1`;
    const { stdout, stderr } = await promisify(execFile)('bash', ['-c', command], { cwd: root, maxBuffer: 64 << 20 });
    expect(JSON.parse(stdout)).toMatchObject({ comparison_id: expect.any(String), source_id: expect.any(String) });
    expect(stderr).toBe('');
  });
});

describe('export counts', () => {
  let slug: string;
  let researcher: TestUser;
  const CONVERSATIONS = 24;

  beforeAll(async () => {
    slug = server.project({ allowTies: true, overlap: 2 });
    const lines = Array.from({ length: CONVERSATIONS }, (_, i) => conversation(`count-${i}`, 2 + (i % 4)));
    expect((await server.importLines(slug, lines)).status).toBe(200);
    researcher = await server.user('researcher');
    const trainers = [await server.user('trainer'), await server.user('trainer')];
    // Rankings that agree, disagree, tie at the top or elsewhere, and comparisons ranked once.
    for (let i = 0; i < CONVERSATIONS; i++) {
      for (const [t, trainer] of trainers.entries()) {
        if (t === 1 && i % 3 === 0) continue;
        const { id, shownOrder } = await take(trainer, slug);
        const ids = [...shownOrder].sort();
        const order = (i + t) % 2 ? ids : [...ids].reverse();
        const ranking = (i + t) % 4 === 0 ? [order.slice(0, 2), ...order.slice(2).map((x) => [x])] : order.map((x) => [x]);
        await rank(trainer, id, { ranking });
      }
    }
    for (const n of [1, 2, 3]) {
      const res = await trainers[0]!.api('POST', `/projects/${slug}/demonstrations`, {
        messages: [
          { role: 'user', content: `Demonstration ${n}?` },
          { role: 'assistant', content: `Answer ${n}.` },
        ],
      });
      expect(res.status).toBe(201);
    }
  });

  it('counts exactly the lines the export writes, for every format and option', async () => {
    const common = ['', 'split=train', 'split=test&testShare=0.5', 'minAgreement=0.5'];
    const optionsOf: Record<string, string[]> = {
      rankings: ['rows=consensus', 'rows=consensus&minAgreement=1', 'withFeatures=true', 'history=true'],
      trl: ['rows=consensus', 'rows=consensus&minAgreement=1', 'margin=rank&withFeatures=true', 'withSource=true'],
      'openai-dpo': ['rows=consensus', 'singleTurn=true', 'singleTurn=true&split=test&testShare=0.5'],
      hh: ['rows=consensus', 'hhSystem=fold', 'withSource=true'],
      sft: ['includeTopRanked=true', 'includeTopRanked=true&split=test&testShare=0.5', 'provenance=true'],
    };
    for (const [format, own] of Object.entries(optionsOf)) {
      for (const option of [...common, ...own]) {
        const query = `format=${format}${option ? `&${option}` : ''}`;
        const lines = (await exportRows(researcher, slug, query)).length;
        const res = await researcher.api('GET', `/projects/${slug}/export/count?${query}`);
        expect(res.status, query).toBe(200);
        expect({ query, rows: ((await res.json()) as { rows: number }).rows }).toEqual({ query, rows: lines });
      }
    }
  });
});

describe('writing lines to a stream', () => {
  /** A stream that keeps every chunk as given (no copy) and calls back only after a delay, as a slow reader does. */
  function slowReader(onWrite?: (stream: Writable, writes: number) => void) {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        onWrite?.(stream, chunks.length);
        setTimeout(callback, 2);
      },
    });
    return { stream, bytes: () => Buffer.concat(chunks) };
  }

  it('writes every byte in order: multi-byte text, lines longer than a write buffer, many short lines', async () => {
    const lines = [
      '{"a":1}\n',
      `${'é€😀'.repeat(200_000)}\n`,
      ...Array.from({ length: 50_000 }, (_, i) => `{"n":${i},"s":"ü${'x'.repeat(i % 90)}"}\n`),
      `${'y'.repeat(3 << 20)}\n`,
      'last\n',
    ];
    const { stream, bytes } = slowReader();
    expect(await writeLines(lines, stream)).toBe(lines.length);
    // The reader keeps the written buffers uncopied: were a buffer refilled before its write was done, this would differ.
    expect(bytes().equals(Buffer.from(lines.join('')))).toBe(true);
  });

  it('stops, and closes the line source, when the reader goes away', async () => {
    let closed = false;
    function* lines() {
      try {
        for (let i = 0; ; i++) yield `${'z'.repeat(1000)} ${i}\n`;
      } finally {
        closed = true;
      }
    }
    const { stream } = slowReader((s, writes) => writes === 3 && s.destroy());
    const written = await writeLines(lines(), stream);
    expect(written).toBeGreaterThan(0);
    expect(closed).toBe(true);
  });
});
