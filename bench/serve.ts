// Serve: the trainer cycle (GET next, PUT ranking) against the real server, under load from a second
// process (bench/load.js, autocannon) with 64 connections, each its own trainer; against a bare Express
// app answering a small JSON body under the same load.
import fs from 'node:fs';
import path from 'node:path';
import {
  absoluteFigure,
  benchDir,
  cpuSecondsOf,
  log,
  ordinal,
  ratioFigure,
  round,
  run,
  scaled,
  SCALE,
  startChild,
  startServer,
  stopChild,
  tempDir,
  writeConversations,
  type Figure,
} from './lib.ts';

const CONNECTIONS = 64;
const PASSWORD = 'bench-password-1';

interface LoadResult {
  requestsPerSecond: number;
  requestsTotal: number;
  warmupRequests: number;
  durationS: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  statusCodes: Record<string, { count: number }>;
  errors: number;
  timeouts: number;
  byRoute: { next: Record<string, number>; ranking: Record<string, number> };
  cycles: { count: number; perSecond: number; p50: number | null; p99: number | null };
}

/**
 * Loads the server (process `serverPid`) from a second process. Also returns the server's CPU time
 * per request over warm-up and run: unlike requests/s, it hardly moves when other work shares the machine.
 */
async function load(dir: string, name: string, serverPid: number | undefined, config: Record<string, unknown>) {
  const file = path.join(dir, `${name}.load.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const cpuBefore = cpuSecondsOf(serverPid);
  const { stdout } = await run(process.execPath, [path.join(benchDir, 'load.js'), file]);
  const cpuAfter = cpuSecondsOf(serverPid);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  const cpuPerRequestUs = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) / (result.requestsTotal + result.warmupRequests)) * 1e6;
  return { ...result, cpuPerRequestUs };
}

/** Logs in (no Origin header: a script) and returns the session cookie. */
async function logIn(base: string, username: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return cookie;
}

async function call(base: string, cookie: string, method: string, route: string, body: unknown) {
  const response = await fetch(`${base}/api/v1${route}`, { method, headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs `task` over `items` with at most `limit` at once. */
async function pool<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]!);
      }
    }),
  );
  return results;
}

/**
 * 64 trainers, each with an API token, the fastest real way: the admin (made with the CLI) creates
 * them with POST /users; each logs in with POST /session and makes its own token with POST /tokens.
 * Password hashing (scrypt) dominates, and runs on libuv's thread pool, so a few at a time.
 */
async function makeTrainers(base: string, count: number): Promise<string[]> {
  const admin = await logIn(base, 'admin');
  const names = Array.from({ length: count }, (_, i) => `trainer${String(i + 1).padStart(2, '0')}`);
  return pool(names, 4, async (username) => {
    await call(base, admin, 'POST', '/users', { username, role: 'trainer', password: PASSWORD });
    const cookie = await logIn(base, username);
    const { token } = await call(base, cookie, 'POST', '/tokens', { name: 'bench' });
    return token as string;
  });
}

const cpuNote = (us: number | null) => (us === null ? 'unknown' : `${Math.round(us)} µs`);

export async function serveBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const dir = tempDir('serve');
  const db = path.join(dir, 'serve.db');
  const conversations = scaled(40_000, 2000);
  const duration = Number(process.env.BENCH_DURATION ?? Math.max(3, Math.round(10 * Math.min(1, SCALE * 2))));
  const warmup = Math.max(1, Math.round(duration / 5));

  log(`serve: preparing a database with ${conversations.toLocaleString('en')} comparisons of 3 candidates (CLI)`);
  const file = path.join(dir, 'serve.jsonl');
  writeConversations(file, conversations, 3, 5);
  await ordinal(db, ['projects', 'create', 'srv', '--name', 'Serve bench', '--overlap', '1']);
  await ordinal(db, ['import', file, '--project', 'srv']);
  await ordinal(db, ['users', 'add', 'admin', '--role', 'admin', '--password', PASSWORD]);
  fs.rmSync(file);

  // The bare ceiling first, then Ordinal: each server alone on the machine with the load generator.
  log(`serve: bare Express under ${CONNECTIONS} connections for ${duration} s (after ${warmup} s warm-up)`);
  const bare = await startChild(process.execPath, [path.join(benchDir, 'bare-server.js'), '0'], /listening on (\d+)/);
  let bareResult: Awaited<ReturnType<typeof load>>;
  try {
    bareResult = await load(dir, 'bare', bare.child.pid, {
      url: `http://127.0.0.1:${bare.match[1]}`,
      mode: 'bare',
      path: '/api/v1/ping',
      connections: CONNECTIONS,
      duration,
      warmup,
    });
  } finally {
    await stopChild(bare.child);
  }

  const profileDir = process.env.BENCH_PROFILE_DIR;
  const { server, base } = await startServer(db, { nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [] });
  let result: Awaited<ReturnType<typeof load>>;
  try {
    const started = performance.now();
    const tokens = await makeTrainers(base, CONNECTIONS);
    log(
      `serve: ${tokens.length} trainers with tokens in ${((performance.now() - started) / 1000).toFixed(1)} s; trainer cycle under ${CONNECTIONS} connections for ${duration} s`,
    );
    result = await load(dir, 'ordinal', server.child.pid, { url: base, mode: 'cycle', slug: 'srv', tokens, connections: CONNECTIONS, duration, warmup });
  } finally {
    await stopChild(server.child);
  }
  const serverErrors = server.stderr().trim();

  const unexpected = Object.entries(result.statusCodes).filter(([code]) => !code.startsWith('2'));
  const no204 = !result.statusCodes['204'];
  const statusLine = Object.entries(result.statusCodes)
    .map(([code, { count }]) => `${code}: ${count}`)
    .join(', ');
  log(
    `serve: status codes ${statusLine}; non-2xx ${result.non2xx}; errors ${result.errors}, timeouts ${result.timeouts}${no204 ? '' : ' (204: the queue ran out)'}`,
  );
  if (unexpected.length || result.errors) log(`serve: WARNING: unexpected responses: ${JSON.stringify({ byRoute: result.byRoute, errors: result.errors })}`);
  if (serverErrors) log(`serve: server log (warn and above):\n${serverErrors.slice(-2000)}`);

  return {
    details: { conversations, duration, warmup, connections: CONNECTIONS, bare: bareResult, ordinal: result },
    figures: [
      ratioFigure({
        name: `serve: trainer cycle (next + PUT ranking) requests/s vs bare Express, ${CONNECTIONS} connections`,
        value: round(result.requestsPerSecond, 0),
        baseline: round(bareResult.requestsPerSecond, 0),
        ratio: result.requestsPerSecond / bareResult.requestsPerSecond,
        min: 0.5,
        unit: 'req/s',
        note: `${round(result.cycles.perSecond, 0)} rankings/s; status codes ${statusLine}; non-2xx ${result.non2xx}; errors ${result.errors}; server CPU per request ${cpuNote(result.cpuPerRequestUs)} vs bare ${cpuNote(bareResult.cpuPerRequestUs)}`,
      }),
      absoluteFigure({
        name: 'serve: trainer cycle p99 latency per request (baseline: bare Express p99)',
        value: result.latency.p99,
        baseline: bareResult.latency.p99,
        ratio: bareResult.latency.p99 ? round(result.latency.p99 / bareResult.latency.p99) : null,
        max: 25,
        unit: 'ms',
        note: `per request p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms; whole cycle (next + ranking) p50 ${round(result.cycles.p50 ?? 0, 1)} ms, p99 ${round(result.cycles.p99 ?? 0, 1)} ms; bare p50 ${bareResult.latency.p50} ms`,
      }),
    ],
  };
}
