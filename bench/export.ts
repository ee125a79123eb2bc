// Export: `ordinal export --format trl` of ~1 M pairs against Debian's sqlite3 CLI dumping the same
// pairs as JSON lines, on one database built fast with raw better-sqlite3 inserts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  absoluteFigure,
  conversationLine,
  ensureSqlite3,
  firstLines,
  log,
  ordinal,
  prng,
  ratioFigure,
  REPEAT,
  round,
  run,
  scaled,
  SQLITE3,
  tempDir,
  benchDir,
  type Figure,
} from './lib.ts';

const CANDIDATES = 5; // 5 candidates ranked without ties: 10 pairs per ranking
const TRAINERS = 64;

/**
 * A migrated database (through the CLI) filled with raw prepared inserts in one transaction,
 * mirroring what import and PUT ranking write: conversations, the context chain and the candidates
 * as messages, comparisons done with one ranking each, assignments, rankings and their revisions.
 */
async function buildDatabase(file: string, comparisons: number) {
  await ordinal(file, ['projects', 'create', 'exp', '--name', 'Export bench', '--overlap', '1']);
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const projectId = (db.prepare("SELECT id FROM projects WHERE slug = 'exp'").get() as { id: number }).id;
  const now = Date.now();
  // One real scrypt hash (the app's parameters) shared by every trainer: they never log in here.
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync('bench-password', salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 2 ** 26 });
  const passwordHash = `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`;

  const s = {
    user: db.prepare('INSERT INTO users (username, password_hash, role, active, created_at) VALUES (?, ?, ?, 1, ?)'),
    conversation: db.prepare(
      `INSERT INTO conversations (project_id, external_id, metadata, source, created_by, created_at) VALUES (?, ?, ?, 'import', NULL, ?)`,
    ),
    message: db.prepare(`
      INSERT INTO messages (conversation_id, parent_id, role, content, author_id, model, params, finish_reason, usage, latency_ms,
                            from_suggestion, suggestion_model, suggestion_edit_distance, created_at)
      VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, NULL, NULL, 0, NULL, NULL, ?)`),
    comparison: db.prepare(
      `INSERT INTO comparisons (project_id, conversation_id, parent_message_id, author_id, ranking_count, done, created_at) VALUES (?, ?, ?, NULL, 1, 1, ?)`,
    ),
    assignment: db.prepare(`INSERT INTO assignments (comparison_id, user_id, shown_order, leased_at, expires_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)`),
    ranking: db.prepare(`
      INSERT INTO rankings (comparison_id, user_id, ranking, ratings, flags, note, duration_ms, shown_order, suggestion_visible, revision, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, '', ?, ?, 0, 1, ?, ?)`),
    revision: db.prepare(
      `INSERT INTO ranking_revisions (ranking_id, revision, ranking, ratings, flags, note, duration_ms, submitted_at) VALUES (?, 1, ?, ?, ?, '', ?, ?)`,
    ),
  };
  const random = prng(7);
  const shuffle = <T>(xs: T[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  db.transaction(() => {
    const trainers: number[] = [];
    for (let t = 1; t <= TRAINERS; t++) trainers.push(Number(s.user.run(`trainer${t}`, passwordHash, 'trainer', now).lastInsertRowid));
    for (let n = 1; n <= comparisons; n++) {
      const line = conversationLine(random, n, CANDIDATES);
      const conversationId = s.conversation.run(projectId, line.id, JSON.stringify(line.metadata), now).lastInsertRowid;
      let parentId: number | bigint | null = null;
      for (const m of line.messages) parentId = s.message.run(conversationId, parentId, m.role, m.content, null, null, now).lastInsertRowid;
      const ids = line.completions.map((c) =>
        String(s.message.run(conversationId, parentId, 'assistant', c.content, c.model, JSON.stringify(c.params), now).lastInsertRowid),
      );
      const comparisonId = s.comparison.run(projectId, conversationId, parentId, now).lastInsertRowid;
      const userId = trainers[n % TRAINERS]!;
      const shownOrder = JSON.stringify(shuffle([...ids]));
      const ranking = JSON.stringify(shuffle([...ids]).map((id) => [id]));
      const ratings = JSON.stringify(Object.fromEntries(ids.filter(() => random() < 0.5).map((id) => [id, { overall: 1 + Math.floor(random() * 7) }])));
      const flags = JSON.stringify(random() < 0.2 ? { [ids[0]!]: ['hallucination'] } : {});
      const duration = 5000 + Math.floor(random() * 90_000);
      s.assignment.run(comparisonId, userId, shownOrder, now, now + 1_800_000, now + duration);
      const rankingId = s.ranking.run(comparisonId, userId, ranking, ratings, flags, duration, shownOrder, now + duration, now + duration).lastInsertRowid;
      s.revision.run(rankingId, ranking, ratings, flags, duration, now + duration);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/**
 * The same pairs straight from SQL: each comparison's prompt (its context chain: for an imported
 * conversation, its messages up to the comparison's parent) built once, then every ranking expanded
 * with json_each into (better group, worse group) pairs, one JSON object per line in TRL's shape.
 */
export const pairsQuery = (projectId: number) => `
WITH ctx AS MATERIALIZED (
  SELECT c.id AS cid,
         (SELECT json_group_array(json_object('role', role, 'content', content))
            FROM (SELECT role, content FROM messages m WHERE m.conversation_id = c.conversation_id AND m.id <= c.parent_message_id ORDER BY m.id)) AS prompt
  FROM comparisons c WHERE c.project_id = ${projectId} AND c.ranking_count > 0 ORDER BY c.id
)
SELECT json_object(
         'prompt', json(ctx.prompt),
         'chosen', json_array(json_object('role', 'assistant', 'content', mc.content)),
         'rejected', json_array(json_object('role', 'assistant', 'content', mr.content)),
         'group_id', CAST(r.comparison_id AS TEXT))
FROM ctx
JOIN rankings r ON r.comparison_id = ctx.cid
JOIN json_each(r.ranking) g1
JOIN json_each(r.ranking) g2 ON g2.key > g1.key
JOIN json_each(g1.value) a
JOIN json_each(g2.value) b
JOIN messages mc ON mc.id = CAST(a.value AS INTEGER)
JOIN messages mr ON mr.id = CAST(b.value AS INTEGER);
`;

const countLines = (file: string) => {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 22);
  let lines = 0;
  try {
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      for (let i = buffer.indexOf(10, 0); i !== -1 && i < read; i = buffer.indexOf(10, i + 1)) lines++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
};

export interface ExportDetails {
  pairs: number;
  ordinalMs: number;
  sqliteMs: number;
  ordinalBytes: number;
  sqliteBytes: number;
  sameFirstLines: boolean;
  sameBytes: boolean;
  ordinalRssMb: number;
  sqliteRssMb: number | null;
}

export async function exportBench(): Promise<{ figures: Figure[]; details: ExportDetails }> {
  ensureSqlite3();
  const dir = tempDir('export');
  const db = path.join(dir, 'export.db');
  const comparisons = scaled(100_000, 100);
  const pairsWanted = comparisons * ((CANDIDATES * (CANDIDATES - 1)) / 2);
  log(`export: building a database of ${comparisons.toLocaleString('en')} ranked comparisons (${pairsWanted.toLocaleString('en')} pairs)`);
  const built = performance.now();
  await buildDatabase(db, comparisons);
  log(`export: built in ${((performance.now() - built) / 1000).toFixed(1)} s (${(fs.statSync(db).size / 2 ** 20).toFixed(0)} MiB)`);

  // Baseline: sqlite3 CLI, peak memory through /usr/bin/time where it exists. Ordinal: the CLI, as a
  // researcher runs it, peak memory from a preloaded probe. Alternating, REPEAT times; the fastest counts.
  const sqliteOut = path.join(dir, 'sqlite.jsonl');
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const sqliteRssFile = path.join(dir, 'sqlite.rss');
  const sqliteArgs = ['-bail', db, pairsQuery(1)];
  const ordinalOut = path.join(dir, 'ordinal.jsonl');
  const rssFile = path.join(dir, 'ordinal.rss');
  const profileDir = process.env.BENCH_PROFILE_DIR;
  let sqliteMs = Infinity;
  let ordinalMs = Infinity;
  let sqliteRssMb: number | null = null;
  let ordinalRssMb = 0;
  let exported: Awaited<ReturnType<typeof ordinal>> | null = null;
  for (let i = 1; i <= REPEAT; i++) {
    log(`export: sqlite3 CLI (run ${i} of ${REPEAT})`);
    const sqlite = timeBin
      ? await run(timeBin, ['-f', '%M', '-o', sqliteRssFile, SQLITE3, ...sqliteArgs], { stdoutFile: sqliteOut })
      : await run(SQLITE3, sqliteArgs, { stdoutFile: sqliteOut });
    sqliteMs = Math.min(sqliteMs, sqlite.ms);
    if (timeBin) sqliteRssMb = Math.max(sqliteRssMb ?? 0, Number(fs.readFileSync(sqliteRssFile, 'utf8').trim().split('\n').at(-1)) / 1024);

    log(`export: ordinal export --format trl (run ${i} of ${REPEAT})${profileDir && i === 1 ? ` (CPU profile into ${profileDir})` : ''}`);
    exported = await ordinal(db, ['export', '--project', 'exp', '--format', 'trl', '--out', ordinalOut], {
      nodeArgs: ['--import', path.join(benchDir, 'rss-probe.mjs'), ...(profileDir && i === 1 ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
      env: { BENCH_RSS_FILE: rssFile },
    });
    ordinalMs = Math.min(ordinalMs, exported.ms);
    ordinalRssMb = Math.max(ordinalRssMb, Number(fs.readFileSync(rssFile, 'utf8')) / 1024);
  }
  const written = /Wrote (\d+) records/.exec(exported!.stderr);
  const pairs = written ? Number(written[1]) : countLines(ordinalOut);

  const ordinalBytes = fs.statSync(ordinalOut).size;
  const sqliteBytes = fs.statSync(sqliteOut).size;
  const sqlitePairs = sqliteBytes === ordinalBytes ? pairs : countLines(sqliteOut);
  if (pairs !== pairsWanted || sqlitePairs !== pairsWanted)
    throw new Error(`export: expected ${pairsWanted} pairs, Ordinal wrote ${pairs} and sqlite3 ${sqlitePairs}`);
  const a = firstLines(ordinalOut, 1000);
  const b = firstLines(sqliteOut, 1000);
  const sameFirstLines = a.length === b.length && a.every((line, i) => JSON.stringify(JSON.parse(line)) === JSON.stringify(JSON.parse(b[i]!)));
  const sameBytes = sameFirstLines && ordinalBytes === sqliteBytes && a.every((line, i) => line === b[i]);
  if (!sameFirstLines) log('export: warning: the first lines of the two dumps differ (order or content)');
  fs.rmSync(ordinalOut);
  fs.rmSync(sqliteOut);

  const details = { pairs, ordinalMs, sqliteMs, repeat: REPEAT, ordinalBytes, sqliteBytes, sameFirstLines, sameBytes, ordinalRssMb, sqliteRssMb };
  const label = `${pairs.toLocaleString('en')} pairs`;
  return {
    details,
    figures: [
      ratioFigure({
        name: `export: ${label} as trl JSONL (CLI) vs sqlite3 CLI`,
        value: round(ordinalMs / 1000, 2),
        baseline: round(sqliteMs / 1000, 2),
        ratio: sqliteMs / ordinalMs,
        min: 0.5,
        unit: 's',
        note: `${(ordinalBytes / 2 ** 20).toFixed(0)} MiB written; ${(pairs / (ordinalMs / 1000)).toFixed(0)} pairs/s vs ${(pairs / (sqliteMs / 1000)).toFixed(0)} pairs/s (fastest of ${REPEAT}); first 1,000 lines ${sameFirstLines ? 'equal' : 'differ'}, files ${sameBytes ? 'byte-identical in size and first lines' : `${ordinalBytes} vs ${sqliteBytes} bytes`}`,
      }),
      absoluteFigure({
        name: `export: peak memory (max RSS) of the ${label} export`,
        value: round(ordinalRssMb, 1),
        baseline: sqliteRssMb === null ? null : round(sqliteRssMb, 1),
        ratio: sqliteRssMb === null ? null : round(ordinalRssMb / sqliteRssMb),
        max: 200,
        unit: 'MB',
        note: `baseline: the sqlite3 CLI’s max RSS (GNU time) for the same dump; the larger of ${REPEAT} runs each`,
      }),
    ],
  };
}
