import { projectsApi } from '#shared/contract/projects.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import { createProject, getProject, listProjects, summarizeProject, updateProject } from './projects.usecases.ts';

export const projectRoutes = (db: Db) => [
  implement(projectsApi.list, ({ user }) => ({ projects: listProjects(db, user) })),
  implement(projectsApi.create, ({ user, body }) => ({ project: createProject(db, body, user.id) })),
  implement(projectsApi.get, ({ user, params }) => ({ project: summarizeProject(db, getProject(db, params.slug, user), user) })),
  implement(projectsApi.update, ({ user, params, body }) => ({ project: updateProject(db, params.slug, body, user.id) })),
];
