import { z } from 'zod';
import { slugSchema } from '#shared/ids.ts';
import { createProjectSchema, projectSchema, projectSummarySchema, updateProjectSchema } from '#shared/projects.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute, researchers } from '#server/http/route.ts';
import { createProject, getProject, listProjects, summarizeProject, updateProject } from './projects.usecases.ts';

export const projectParams = z.object({ slug: slugSchema });

export const projectRoutes = (db: Db) => [
  defineRoute({
    method: 'get',
    path: '/projects',
    summary: 'Projects with their progress (trainers: the active ones, with what is left for them)',
    roles: allUsers,
    response: z.object({ projects: z.array(projectSummarySchema) }),
    handler: ({ user }) => ({ projects: listProjects(db, user!) }),
  }),
  defineRoute({
    method: 'post',
    path: '/projects',
    summary: 'Create a project',
    roles: researchers,
    body: createProjectSchema,
    successStatus: 201,
    response: z.object({ project: projectSchema }),
    handler: ({ user, body }) => ({ project: createProject(db, body, user!.id) }),
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug',
    summary: 'One project with its settings and progress',
    roles: allUsers,
    params: projectParams,
    response: z.object({ project: projectSummarySchema }),
    handler: ({ user, params }) => ({ project: summarizeProject(db, getProject(db, params.slug, user), user!) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/projects/:slug',
    summary: 'Change a project’s settings, archive or unarchive it',
    roles: researchers,
    params: projectParams,
    body: updateProjectSchema,
    response: z.object({ project: projectSchema }),
    handler: ({ user, params, body }) => ({ project: updateProject(db, params.slug, body, user!.id) }),
  }),
];
