// Stats (issue 15, 5b): `ordinal stats --json` on the big project's 1 M rankings (bench/big-project.ts),
// CPU time and peak memory of the process, against Debian's sqlite3 CLI reading the same rows.
import fs from 'node:fs';
import path from 'node:path';
import { buildProject } from './big-project.ts';
import { absoluteFigure, ensureSqlite3, log, ordinal, ordinalBin, round, run, scaled, SQLITE3, tempDir, type Figure } from './lib.ts';

/** The rows the figures are computed from, straight from SQL: every answer in comparison order, and every ranked comparison's candidates' text. */
const sameRowsQuery = `
SELECT c.id, c.gold_ranking, r.user_id, r.ranking, r.shown_order, r.duration_ms, r.created_at
FROM projects p JOIN comparisons c ON c.project_id = p.id JOIN rankings r ON r.comparison_id = c.id WHERE p.slug = 'big' ORDER BY c.id, r.id;
SELECT c.id, m.id, m.content
FROM projects p JOIN comparisons c ON c.project_id = p.id JOIN messages m ON m.parent_id = c.parent_message_id AND m.role = 'assistant'
WHERE p.slug = 'big' AND c.ranking_count > 0 ORDER BY c.id, m.id;
`;

/** CPU seconds and peak memory (max RSS) of a command, from GNU time; its standard output goes to `stdoutFile`. */
async function measured(command: string, args: string[], stdoutFile: string) {
  const timeFile = path.join(tempDir('stats'), 'time.out');
  const result = await run('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, command, ...args], { stdoutFile, env: { ...process.env, LOG_LEVEL: 'warn' } });
  const [user, system, kib] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms: result.ms, cpuSeconds: user! + system!, rssMb: kib! / 1024 };
}

export async function statsBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  ensureSqlite3();
  if (!fs.existsSync('/usr/bin/time'))
    throw new Error('The stats benchmark measures CPU time and peak memory with GNU time at /usr/bin/time (apt-get install -y time).');
  const dir = tempDir('stats');
  const file = path.join(dir, 'stats.db');
  const rankings = scaled(1_000_000, 10_000);
  log(`stats: building the big project's ${rankings.toLocaleString('en')} rankings`);
  await buildProject(file, rankings);
  await ordinal(file, ['projects', 'create', 'empty', '--name', 'Empty']);

  log('stats: sqlite3 CLI reading the same rows');
  const sqlite = await measured(SQLITE3, ['-bail', file, sameRowsQuery], '/dev/null');
  log('stats: ordinal stats --json');
  const out = path.join(dir, 'stats.json');
  const stats = await measured(process.execPath, [ordinalBin, '--db', file, 'stats', '--project', 'big', '--json'], out);
  const counted = (JSON.parse(fs.readFileSync(out, 'utf8')) as { rankings: number }).rankings;
  if (counted !== rankings) throw new Error(`stats: expected ${rankings} rankings, the CLI says ${counted}`);
  // What the CLI costs before any figure: the same command on an empty project of the same file.
  const start = await measured(process.execPath, [ordinalBin, '--db', file, 'stats', '--project', 'empty', '--json'], '/dev/null');

  const label = `${rankings.toLocaleString('en')} rankings`;
  return {
    details: { rankings, stats, start, sqlite },
    figures: [
      // Issue 15 sets no goal on the time, only on memory: reported, against reading the rows.
      {
        name: `stats: ${label}, CPU time of ordinal stats --json vs sqlite3 CLI reading the same rows`,
        value: round(stats.cpuSeconds, 2),
        baseline: round(sqlite.cpuSeconds, 2),
        ratio: round(sqlite.cpuSeconds / stats.cpuSeconds),
        goal: '—',
        met: true,
        unit: 's',
        note: `wall ${(stats.ms / 1000).toFixed(1)} s vs ${(sqlite.ms / 1000).toFixed(1)} s; the CLI’s own start (the same command on an empty project) is ${start.cpuSeconds.toFixed(1)} s of it`,
      },
      absoluteFigure({
        name: `stats: ${label}, peak memory (max RSS) of ordinal stats --json`,
        value: round(stats.rssMb, 1),
        baseline: round(sqlite.rssMb, 1),
        ratio: round(stats.rssMb / sqlite.rssMb),
        max: 300,
        unit: 'MB',
        note: `baseline: the sqlite3 CLI’s max RSS reading the same rows (GNU time, as for both); the CLI’s own start takes ${start.rssMb.toFixed(0)} MB of it`,
      }),
    ],
  };
}
