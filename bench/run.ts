// `npm run bench`: every figure of issue 6 as a ratio against a ceiling measured in the same run on
// this machine, printed as a table with its goal and written to bench/results.json and results.md.
//   BENCH_SCALE=0.1      sizes × 0.1 for a quick run (default 1)
//   BENCH_ONLY=export,import   run some benchmarks only (results files are then left as they are)
//   BENCH_DURATION=10    seconds of load per server in the serve benchmark
//   BENCH_REPEAT=2       timed runs of export and import (and their baselines); the fastest counts
//   BENCH_KEEP=1         keep the temporary databases and files
//   BENCH_PROFILE_DIR=d  write CPU profiles of the server under load and of the export process into d
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bigProjectBench } from './big-project.ts';
import { clientBench } from './client.ts';
import { exportBench } from './export.ts';
import { importBench } from './import.ts';
import { benchDir, cleanTemp, ensureSqlite3, log, SCALE, type Figure, type Result } from './lib.ts';
import { serveBench } from './serve.ts';
import { statsBench } from './stats.ts';
import { buildServer } from '../scripts/server-build.js';

const benches: Record<string, () => Promise<{ figures: Figure[]; details: unknown }>> = {
  serve: serveBench,
  export: exportBench,
  import: importBench,
  stats: statsBench,
  client: clientBench,
  big: bigProjectBench,
};

const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const name of only ?? []) if (!(name in benches)) throw new Error(`BENCH_ONLY: no benchmark "${name}" (there are ${Object.keys(benches).join(', ')})`);
const selected = Object.keys(benches).filter((name) => !only || only.includes(name));

const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
};
const started = new Date();

if (selected.includes('export') || selected.includes('stats')) {
  try {
    ensureSqlite3();
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
// Other work on the machine skews every figure: say how busy it was.
const loadAtStart = os.loadavg()[0]!;
log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; scale ${SCALE}; load average ${loadAtStart.toFixed(2)}`);
if (loadAtStart > 0.5 * machine.cores)
  log(`warning: the machine is busy (load average ${loadAtStart.toFixed(2)} on ${machine.cores} cores): figures will be low`);

// The CLI as `npm start` leaves it: compiled into dist/server (rebuilt when a source changed).
if (await buildServer()) log('compiled the CLI into dist/server');

const figures: Figure[] = [];
const details: Record<string, unknown> = {};
const failures: string[] = [];
try {
  for (const name of selected) {
    const t0 = performance.now();
    try {
      const result = await benches[name]!();
      figures.push(...result.figures);
      details[name] = result.details;
    } catch (error) {
      failures.push(name);
      log(`${name}: FAILED: ${(error as Error).stack ?? error}`);
    }
    log(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  cleanTemp();
}
const elapsed = (Date.now() - started.getTime()) / 1000;
const loadAtEnd = os.loadavg()[0]!;

const fmt = (x: number | null) => (x === null ? '—' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const rows = figures.map((f) => [
  f.name,
  `${fmt(f.value)} ${f.unit}`,
  f.baseline === null ? '—' : `${fmt(f.baseline)} ${f.unit}`,
  fmt(f.ratio),
  f.goal,
  f.met ? 'yes' : 'NO',
]);
const header = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
const missed = figures.filter((f) => !f.met);

process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n\n`);
for (const f of figures) if (f.note) process.stdout.write(`  ${f.name}: ${f.note}\n`);
process.stdout.write(
  `\n${figures.length - missed.length} of ${figures.length} goals met${missed.length ? `; missed: ${missed.map((f) => f.name.split(':')[0]).join(', ')}` : ''}` +
    `${failures.length ? `; FAILED to run: ${failures.join(', ')}` : ''}. ${elapsed.toFixed(0)} s in all, scale ${SCALE}.\n`,
);

if (only) {
  log('BENCH_ONLY set: bench/results.json and bench/results.md left as they were');
} else {
  const results: Result[] = figures.map(({ name, value, baseline, ratio, goal, unit }) => ({ name, value, baseline, ratio, goal, unit }));
  fs.writeFileSync(path.join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` (bench/run.ts) on ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC${SCALE === 1 ? '' : `, at BENCH_SCALE=${SCALE}`}; ${elapsed.toFixed(0)} s in all.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, Node ${machine.node}, ${machine.os}. ` +
      `Load average (1 min) ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end (the bench itself adds to it).`,
    '',
    'Each figure is measured against a ceiling (baseline) measured in the same run on the same machine. ',
    'Ratios: throughput figures are baseline time / our time (or our rate / baseline rate), so higher is better; ',
    'for latency, memory and size, ratio = value / baseline and the goal is on the value itself.',
    '',
    '| figure | value | baseline | ratio | goal | met |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    '## Notes',
    '',
    ...figures.filter((f) => f.note).map((f) => `- **${f.name}**: ${f.note}`),
    ...(failures.length ? ['', `Failed to run: ${failures.join(', ')} (see the run's log).`] : []),
    '',
    '## What each baseline is',
    '',
    '- **Serve**: a bare Express 5 app in its own process answering `GET /api/v1/ping` with a small JSON body, under the same autocannon load (64 connections, same duration, after the same warm-up) from a second process (bench/load.js). Ordinal runs as `ordinal serve` (LOG_LEVEL=warn) on a database prepared through the CLI; each connection is its own trainer with its own API token, looping `GET /projects/:slug/next` then `PUT /comparisons/:id/ranking` with the candidates in the order served. Latency is per request, as autocannon measures it; the whole cycle is in the notes, and so is each server’s CPU time per request (from /proc), which other work on the machine moves far less than requests/s.',
    '- **Export**: Debian’s `sqlite3` CLI writing the same pairs as one JSON object per line (json_object, json_each to expand each ranking into its chosen/rejected pairs, the prompt built once per comparison), from the same database file. Peak memory: the export process’s max RSS from a preloaded probe (bench/rss-probe.mjs); the baseline column is the sqlite3 CLI’s max RSS.',
    '- **Import**: a plain Node script (bench/import-baseline.js) that reads the same JSONL file, parses each line and writes the same rows (conversation, context messages, candidates, comparison) with better-sqlite3 prepared statements in one transaction, with the app’s pragmas, into a copy of the same fresh database.',
    '- **Stats**: Debian’s `sqlite3` CLI reading the rows the figures are computed from (every ranking of the big project in comparison order, and every ranked comparison’s candidates’ text), from the same database file, its output discarded. Ordinal runs `ordinal stats --json`, the computation `GET /stats` runs in its worker thread. CPU time and max RSS of each process from GNU time.',
    '- **Client size**: the floor is React + ReactDOM rendering one element, built by the same Vite in production mode and gzipped the same way (zlib, default level). The value is every same-origin script the browser fetched from opening `/projects/:slug/rank` through logging in to the first comparison drawn.',
    '- **Client time**: the floor is a `fetch` of `GET /api/v1/session` from the same page (one round trip to the same server). The value is measured in the page: `performance.now()` when Submit is clicked (after moving one card, so no confirmation is asked) to the MutationObserver callback that sees the next comparison’s first card.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(benchDir, 'results.md'), md);
  log('wrote bench/results.json and bench/results.md');
}
if (failures.length) process.exitCode = 1;
