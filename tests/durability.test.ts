import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bearer, cli, logIn, startChildServer, tempDir, type ChildServer } from './support/child-server.ts';

const SLUG = 'durable';
const COMPARISONS = 600;
const TRAINERS = 20;
const ROUNDS = 3;
const ADMIN_PASSWORD = 'admin-password-for-durability';
/** Load lasts about a second, but stops earlier so that every round still finds work in the queue. */
const LOAD_MS = 1000;
const MAX_ACKS_PER_ROUND = Math.floor((COMPARISONS / ROUNDS) * 0.7);

interface Body {
  ranking: string[][];
  note: string;
  durationMs: number;
}

/** What a trainer knows about one comparison: the last body the server acknowledged, and bodies sent since without an answer. */
interface Sent {
  comparisonId: string;
  username: string;
  acked: Body | null;
  unanswered: Body[];
}

const shuffled = <T>(items: T[]) => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

function writeImportFile(dir: string): string {
  const file = path.join(dir, 'burst.jsonl');
  const lines = Array.from({ length: COMPARISONS }, (_, i) =>
    JSON.stringify({
      id: `burst-${i}`,
      messages: [{ role: 'user', content: `Question ${i}: what is ${i} + ${i}?` }],
      completions: Array.from({ length: 2 + (i % 3) }, (_, k) => ({ content: `Answer ${k} to ${i}: ${2 * i + k}`, model: `m-${k}` })),
    }),
  );
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Trainers created through the running server's API, each with an API token of their own. */
async function createTrainers(server: ChildServer) {
  const admin = await logIn(server.url, 'admin', ADMIN_PASSWORD);
  expect(admin.status).toBe(200);
  const tokenResponse = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie: admin.cookie!, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'durability' }),
  });
  expect(tokenResponse.status).toBe(201);
  const asAdmin = bearer(server.url, ((await tokenResponse.json()) as { token: string }).token);
  return Promise.all(
    Array.from({ length: TRAINERS }, async (_, i) => {
      const username = `t${i}`;
      const password = `${username}-password-long`;
      expect((await asAdmin('POST', '/users', { username, role: 'trainer', password })).status).toBe(201);
      const session = await logIn(server.url, username, password);
      expect(session.status).toBe(200);
      const created = await fetch(`${server.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { cookie: session.cookie!, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'burst' }),
      });
      expect(created.status).toBe(201);
      return { username, token: ((await created.json()) as { token: string }).token };
    }),
  );
}

type Trainer = Awaited<ReturnType<typeof createTrainers>>[number] & { api: ReturnType<typeof bearer> };

/**
 * Every trainer loops next → PUT ranking (sometimes PUTs a changed answer again) until the server
 * stops answering. Records every acknowledged body, and every body sent without an answer.
 */
async function burst(server: ChildServer, accounts: { username: string; token: string }[], sent: Map<string, Sent>, round: number) {
  const trainers: Trainer[] = accounts.map((a) => ({ ...a, api: bearer(server.url, a.token) }));
  let acks = 0;
  let exhausted = 0;
  const unexpected: string[] = [];
  let killed = false;
  let pending = 0;
  let pendingAtKill = 0;
  const kill = () => {
    if (killed) return;
    killed = true;
    pendingAtKill = pending;
    clearTimeout(killTimer);
    server.process.kill('SIGKILL');
  };
  const killTimer = setTimeout(kill, LOAD_MS);

  async function put(trainer: Trainer, comparisonId: string, body: Body): Promise<boolean> {
    const key = `${trainer.username}:${comparisonId}`;
    const entry = sent.get(key) ?? { comparisonId, username: trainer.username, acked: null, unanswered: [] };
    sent.set(key, entry);
    entry.unanswered.push(body);
    pending++;
    let response: Response;
    let text: string;
    try {
      response = await trainer.api('PUT', `/comparisons/${comparisonId}/ranking`, body);
      text = await response.text();
    } catch {
      return false; // the server is gone; this body may or may not have been stored
    } finally {
      pending--;
    }
    if (response.status !== 200) {
      unexpected.push(`PUT ${comparisonId} as ${trainer.username}: ${response.status} ${text}`);
      return false;
    }
    const stored = (JSON.parse(text) as { ranking: { ranking: string[][]; note: string } }).ranking;
    if (JSON.stringify(stored.ranking) !== JSON.stringify(body.ranking) || stored.note !== body.note) {
      unexpected.push(`PUT ${comparisonId} as ${trainer.username} answered with another ranking: ${text}`);
    }
    entry.acked = body;
    entry.unanswered = [];
    if (++acks >= MAX_ACKS_PER_ROUND) kill();
    return true;
  }

  async function work(trainer: Trainer) {
    for (let n = 0; ; n++) {
      let comparison: { id: string; candidates: { id: string }[] };
      try {
        const response = await trainer.api('GET', `/projects/${SLUG}/next?kind=comparison`);
        if (response.status === 204) {
          exhausted++;
          return;
        }
        const text = await response.text();
        if (response.status !== 200) {
          unexpected.push(`next as ${trainer.username}: ${response.status} ${text}`);
          return;
        }
        comparison = (JSON.parse(text) as { comparison: typeof comparison }).comparison;
      } catch {
        return; // the server is gone
      }
      const ids = comparison.candidates.map((c) => c.id);
      const note = `${trainer.username}, round ${round}, task ${n}`;
      if (!(await put(trainer, comparison.id, { ranking: shuffled(ids).map((id) => [id]), note, durationMs: crypto.randomInt(100_000) }))) return;
      // A trainer who changes their mind: the replacement is what must survive.
      if (crypto.randomInt(5) === 0) {
        const changed = { ranking: [...ids].reverse().map((id) => [id]), note: `${note}, changed`, durationMs: crypto.randomInt(100_000) };
        if (!(await put(trainer, comparison.id, changed))) return;
      }
    }
  }

  await Promise.all(trainers.map(work));
  kill();
  await server.exited;
  return { acks, exhausted, unexpected, pendingAtKill };
}

/** Opens the file the way a restarted server would (WAL recovery included) and checks what survived. */
function checkDatabase(file: string, sent: Map<string, Sent>) {
  const sqlite = new Database(file);
  try {
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);

    const find = sqlite.prepare<[string, string], { ranking: string; note: string; durationMs: number | null; revision: number; revisions: number }>(`
      SELECT r.ranking, r.note, r.duration_ms AS durationMs, r.revision,
        (SELECT count(*) FROM ranking_revisions v WHERE v.ranking_id = r.id) AS revisions
      FROM rankings r JOIN users u ON u.id = r.user_id
      WHERE r.comparison_id = ? AND u.username = ?`);
    const lost: string[] = [];
    for (const entry of sent.values()) {
      const row = find.get(entry.comparisonId, entry.username);
      const stored = row && { ranking: JSON.parse(row.ranking) as string[][], note: row.note, durationMs: row.durationMs };
      // A body sent after the acknowledged one may have been committed just before the kill; an
      // answer never acknowledged may be stored or not, but nothing else may be.
      const acceptable = entry.acked ? [entry.acked, ...entry.unanswered] : [null, ...entry.unanswered];
      if (!acceptable.some((body) => JSON.stringify(body) === JSON.stringify(stored ?? null))) {
        lost.push(
          `${entry.username} on comparison ${entry.comparisonId}: acknowledged ${JSON.stringify(entry.acked)}, stored ${JSON.stringify(stored ?? null)}`,
        );
      }
      if (row) expect(row.revisions, 'every revision of a ranking is in its history').toBe(row.revision);
    }
    expect(lost).toEqual([]);

    const counts = sqlite
      .prepare<[], { rankings: number; counted: number; wrongDone: number }>(
        `
        SELECT (SELECT count(*) FROM rankings) AS rankings,
          (SELECT coalesce(sum(ranking_count), 0) FROM comparisons) AS counted,
          (SELECT count(*) FROM comparisons WHERE done != (ranking_count >= 1)) AS wrongDone`,
      )
      .get()!;
    expect(counts.rankings).toBe(counts.counted);
    expect(counts.wrongDone).toBe(0);
    const perComparison = sqlite
      .prepare<[], { id: number }>('SELECT c.id FROM comparisons c WHERE c.ranking_count != (SELECT count(*) FROM rankings r WHERE r.comparison_id = c.id)')
      .all();
    expect(perComparison).toEqual([]);
    return counts.rankings;
  } finally {
    sqlite.close();
  }
}

describe('durability', () => {
  it('a server killed with SIGKILL in the middle of a burst of submissions loses no ranking it acknowledged, three times over', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'ordinal.db');
    await cli(db, ['projects', 'create', SLUG, '--overlap', '1']);
    expect(await cli(db, ['import', writeImportFile(dir), '--project', SLUG])).toContain(`${COMPARISONS} comparisons`);

    const env = { ORDINAL_ADMIN_PASSWORD: ADMIN_PASSWORD };
    let server = await startChildServer({ db, env });
    const trainers = await createTrainers(server);
    const sent = new Map<string, Sent>();
    let acknowledged = 0;

    for (let round = 1; round <= ROUNDS; round++) {
      if (round > 1) server = await startChildServer({ db, env });
      const result = await burst(server, trainers, sent, round);
      expect(result.unexpected).toEqual([]);
      // The kill must land in the middle of the burst, not after the queue ran dry.
      expect(result.acks).toBeGreaterThan(0);
      expect(result.exhausted).toBe(0);
      expect(result.pendingAtKill, 'submissions were in flight when the server died').toBeGreaterThan(0);
      acknowledged += result.acks;

      const stored = checkDatabase(db, sent);
      const distinctAcked = [...sent.values()].filter((e) => e.acked).length;
      expect(stored).toBeGreaterThanOrEqual(distinctAcked);
    }
    expect(acknowledged).toBeGreaterThan(ROUNDS * TRAINERS);
  }, 240_000);
});
