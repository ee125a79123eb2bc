// Import: `ordinal import` of 100 k conversations × 4 candidates against raw better-sqlite3 prepared
// inserts of the same rows in one transaction (bench/import-baseline.js), each into a fresh database.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { benchDir, log, ordinal, ratioFigure, REPEAT, round, run, scaled, tempDir, writeConversations, type Figure } from './lib.ts';

const CANDIDATES = 4;

const counts = (file: string) => {
  const db = new Database(file, { readonly: true });
  const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const result = {
    conversations: one('SELECT count(*) AS n FROM conversations'),
    messages: one('SELECT count(*) AS n FROM messages'),
    comparisons: one('SELECT count(*) AS n FROM comparisons'),
  };
  db.close();
  return result;
};

export async function importBench(): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const dir = tempDir('import');
  const conversations = scaled(100_000, 100);
  const file = path.join(dir, 'conversations.jsonl');
  const bytes = writeConversations(file, conversations, CANDIDATES, 11);
  log(`import: ${conversations.toLocaleString('en')} conversations × ${CANDIDATES} candidates, ${(bytes / 2 ** 20).toFixed(0)} MiB of JSONL`);

  // Identical fresh databases (migrated, with the project, through the CLI), one per timed run;
  // baseline and Ordinal alternate, REPEAT times, and the fastest of each counts.
  const template = path.join(dir, 'template.db');
  await ordinal(template, ['projects', 'create', 'imp', '--name', 'Import bench', '--overlap', '1']);
  let ordinalMs = Infinity;
  let baselineMs = Infinity;
  let ordinalDb = '';
  let baselineDb = '';
  for (let i = 1; i <= REPEAT; i++) {
    for (const f of [ordinalDb, baselineDb]) if (f) fs.rmSync(f, { force: true });
    ordinalDb = path.join(dir, `ordinal-${i}.db`);
    baselineDb = path.join(dir, `baseline-${i}.db`);
    fs.copyFileSync(template, ordinalDb);
    fs.copyFileSync(template, baselineDb);
    log(`import: raw better-sqlite3 inserts (run ${i} of ${REPEAT})`);
    baselineMs = Math.min(baselineMs, (await run(process.execPath, [path.join(benchDir, 'import-baseline.js'), baselineDb, file, '1'])).ms);
    log(`import: ordinal import (run ${i} of ${REPEAT})`);
    ordinalMs = Math.min(ordinalMs, (await ordinal(ordinalDb, ['import', file, '--project', 'imp'])).ms);
  }

  const a = counts(ordinalDb);
  const b = counts(baselineDb);
  if (a.conversations !== conversations || JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`import: row counts differ: ordinal ${JSON.stringify(a)}, baseline ${JSON.stringify(b)}`);
  }
  fs.rmSync(file);
  return {
    details: { conversations, fileBytes: bytes, ordinalMs, baselineMs, repeat: REPEAT, rows: a },
    figures: [
      ratioFigure({
        name: `import: ${conversations.toLocaleString('en')} conversations × ${CANDIDATES} candidates (CLI) vs raw prepared inserts`,
        value: round(ordinalMs / 1000, 2),
        baseline: round(baselineMs / 1000, 2),
        ratio: baselineMs / ordinalMs,
        min: 0.3,
        unit: 's',
        note: `${(bytes / 2 ** 20).toFixed(0)} MiB file; ${a.messages.toLocaleString('en')} messages, ${a.comparisons.toLocaleString('en')} comparisons; the baseline reads and parses the same file once; fastest of ${REPEAT} runs each`,
      }),
    ],
  };
}
