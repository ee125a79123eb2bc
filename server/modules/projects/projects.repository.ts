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
