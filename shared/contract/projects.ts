import { z } from 'zod';
import { slugSchema } from '../ids.ts';
import { createProjectSchema, projectSchema, projectSummarySchema, updateProjectSchema } from '../projects.ts';
import { allUsers, researchers, route } from './route.ts';

/** The path parameters of every route below a project. */
export const projectParams = z.object({ slug: slugSchema });

export const projectsApi = {
  list: route({
    method: 'get',
    path: '/projects',
    summary: 'Projects with their progress (trainers: the active ones, with what is left for them)',
    roles: allUsers,
    response: z.object({ projects: z.array(projectSummarySchema) }),
  }),
  create: route({
    method: 'post',
    path: '/projects',
    summary: 'Create a project',
    roles: researchers,
    body: createProjectSchema,
    successStatus: 201,
    response: z.object({ project: projectSchema }),
  }),
  get: route({
    method: 'get',
    path: '/projects/:slug',
    summary: 'One project with its settings and progress',
    roles: allUsers,
    params: projectParams,
    response: z.object({ project: projectSummarySchema }),
  }),
  update: route({
    method: 'patch',
    path: '/projects/:slug',
    summary: 'Change a project’s settings, archive or unarchive it',
    roles: researchers,
    params: projectParams,
    body: updateProjectSchema,
    response: z.object({ project: projectSchema }),
  }),
};
