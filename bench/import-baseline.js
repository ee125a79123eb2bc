// The import ceiling: the same rows as `ordinal import` writes (conversation, context chain,
// candidates, comparison), read from the same JSONL file and written with raw better-sqlite3
// prepared inserts in one transaction, on a database with the app's schema and pragmas.
// Usage: node bench/import-baseline.js <db> <file.jsonl> <projectId>
import fs from 'node:fs';
import Database from 'better-sqlite3';

const [dbFile, file, projectIdArg] = process.argv.slice(2);
const projectId = Number(projectIdArg);
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');

const conversation = db.prepare(`
  INSERT INTO conversations (project_id, external_id, metadata, source, created_by, created_at) VALUES (?, ?, ?, 'import', NULL, ?)`);
const message = db.prepare(`
  INSERT INTO messages (conversation_id, parent_id, role, content, author_id, model, params, finish_reason, usage, latency_ms,
                        from_suggestion, suggestion_model, suggestion_edit_distance, created_at)
  VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, 0, NULL, NULL, ?)`);
const comparison = db.prepare(`
  INSERT INTO comparisons (project_id, conversation_id, parent_message_id, author_id, created_at) VALUES (?, ?, ?, NULL, ?)`);

const text = fs.readFileSync(file, 'utf8');
let count = 0;
db.transaction(() => {
  const now = Date.now();
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    const c = JSON.parse(line);
    const conversationId = conversation.run(projectId, c.id, c.metadata ? JSON.stringify(c.metadata) : null, now).lastInsertRowid;
    let parentId = null;
    for (const m of c.messages) parentId = message.run(conversationId, parentId, m.role, m.content, null, null, null, now).lastInsertRowid;
    for (const k of c.completions) {
      message.run(conversationId, parentId, 'assistant', k.content, k.model ?? null, k.params ? JSON.stringify(k.params) : null, k.finish_reason ?? null, now);
    }
    if (c.completions.length >= 2) comparison.run(projectId, conversationId, parentId, now);
    count++;
  }
}).immediate();
db.close();
process.stdout.write(`Inserted ${count} conversations\n`);
