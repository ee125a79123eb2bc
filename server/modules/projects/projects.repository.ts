import { eq, sql } from 'drizzle-orm';
import { statementsFor, type Db } from '#server/db/client.ts';
import { projects, type ProjectRow } from './projects.table.ts';

/**
 * Every trainer request reads its project, and projects rarely change, so rows are kept in memory.
 * The cache is dropped whenever another connection (the CLI, another server) has committed to the
 * file, which SQLite's data_version tells for a microsecond, and when this process writes a project.
 */
const projectCache = statementsFor(({ orm, sqlite }) => ({
  dataVersion: sqlite.prepare<[], number>('PRAGMA data_version').pluck(),
  seenVersion: -1,
  bySlug: new Map<string, Readonly<ProjectRow>>(),
  byId: new Map<number, Readonly<ProjectRow>>(),
  selectBySlug: orm
    .select()
    .from(projects)
    .where(eq(projects.slug, sql.placeholder('slug')))
    .prepare(),
  selectById: orm
    .select()
    .from(projects)
    .where(eq(projects.id, sql.placeholder('id')))
    .prepare(),
}));

function freshCache(db: Db) {
  const cache = projectCache(db);
  const version = cache.dataVersion.get()!;
  if (version !== cache.seenVersion) {
    forgetProjects(db);
    cache.seenVersion = version;
  }
  return cache;
}

function forgetProjects(db: Db) {
  const cache = projectCache(db);
  cache.bySlug.clear();
  cache.byId.clear();
}

function remember(db: Db, row: ProjectRow | undefined): Readonly<ProjectRow> | undefined {
  if (!row) return undefined;
  const cache = projectCache(db);
  Object.freeze(row);
  cache.bySlug.set(row.slug, row);
  cache.byId.set(row.id, row);
  return row;
}

export function findProject(db: Db, slug: string) {
  const cache = freshCache(db);
  return cache.bySlug.get(slug) ?? remember(db, cache.selectBySlug.get({ slug }));
}

export function projectById(db: Db, id: number) {
  const cache = freshCache(db);
  return cache.byId.get(id) ?? remember(db, cache.selectById.get({ id }));
}

/** Runs a write of projects; whatever was cached is forgotten, committed or not. */
export function writingProjects<T>(db: Db, write: () => T): T {
  try {
    return db.sqlite.transaction(write).immediate();
  } finally {
    forgetProjects(db);
  }
}

/**
 * A project no route can name and no list shows (its slug is one slugSchema never makes), for rows
 * written before they may be seen: an import's staging (conversations/staging.ts). Its
 * project_counts row comes from the trigger of migrations/0006, as for any project.
 */
export function insertHiddenProject(db: Db, slug: string, name: string): number {
  return db.orm.insert(projects).values({ slug, name, ratings: [], flags: [] }).returning({ id: projects.id }).get().id;
}

/** Removes a project that has nothing left under it (a published or discarded staging), with its counts. */
export function deleteEmptyProject(db: Db, projectId: number): void {
  db.orm.run(sql`DELETE FROM project_counts WHERE project_id = ${projectId}`);
  db.orm.delete(projects).where(eq(projects.id, projectId)).run();
}

/**
 * Marks the project's data as changed, so figures cached for it are computed again: for changes the
 * counting triggers of migrations/0006 do not mark (comparisons moved in from another project mark
 * only the project they left).
 */
export function markDataChanged(db: Db, projectId: number): void {
  db.orm.run(sql`UPDATE project_counts SET data_version = data_version + 1 WHERE project_id = ${projectId}`);
}
