// Big project (issue 15): a trainer's `next` + `PUT ranking` p99 while, on a project of 1M rankings,
// the server computes at its start what a database from before migration 0008 lacks, a researcher keeps the dashboard open, a trainer keeps "My figures" open, a researcher exports
// every ranking and a large import runs, each against the same p99 on the idle server in the same run; the server's peak memory through it all; and the project page
// at 1M rankings against at 1k. The project is built fast with raw inserts (overlap 3, 4 candidates,
// 500 trainers), as bench/export.ts does, and checked through the API.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  absoluteFigure,
  conversationLine,
  log,
  median,
  ordinal,
  percentile,
  prng,
  ratioFigure,
  round,
  scaled,
  startServer,
  stopChild,
  tempDir,
  writeConversations,
  type Figure,
} from './lib.ts';
import type { MyStats } from '#shared/stats.ts';

const CANDIDATES = 4;
const OVERLAP = 3;
const HISTORY_TRAINERS = 500;
/** Trainers ranking during each measurement, each its own connection. */
const LIVE_TRAINERS = 4;
/** Open comparisons left for them: they never run out (each ranks each one once; on a fast machine they went through 60,000 before the phases ended). */
const OPEN = scaled(150_000, 20_000);
const PASSWORD = 'bench-password-1';

/**
 * A project `big` of `rankings` rankings (each comparison ranked by OVERLAP of 500 trainers) plus
 * OPEN comparisons nobody has ranked, written as the app writes them, with the app's schema and
 * triggers (the database is made by the CLI).
 */
export async function buildProject(file: string, rankings: number) {
  await ordinal(file, ['projects', 'create', 'big', '--name', 'Big project', '--overlap', String(OVERLAP)]);
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  const projectId = (db.prepare("SELECT id FROM projects WHERE slug = 'big'").get() as { id: number }).id;
  const now = Date.now();
  const s = {
    user: db.prepare("INSERT INTO users (username, password_hash, role, active, created_at) VALUES (?, 'scrypt$none', 'trainer', 1, ?)"),
    conversation: db.prepare(`INSERT INTO conversations (project_id, external_id, metadata, source, created_at) VALUES (?, ?, ?, 'import', ?)`),
    message: db.prepare(
      `INSERT INTO messages (conversation_id, parent_id, role, content, model, params, from_suggestion, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)`,
    ),
    comparison: db.prepare(
      `INSERT INTO comparisons (project_id, conversation_id, parent_message_id, ranking_count, done, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    assignment: db.prepare(`INSERT INTO assignments (comparison_id, user_id, shown_order, leased_at, expires_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)`),
    ranking: db.prepare(`
      INSERT INTO rankings (comparison_id, user_id, ranking, ratings, flags, note, duration_ms, shown_order, suggestion_visible, revision, created_at, updated_at)
      VALUES (?, ?, ?, '{}', ?, ?, ?, ?, 0, 1, ?, ?)`),
    revision: db.prepare(
      `INSERT INTO ranking_revisions (ranking_id, revision, ranking, ratings, flags, note, duration_ms, submitted_at) VALUES (?, 1, ?, '{}', ?, ?, ?, ?)`,
    ),
  };
  const random = prng(11);
  const shuffled = <T>(xs: T[]) => {
    const copy = [...xs];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };
  const ranked = Math.ceil(rankings / OVERLAP);
  db.transaction(() => {
    const trainers = Array.from({ length: HISTORY_TRAINERS }, (_, t) => Number(s.user.run(`history${t + 1}`, now).lastInsertRowid));
    let written = 0;
    for (let n = 1; n <= ranked + OPEN; n++) {
      const line = conversationLine(random, n, CANDIDATES, { prompt: 120, answer: 160 });
      const conversationId = s.conversation.run(projectId, line.id, JSON.stringify(line.metadata), now).lastInsertRowid;
      let parentId: number | bigint | null = null;
      for (const m of line.messages) parentId = s.message.run(conversationId, parentId, m.role, m.content, null, null, now).lastInsertRowid;
      const ids = line.completions.map((c) =>
        String(s.message.run(conversationId, parentId, 'assistant', c.content, c.model, JSON.stringify(c.params), now).lastInsertRowid),
      );
      const count = n <= ranked ? Math.min(OVERLAP, rankings - written) : 0;
      const comparisonId = s.comparison.run(projectId, conversationId, parentId, count, count >= OVERLAP ? 1 : 0, now).lastInsertRowid;
      const first = Math.floor(random() * HISTORY_TRAINERS);
      for (let r = 0; r < count; r++) {
        const userId = trainers[(first + r * 37) % HISTORY_TRAINERS]!;
        const shown = JSON.stringify(shuffled(ids));
        const order = JSON.stringify(shuffled(ids).map((id) => [id]));
        const flags = random() < 0.02 ? JSON.stringify({ [ids[0]!]: ['hallucination'] }) : '{}';
        const note = random() < 0.02 ? 'unsure' : '';
        const duration = 5000 + Math.floor(random() * 90_000);
        const at = now - Math.floor(random() * 30 * 86_400_000);
        s.assignment.run(comparisonId, userId, shown, at, at + 1_800_000, at + duration);
        const rankingId = s.ranking.run(comparisonId, userId, order, flags, note, duration, shown, at + duration, at + duration).lastInsertRowid;
        s.revision.run(rankingId, order, flags, note, duration, at + duration);
        written++;
      }
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  for (const name of ['rita', ...Array.from({ length: LIVE_TRAINERS }, (_, i) => `live${i + 1}`)]) {
    await ordinal(file, ['users', 'add', name, '--role', name === 'rita' ? 'researcher' : 'trainer', '--password', PASSWORD]);
  }
  const token = async (name: string) => (await ordinal(file, ['tokens', 'create', name])).stdout.trim();
  return {
    researcher: await token('rita'),
    trainers: await Promise.all(Array.from({ length: LIVE_TRAINERS }, (_, i) => token(`live${i + 1}`))),
    historyTrainer: { name: 'history1', token: await token('history1') },
  };
}

const api = (base: string, token: string) => async (method: string, route: string, body?: unknown) => {
  const response = await fetch(`${base}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
};

/**
 * LIVE_TRAINERS trainers ranking on `big` until `until` resolves (at least `minimumMs`): each
 * request's latency, in ms, and the server's largest resident memory meanwhile (sampled).
 */
async function trainersWhile(base: string, tokens: string[], until: Promise<unknown>, minimumMs: number, pid: number | undefined) {
  const latencies: number[] = [];
  const failures: string[] = [];
  let done = false;
  let largest = memoryOf(pid);
  const sampler = setInterval(() => {
    const now = memoryOf(pid);
    if (now.rssMb > largest.rssMb) largest = now;
  }, 200);
  // A failed `until` stops at once; its caller reports the failure.
  Promise.all([until, new Promise((resolve) => setTimeout(resolve, minimumMs))]).then(
    () => (done = true),
    () => (done = true),
  );
  const timed = async <T>(work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    latencies.push(performance.now() - started);
    return result;
  };
  await Promise.all(
    tokens.map(async (token) => {
      const call = api(base, token);
      while (!done) {
        const next = await timed(() => call('GET', '/projects/big/next?kind=comparison'));
        if (next.status === 204) {
          // Answered at once, these would make the phase's figures meaningless.
          done = true;
          throw new Error('the live trainers ran out of comparisons: raise OPEN');
        }
        if (next.status !== 200) {
          failures.push(`next ${next.status} ${next.text.slice(0, 200)}`);
          continue;
        }
        const { comparison } = JSON.parse(next.text) as { comparison: { id: string; candidates: { id: string }[] } };
        const put = await timed(() =>
          call('PUT', `/comparisons/${comparison.id}/ranking`, { ranking: comparison.candidates.map((c) => [c.id]).reverse(), durationMs: 4000 }),
        );
        if (put.status !== 200) failures.push(`PUT ${put.status} ${put.text.slice(0, 200)}`);
      }
    }),
  ).finally(() => clearInterval(sampler));
  return { p99: percentile(latencies, 99), p50: median(latencies), requests: latencies.length, failures, maxRssMb: largest.rssMb, largest };
}

/** The server's resident memory now and its peak so far (VmRSS, VmHWM), in MB. */
function memoryOf(pid: number | undefined) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024, shmemMb: kb('RssShmem') / 1024 };
}

const rssOf = ({ largest: m }: { largest: ReturnType<typeof memoryOf> }) =>
  `${round(m.rssMb, 0)} MB (anonymous ${round(m.anonMb, 0)}, files ${round(m.fileMb, 0)}, shared ${round(m.shmemMb, 0)})`;

/**
 * Resolves once the server's start-up upkeep is done (comparisons/comparisons.routes.ts): every
 * ranked comparison has its stored figures and every comparison its search document. The raw
 * inserts of buildProject leave both to it, as a database upgraded to migration 0008 does.
 */
async function upkeepDone(file: string) {
  const db = new Database(file, { readonly: true });
  const waiting = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM comparisons INDEXED BY comparisons_figures_pending_idx WHERE consensus IS NULL AND ranking_count > 0)
         OR EXISTS (SELECT 1 FROM comparison_search_queue)`,
    )
    .pluck();
  try {
    while (waiting.get()) await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    db.close();
  }
}

/** Median latency of the project page (GET /projects/big), over `n` requests one at a time. */
async function projectPage(base: string, token: string, n = 200) {
  const call = api(base, token);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const { status } = await call('GET', '/projects/big');
    if (status !== 200) throw new Error(`GET /projects/big: ${status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function bigProjectBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const dir = tempDir('big-project');
  const rankings = scaled(1_000_000, 10_000);
  const importLines = scaled(1_000_000, 10_000);
  const window = 8000;

  log(
    `big project: building ${rankings.toLocaleString('en')} rankings (overlap ${OVERLAP}, ${CANDIDATES} candidates, ${HISTORY_TRAINERS} trainers) and a 1,000-ranking twin`,
  );
  const file = path.join(dir, 'big.db');
  const small = path.join(dir, 'small.db');
  const tokens = await buildProject(file, rankings);
  const smallTokens = await buildProject(small, 1000);
  const importFile = path.join(dir, 'import.jsonl');
  const importBytes = writeConversations(importFile, importLines, CANDIDATES, 3);
  await ordinal(file, ['projects', 'create', 'incoming', '--name', 'Import target']);

  let page1k: number;
  {
    const { server, base } = await startServer(small, { timeoutMs: 300_000 });
    try {
      await upkeepDone(small);
      page1k = await projectPage(base, smallTokens.researcher);
    } finally {
      await stopChild(server.child);
    }
  }

  const { server, base } = await startServer(file, { timeoutMs: 300_000 });
  const pid = server.child.pid;
  const researcher = api(base, tokens.researcher);
  try {
    const shown = JSON.parse((await researcher('GET', '/projects/big')).text) as { project: { progress: { rankings: number } } };
    if (shown.project.progress.rankings !== rankings) throw new Error(`the API shows ${shown.project.progress.rankings} rankings, not ${rankings}`);
    log(`big project: trainers while the server computes the figures and search documents of the comparisons, as after an upgrade`);
    const upkeepStarted = performance.now();
    const withUpkeep = await trainersWhile(base, tokens.trainers, upkeepDone(file), 0, pid);
    const upkeepSeconds = (performance.now() - upkeepStarted) / 1000;
    log(`big project: upkeep took ${round(upkeepSeconds, 1)} s; server memory at most ${rssOf(withUpkeep)}`);

    const page1m = await projectPage(base, tokens.researcher);

    log('big project: trainers on the idle server');
    const idle = await trainersWhile(base, tokens.trainers, Promise.resolve(), window, pid);
    log(`big project: idle: server memory at most ${rssOf(idle)}`);

    // Each phase repeats a researcher's (or a trainer's) long request while the live trainers rank,
    // for the window and at least until the first one has been answered.
    const whileRepeating = async (what: string, request: () => Promise<void>) => {
      let loads = 0;
      let slowestMs = 0;
      let stop = false;
      let firstAnswered!: () => void;
      const first = new Promise<void>((resolve) => (firstAnswered = resolve));
      const repeating = (async () => {
        while (!stop) {
          const started = performance.now();
          await request();
          slowestMs = Math.max(slowestMs, performance.now() - started);
          loads++;
          firstAnswered();
        }
      })();
      // A failed request ends the phase at once instead of leaving the trainers waiting for it.
      const trainers = await trainersWhile(base, tokens.trainers, Promise.race([first, repeating]), window, pid);
      stop = true;
      await repeating;
      log(`big project: ${what}: ${loads} times, the slowest ${round(slowestMs / 1000, 1)} s; server memory at most ${rssOf(trainers)}`);
      return { ...trainers, loads, slowestMs };
    };
    const expectOk = (what: string, { status, text }: { status: number; text: string }) => {
      if (status !== 200) throw new Error(`${what}: ${status} ${text.slice(0, 300)}`);
    };

    log('big project: trainers while the researcher keeps reloading the dashboard (stats and review)');
    const withDashboard = await whileRepeating('dashboard', async () => {
      const [stats, review] = await Promise.all([researcher('GET', '/projects/big/stats'), researcher('GET', '/projects/big/review')]);
      expectOk('stats', stats);
      expectOk('review', review);
    });

    // The page shows the leaderboard beside a trainer's figures when the project has one.
    expectOk('turning the leaderboard on', await researcher('PATCH', '/projects/big', { leaderboard: true }));
    // A trainer of the project's history, with about rankings / 500 rankings of their own.
    log(`big project: trainers while ${tokens.historyTrainer.name} keeps reloading "My figures" (their figures and the leaderboard)`);
    const historyTrainer = api(base, tokens.historyTrainer.token);
    const withMyFigures = await whileRepeating('my figures', async () => {
      const [mine, board] = await Promise.all([historyTrainer('GET', '/projects/big/stats/me'), historyTrainer('GET', '/projects/big/leaderboard')]);
      expectOk('stats/me', mine);
      expectOk('leaderboard', board);
      const theirs = (JSON.parse(mine.text) as MyStats).me?.rankings;
      if (!theirs) throw new Error(`stats/me shows ${theirs} rankings for ${tokens.historyTrainer.name}`);
    });

    // Read as fast as the socket gives it, as a script saving to a local disk would.
    log(`big project: trainers while the researcher exports all ${rankings.toLocaleString('en')} rankings (format rankings)`);
    let exportedBytes = 0;
    const withExport = await whileRepeating('export', async () => {
      const response = await fetch(`${base}/api/v1/projects/big/export?format=rankings`, { headers: { authorization: `Bearer ${tokens.researcher}` } });
      if (response.status !== 200) throw new Error(`export: ${response.status} ${(await response.text()).slice(0, 300)}`);
      let lines = 0;
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      }
      // The live trainers add to the history as they rank.
      if (lines < rankings) throw new Error(`export: ${lines} records, fewer than the ${rankings} rankings built`);
      exportedBytes = bytes;
    });

    log(`big project: trainers while ${importLines.toLocaleString('en')} lines (${(importBytes / 2 ** 20).toFixed(0)} MiB) are imported over HTTP`);
    const importStarted = performance.now();
    // As the import page does: the upload starts a job, polled until it ends (POST /import would
    // answer only then, past undici's 300 s headers timeout at a million lines).
    const importing = (async () => {
      const started = await fetch(`${base}/api/v1/projects/incoming/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.researcher}`, 'content-type': 'application/x-ndjson' },
        body: fs.createReadStream(importFile) as unknown as BodyInit,
        duplex: 'half',
      } as RequestInit);
      if (started.status !== 202) throw new Error(`import: ${started.status} ${(await started.text()).slice(0, 300)}`);
      const { id } = (await started.json()) as { id: string };
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const job = JSON.parse((await researcher('GET', `/projects/incoming/imports/${id}`)).text) as { state: string; error: unknown; result: unknown };
        if (job.state === 'done') return job.result;
        if (job.state === 'failed') throw new Error(`import: ${JSON.stringify(job.error)}`);
      }
    })();
    const withImport = await trainersWhile(base, tokens.trainers, importing, window, pid);
    log(`big project: import: server memory at most ${rssOf(withImport)}`);
    await importing;
    const importSeconds = (performance.now() - importStarted) / 1000;
    const memory = memoryOf(pid);

    const failures = [withUpkeep, idle, withDashboard, withMyFigures, withExport, withImport].flatMap((m) => m.failures);
    if (failures.length) log(`big project: WARNING: ${failures.length} failed trainer requests, e.g. ${failures[0]}`);
    const p99Figure = (during: string, m: Awaited<ReturnType<typeof trainersWhile>>, what: string) =>
      absoluteFigure({
        name: `big project: trainer next + PUT p99 while ${during} (baseline: idle p99)`,
        value: round(m.p99, 1),
        baseline: round(idle.p99, 1),
        ratio: round(m.p99 / idle.p99),
        max: round(2 * idle.p99, 1),
        unit: 'ms',
        note: `p50 ${round(m.p50, 1)} ms over ${m.requests} requests; idle p99 ${round(idle.p99, 1)} ms; ${what}; goal: within twice the idle p99`,
      });
    return {
      details: {
        rankings,
        importLines,
        importBytes,
        withUpkeep,
        upkeepSeconds,
        idle,
        withDashboard,
        withImport,
        withMyFigures,
        withExport,
        exportedBytes,
        importSeconds,
        memory,
        page1k,
        page1m,
        failures: failures.slice(0, 20),
      },
      figures: [
        p99Figure(
          `the server computes the figures and search documents of ${rankings.toLocaleString('en')} rankings' comparisons at its start`,
          withUpkeep,
          `the upkeep took ${round(upkeepSeconds, 1)} s`,
        ),
        p99Figure(
          `the dashboard of ${rankings.toLocaleString('en')} rankings is reloaded`,
          withDashboard,
          `${withDashboard.loads} dashboard loads, the slowest ${round(withDashboard.slowestMs / 1000, 1)} s`,
        ),
        p99Figure(
          `a trainer of ${rankings.toLocaleString('en')} rankings reloads "My figures"`,
          withMyFigures,
          `${withMyFigures.loads} loads, the slowest ${round(withMyFigures.slowestMs / 1000, 1)} s`,
        ),
        p99Figure(
          `${rankings.toLocaleString('en')} rankings are exported`,
          withExport,
          `${withExport.loads} exports of ${round(exportedBytes / 2 ** 20, 0)} MiB, the slowest ${round(withExport.slowestMs / 1000, 1)} s`,
        ),
        p99Figure(`${importLines.toLocaleString('en')} lines are imported over HTTP`, withImport, `the import took ${round(importSeconds, 1)} s`),
        absoluteFigure({
          name: 'big project: server peak memory (VmHWM) through start-up upkeep, dashboard, my figures, export and import',
          value: round(memory.peakMb, 0),
          baseline: null,
          ratio: null,
          max: 300,
          unit: 'MB',
          note: `largest RSS sampled: upkeep ${round(withUpkeep.maxRssMb, 0)} MB, idle ${round(idle.maxRssMb, 0)}, dashboard ${round(withDashboard.maxRssMb, 0)}, my figures ${round(withMyFigures.maxRssMb, 0)}, export ${round(withExport.maxRssMb, 0)}, import ${round(withImport.maxRssMb, 0)}`,
        }),
        ratioFigure({
          name: `big project: project page median at ${rankings.toLocaleString('en')} rankings vs at 1,000`,
          value: round(page1m, 2),
          baseline: round(page1k, 2),
          ratio: page1k / page1m,
          min: round(1 / 1.5, 2),
          unit: 'ms',
          note: `median of 200 requests one at a time; goal: at most 1.5 times as slow`,
        }),
      ],
    };
  } finally {
    await stopChild(server.child);
  }
}
