import fs from 'node:fs';
import { atomically, type Db } from '#server/db/client.ts';
import { shrinkWal, writeInBatches } from '#server/db/batches.ts';
import { audit } from '#server/modules/audit/audit.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { ImportError, ImportLine, ImportResult } from '#shared/conversations.ts';
import { badLine, checkImportLine, describeValue } from '#shared/imports.ts';
import { inspectJson, MAX_DEPTH } from './exact-json.ts';
import { IdHashes } from './id-hashes.ts';
import { readLines } from './line-reader.ts';
import { insertConversation } from './conversations.writer.ts';
import { createStaging, discardStaging, publishStaged, type Staging } from './staging.ts';
import { projectArchived } from '#server/modules/projects/projects.errors.ts';
import { fileChanged, importEmpty, notJsonLines } from './conversations.errors.ts';

/** Bad lines listed in full; beyond this they are only counted, so a garbage file cannot exhaust memory. */
export const MAX_LISTED_ERRORS = 1000;

export interface ImportOptions {
  dryRun?: boolean;
  actorId: number | null;
  /** Called now and then with bytes read and the file's size; once with 'finishing' when every line is staged. */
  onProgress?: (bytesRead: number, totalBytes: number, phase: ImportPhase) => void;
}

export type ImportPhase = 'checking' | 'importing' | 'finishing';

type Parsed = { ok: true; value: ImportLine } | { ok: false; problems: string[] };

/**
 * One line as an import line, or its every problem. Its text is inspected first: a line nested too deep
 * is refused unparsed, and one that storing would change is refused once it is known to be JSON.
 */
function parseLine(text: string): Parsed {
  const inspection = inspectJson(text);
  if (inspection.tooDeep) return { ok: false, problems: [`nested more than ${MAX_DEPTH} levels deep`] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON (${(error as Error).message})`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problems: [`the line is ${describeValue(json)}: each line must be one JSON object like {"id": "…", "messages": […]}`] };
  }
  if (inspection.inexact !== null) return { ok: false, problems: [inspection.inexact] };
  return checkImportLine(json);
}

/**
 * Whether the file is one JSON value spread over its lines instead of JSON Lines, told from its first
 * two non-blank lines: a JSON array (`[` first, on one line or many), or pretty-printed JSON (an object
 * opened on the first line and continued on the next, which no line of JSON Lines can be). Such a file
 * is refused whole, by name, rather than with a parser error for each of its lines.
 */
function notJsonLinesShape(file: string): 'array' | 'pretty-printed' | null {
  const firstTwo: string[] = [];
  for (const { text } of readLines(file)) {
    if (text === null) return null;
    if (text.trim() === '') continue;
    firstTwo.push(text.trim());
    if (firstTwo.length === 2) break;
  }
  const [first, second] = firstTwo;
  if (first === undefined) return null;
  let whole: unknown;
  try {
    whole = JSON.parse(first);
  } catch {
    if (first.startsWith('[')) return 'array';
    return first.startsWith('{') && second !== undefined && !second.startsWith('{') ? 'pretty-printed' : null;
  }
  // A one-line array alone in the file; an array among objects is only a bad line.
  return Array.isArray(whole) && second === undefined ? 'array' : null;
}

/**
 * Of the `suspects`, lines whose id's hash an earlier line's id has (the `earlierLines`), those whose
 * id an earlier line does have, each with the first line of its id; and the others, which are good.
 * Reads the file again, parsing only these lines.
 */
export function confirmDuplicates(file: string, suspects: number[], earlierLines: Set<number>): { duplicates: ImportError[]; distinct: ImportLine[] } {
  const isSuspect = new Set(suspects);
  // The first line of a repeated id is either the one its hash was recorded for or itself a suspect.
  const firstLineOfId = new Map<string, number>();
  const duplicates: ImportError[] = [];
  const distinct: ImportLine[] = [];
  for (const { number, text } of readLines(file)) {
    if (!isSuspect.has(number) && !earlierLines.has(number)) continue;
    const parsed = text === null ? { ok: false as const, problems: ['not readable'] } : parseLine(text);
    if (!parsed.ok) throw fileChanged(number, parsed.problems.join('; '));
    const { id } = parsed.value;
    const earlier = firstLineOfId.get(id);
    if (earlier !== undefined) duplicates.push(badLine(number, [`id "${id}" already appears on line ${earlier}`]));
    else {
      firstLineOfId.set(id, number);
      if (isSuspect.has(number)) distinct.push(parsed.value);
    }
  }
  return { duplicates, distinct };
}

const progressEvery = 1 << 22;

type Counts = Pick<ImportResult, 'conversations' | 'comparisons' | 'prompts' | 'skippedExisting'>;
const noCounts = (): Counts => ({ conversations: 0, comparisons: 0, prompts: 0, skippedExisting: 0 });

/** Counts one good line: new to the project, or already there and so left alone. */
function tally(counts: Counts, line: ImportLine, existing: boolean) {
  if (existing) counts.skippedExisting++;
  else {
    counts.conversations++;
    if (line.completions.length) counts.comparisons++;
    else counts.prompts++;
  }
}

/** The file's non-blank lines, each parsed, reporting progress through `phase`. */
function* parsedLines(
  file: string,
  phase: 'checking' | 'importing',
  onProgress: ImportOptions['onProgress'],
): Generator<{ number: number; parsed: Parsed; length: number }> {
  const totalBytes = fs.statSync(file).size;
  let nextProgress = 0;
  for (const line of readLines(file)) {
    if (line.bytesRead >= nextProgress) {
      onProgress?.(line.bytesRead, totalBytes, phase);
      nextProgress = line.bytesRead + progressEvery;
    }
    if (line.text !== null && line.text.trim() === '') continue;
    yield { number: line.number, parsed: line.text === null ? { ok: false, problems: [line.problem!] } : parseLine(line.text), length: line.text?.length ?? 0 };
  }
  onProgress?.(totalBytes, totalBytes, phase);
}

/**
 * Imports a JSONL file (docs/import-format.md) into a project, all or nothing. A first pass checks every line
 * and reports every bad one with its number and reason; only a clean file is then written, reading it
 * again so that neither pass holds it in memory. The writing goes in short batches that release the
 * write lock between them (so trainers' writes get in), under a hidden staging project that one last
 * transaction moves into the project (staging.ts): readers see the whole import or none of it.
 * Lines whose id the project already has are skipped, so importing a file twice duplicates nothing.
 * A file without a line to import is refused, and so is a JSON array or pretty-printed JSON.
 */
export async function importFile(db: Db, project: ProjectRow, file: string, options: ImportOptions): Promise<ImportResult> {
  if (project.archivedAt !== null) throw projectArchived(project.slug);
  const shape = notJsonLinesShape(file);
  if (shape) throw notJsonLines(shape);
  const exists = db.sqlite.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM conversations WHERE project_id = ? AND external_id = ?');
  const isStored = (line: ImportLine) => exists.get(project.id, line.id) !== undefined;
  const errors: ImportError[] = [];
  let badLines = 0;
  let lines = 0;
  const ids = new IdHashes();
  /** Lines whose id's hash an earlier line's id has, and those earlier lines. */
  const suspects: number[] = [];
  const earlierLines = new Set<number>();
  const expected = noCounts();

  for (const { number, parsed } of parsedLines(file, 'checking', options.onProgress)) {
    lines++;
    if (!parsed.ok) {
      badLines++;
      if (errors.length < MAX_LISTED_ERRORS) errors.push(badLine(number, parsed.problems));
      continue;
    }
    const earlier = ids.firstLineOf(parsed.value.id, number);
    if (earlier !== undefined) {
      suspects.push(number);
      earlierLines.add(earlier);
      continue;
    }
    tally(expected, parsed.value, isStored(parsed.value));
  }
  if (suspects.length > 0) {
    const { duplicates, distinct } = confirmDuplicates(file, suspects, earlierLines);
    for (const line of distinct) tally(expected, line, isStored(line));
    badLines += duplicates.length;
    // The first pass listed the first bad lines; these go among them in line order.
    errors.push(...duplicates);
    errors.sort((a, b) => a.line - b.line);
    errors.splice(MAX_LISTED_ERRORS);
  }
  // An empty upload is more likely a client that sent the wrong thing than a file meant to add nothing.
  if (lines === 0) throw importEmpty();

  const dryRun = options.dryRun ?? false;
  const report = (counts: Counts, imported: boolean): ImportResult => ({ lines, ...counts, dryRun, errors, moreErrors: badLines - errors.length, imported });
  if (badLines > 0 || dryRun || expected.conversations === 0) return report(expected, false);

  const written = await writeStaged(db, project, file, lines, isStored, options);
  return report(written, written.conversations > 0);
}

/** How much text of lines is read and parsed ahead of staging them, at most (while the batches are short, the pauses could read more). */
const READ_AHEAD_LENGTH = 4 << 20;

/**
 * The second pass: stages the lines the project does not have, batch by batch, then publishes them in
 * a batch of its own. Lines are read and parsed ahead during the pauses between batches, so the
 * batches mostly write. Another import into the project (the CLI, another server) may write some of
 * these ids meanwhile: each is looked up again as it is staged, publishing drops those taken since,
 * and the counts are what publishing moved, not what the check expected.
 */
async function writeStaged(
  db: Db,
  project: ProjectRow,
  file: string,
  lines: number,
  isStored: (line: ImportLine) => boolean,
  options: ImportOptions,
): Promise<Counts> {
  const staging = atomically(db, () => createStaging(db, project));
  const staged = parsedLines(file, 'importing', options.onProgress);
  /** Lines read and parsed, not yet staged, with their length in characters, and the sum of those. */
  const ready: { line: ImportLine; length: number }[] = [];
  let readyLength = 0;
  let allRead = false;
  /** Reads and parses the next line into `ready`; false once there is none. */
  const readLine = (): boolean => {
    const next = staged.next();
    if (next.done) {
      allRead = true;
      options.onProgress?.(0, 0, 'finishing');
      return false;
    }
    const { number, parsed, length } = next.value;
    // The file changed between the two passes: give up, and what was staged is discarded.
    if (!parsed.ok) throw fileChanged(number, parsed.problems.join('; '));
    ready.push({ line: parsed.value, length });
    readyLength += length;
    return true;
  };
  let written: Counts | undefined;
  try {
    await writeInBatches(
      db,
      (inTime) => {
        if (allRead && ready.length === 0) {
          written = publish(db, project, staging, lines, options.actorId);
          return false;
        }
        while (inTime() && (ready.length > 0 || (!allRead && readLine()))) {
          const { line, length } = ready.shift()!;
          readyLength -= length;
          if (!isStored(line)) insertConversation(db, staging.id, line, null);
        }
        return true;
      },
      (inTime) => {
        while (inTime() && !allRead && readyLength < READ_AHEAD_LENGTH) readLine();
      },
    );
  } catch (error) {
    await discardStaging(db, staging.id);
    throw error;
  }
  shrinkWal(db);
  return written!;
}

/** Makes the staged lines visible in the project and records the import. Call inside a transaction. */
function publish(db: Db, project: ProjectRow, staging: Staging, lines: number, actorId: number | null): Counts {
  const moved = publishStaged(db, staging, project.id);
  // Every line is good by now: those not moved were already in the project, whoever wrote them.
  const written = {
    conversations: moved.conversations,
    comparisons: moved.comparisons,
    prompts: moved.conversations - moved.comparisons,
    skippedExisting: lines - moved.conversations,
  };
  if (written.conversations > 0) audit(db, actorId, 'import', `project:${project.slug}`, { lines, ...written });
  return written;
}
