import fs from 'node:fs';
import type { Db } from '#server/db/client.ts';
import { AppError } from '#server/http/errors.ts';
import { audit } from '#server/modules/audit/audit.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { importLineSchema, type ImportError, type ImportLine, type ImportResult } from '#shared/conversations.ts';
import { describeIssues } from '#shared/validation.ts';
import { readLines } from './line-reader.ts';
import { insertConversation } from './conversations.writer.ts';

/** Bad lines listed in full; beyond this they are only counted, so a garbage file cannot exhaust memory. */
export const MAX_LISTED_ERRORS = 1000;

export interface ImportOptions {
  dryRun?: boolean;
  actorId: number | null;
  /** Called now and then with bytes read and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number, phase: 'checking' | 'importing') => void;
}

type Parsed = { ok: true; value: ImportLine } | { ok: false; message: string };

/** Deepest nesting a line may have: far beyond any real conversation, well short of what overflows the stack when the line is stored. */
const MAX_DEPTH = 64;

/** Whether JSON text nests arrays and objects deeper than `limit`, found by scanning, before anything recursive touches it. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function parseLine(text: string): Parsed {
  if (nestsDeeperThan(text, MAX_DEPTH)) return { ok: false, message: `nested more than ${MAX_DEPTH} levels deep` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, message: `expected a JSON object, found ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}` };
  }
  const result = importLineSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: describeIssues(result.error) };
}

const progressEvery = 1 << 22;

/**
 * Imports a JSONL file (docs/import-format.md) into a project, all or nothing. A first pass checks every line
 * and reports every bad one with its number and reason; only a clean file is then written, in one
 * transaction, reading the file again so that neither pass holds it in memory. Lines whose id the
 * project already has are skipped, so importing a file twice duplicates nothing.
 */
export function importFile(db: Db, project: ProjectRow, file: string, options: ImportOptions): ImportResult {
  if (project.archivedAt !== null) throw new AppError(409, 'project.archived', `Project "${project.slug}" is archived.`);
  const totalBytes = fs.statSync(file).size;
  const exists = db.sqlite.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM conversations WHERE project_id = ? AND external_id = ?');
  const errors: ImportError[] = [];
  let badLines = 0;
  const firstLineOfId = new Map<string, number>();
  const result = { lines: 0, conversations: 0, comparisons: 0, prompts: 0, skippedExisting: 0 };
  let nextProgress = 0;

  for (const line of readLines(file)) {
    if (line.bytesRead >= nextProgress) {
      options.onProgress?.(line.bytesRead, totalBytes, 'checking');
      nextProgress = line.bytesRead + progressEvery;
    }
    if (line.text !== null && line.text.trim() === '') continue;
    result.lines++;
    const parsed: Parsed = line.text === null ? { ok: false, message: line.problem! } : parseLine(line.text);
    let message = parsed.ok ? null : parsed.message;
    if (parsed.ok) {
      const earlier = firstLineOfId.get(parsed.value.id);
      if (earlier !== undefined) message = `id "${parsed.value.id}" already appears on line ${earlier}`;
      else firstLineOfId.set(parsed.value.id, line.number);
    }
    if (message !== null) {
      badLines++;
      if (errors.length < MAX_LISTED_ERRORS) errors.push({ line: line.number, message });
      continue;
    }
    const value = (parsed as { value: ImportLine }).value;
    if (exists.get(project.id, value.id)) {
      result.skippedExisting++;
      continue;
    }
    result.conversations++;
    if (value.completions.length) result.comparisons++;
    else result.prompts++;
  }
  options.onProgress?.(totalBytes, totalBytes, 'checking');

  const dryRun = options.dryRun ?? false;
  const summary = { ...result, dryRun, errors, moreErrors: badLines - errors.length };
  if (badLines > 0 || dryRun || result.conversations === 0) return { ...summary, imported: false };

  db.sqlite.transaction(() => {
    nextProgress = 0;
    for (const line of readLines(file)) {
      if (line.bytesRead >= nextProgress) {
        options.onProgress?.(line.bytesRead, totalBytes, 'importing');
        nextProgress = line.bytesRead + progressEvery;
      }
      if (line.text !== null && line.text.trim() === '') continue;
      const parsed: Parsed = line.text === null ? { ok: false, message: line.problem! } : parseLine(line.text);
      // The file changed between the two passes: give up, and the transaction rolls back.
      if (!parsed.ok) throw new AppError(409, 'import.file_changed', `Line ${line.number} changed while importing: ${parsed.message}`);
      if (exists.get(project.id, parsed.value.id)) continue;
      insertConversation(db, project.id, parsed.value, null);
    }
    audit(db, options.actorId, 'import', `project:${project.slug}`, { ...result });
  }).immediate();
  options.onProgress?.(totalBytes, totalBytes, 'importing');
  return { ...summary, imported: true };
}
