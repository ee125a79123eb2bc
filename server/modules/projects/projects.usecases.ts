import { and, eq, notLike, sql } from 'drizzle-orm';
import type { Db } from '#server/db/client.ts';
import type { AuthUser } from '#server/http/auth.ts';
import { audit } from '#server/modules/audit/audit.ts';
import { assertModelHostAllowed } from '#server/modules/models/model-hosts.ts';
import { countAvailable } from '#server/modules/comparisons/queue.ts';
import { redecideDone } from '#server/modules/comparisons/comparisons.rules.ts';
import { maskCredentials } from '#shared/models.ts';
import type { ProjectTotals } from '#shared/quality.ts';
import { createProjectSchema, type CreateProject, type Project, type ProjectSummary, type UpdateProject } from '#shared/projects.ts';
import { projects, STAGING_SLUG_PREFIX, type ProjectRow } from './projects.table.ts';
import { projectExists, projectNotFound } from './projects.errors.ts';
import { findProject, writingProjects } from './projects.repository.ts';

/** A project as the API shows it. Trainers learn whether there is a model, not where it runs. */
export const toProject = (row: ProjectRow, viewer?: AuthUser | null): Project => ({
  slug: row.slug,
  name: row.name,
  guidelines: row.guidelines,
  overlap: row.overlap,
  allowTies: row.allowTies,
  ratings: row.ratings,
  flags: row.flags,
  leaseMinutes: row.leaseMinutes,
  hasModel: row.modelBaseUrl !== null && row.modelName !== null,
  modelEndpoint:
    row.modelBaseUrl && row.modelName && viewer?.role !== 'trainer'
      ? { baseUrl: maskCredentials(row.modelBaseUrl), model: row.modelName, apiKeySet: row.modelApiKey !== null }
      : null,
  sampling: row.sampling,
  goldRate: row.goldRate,
  leaderboard: row.leaderboard,
  singleDollarMath: row.singleDollarMath,
  archived: row.archivedAt !== null,
  createdAt: new Date(row.createdAt).toISOString(),
});

/** The project, or 404. Trainers are told archived projects do not exist. */
export function getProject(db: Db, slug: string, user?: AuthUser | null): ProjectRow {
  const row = findProject(db, slug);
  if (!row || (user?.role === 'trainer' && row.archivedAt !== null)) throw projectNotFound(slug);
  return row;
}

/**
 * The model endpoint as columns: `undefined` leaves them alone. The masked form of the stored base
 * URL (what the API shows) means the stored URL. An absent apiKey keeps the stored key only while
 * the base URL stays: a key is never sent to an address other than the one it was given for, or a
 * researcher could read it by pointing the project at a server of their own.
 */
function endpointColumns(endpoint: UpdateProject['modelEndpoint'], stored: ProjectRow | null) {
  if (endpoint === undefined) return {};
  if (endpoint === null) return { modelBaseUrl: null, modelName: null, modelApiKey: null };
  const baseUrl = stored?.modelBaseUrl && endpoint.baseUrl === maskCredentials(stored.modelBaseUrl) ? stored.modelBaseUrl : endpoint.baseUrl;
  if (baseUrl !== stored?.modelBaseUrl) assertModelHostAllowed(baseUrl, 'modelEndpoint.baseUrl');
  const apiKey = endpoint.apiKey !== undefined ? endpoint.apiKey : baseUrl === stored?.modelBaseUrl ? undefined : null;
  return { modelBaseUrl: baseUrl, modelName: endpoint.model, ...(apiKey === undefined ? {} : { modelApiKey: apiKey }) };
}

/** Settings as the audit log keeps them: never the API key. */
const auditable = <T extends { modelEndpoint?: UpdateProject['modelEndpoint'] }>(settings: T) => ({
  ...settings,
  modelEndpoint: settings.modelEndpoint && {
    ...settings.modelEndpoint,
    baseUrl: maskCredentials(settings.modelEndpoint.baseUrl),
    apiKey: settings.modelEndpoint.apiKey === undefined ? undefined : '(changed)',
  },
});

export function createProject(db: Db, input: CreateProject, actorId: number | null): Project {
  const { modelEndpoint, ...values } = createProjectSchema.parse(input);
  return writingProjects(db, () => {
    if (findProject(db, values.slug)) throw projectExists(values.slug);
    const row = db.orm
      .insert(projects)
      .values({ ...values, ...endpointColumns(modelEndpoint, null), createdBy: actorId })
      .returning()
      .get();
    audit(db, actorId, 'project.create', `project:${row.slug}`, { settings: auditable({ ...values, modelEndpoint }) });
    return toProject(row);
  });
}

export function updateProject(db: Db, slug: string, changes: UpdateProject, actorId: number | null): Project {
  return writingProjects(db, () => {
    const row = getProject(db, slug);
    const { archived, modelEndpoint, sampling, ...settings } = changes;
    const archivedAt = archived === undefined ? undefined : archived ? (row.archivedAt ?? Date.now()) : null;
    const updated = db.orm
      .update(projects)
      .set({
        ...settings,
        ...endpointColumns(modelEndpoint, row),
        sampling: sampling && { ...row.sampling, ...sampling },
        archivedAt,
        updatedAt: Date.now(),
      })
      .where(eq(projects.id, row.id))
      .returning()
      .get();
    // Which comparisons are done is the comparisons' rule: they decide it again for the new overlap.
    if (updated.overlap !== row.overlap) redecideDone(db, row.id, updated.overlap);
    audit(db, actorId, 'project.update', `project:${slug}`, { changes: auditable(changes) });
    return toProject(updated);
  });
}

/**
 * The project's totals, kept by the triggers of migrations/0006 in project_counts: one row read,
 * however large the project. `completed` counts the comparisons done that are not gold; that rule
 * lives in those triggers, and "done" itself in comparisons/comparisons.rules.ts. Takes a bare
 * connection, as the quality figures' worker thread has (stats/stats.ts).
 */
export const projectTotals = (db: Pick<Db, 'sqlite'>, projectId: number): ProjectTotals =>
  db.sqlite.prepare<[number], ProjectTotals>('SELECT comparisons, completed, rankings, gold FROM project_counts WHERE project_id = ?').get(projectId)!;

const progressOf = ({ gold: _gold, ...progress }: ProjectTotals) => progress;

export function summarizeProject(db: Db, row: ProjectRow, user: AuthUser): ProjectSummary {
  return {
    ...toProject(row, user),
    progress: { ...progressOf(projectTotals(db, row.id)), availableToMe: countAvailable(db, row, user.id) },
  };
}

/** Researchers see every project; trainers the ones not archived. An unfinished import's staging project is no one's to see. */
export function listProjects(db: Db, user: AuthUser): ProjectSummary[] {
  const rows = db.orm
    .select()
    .from(projects)
    .where(and(notLike(projects.slug, `${STAGING_SLUG_PREFIX}%`), user.role === 'trainer' ? sql`${projects.archivedAt} is null` : undefined))
    .orderBy(projects.name)
    .all();
  return rows.map((row) => summarizeProject(db, row, user));
}
