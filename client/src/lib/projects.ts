import { z } from 'zod';
import { projectSchema, projectSummarySchema, type CreateProject, type UpdateProject } from '#shared/projects.ts';
import { api } from './api.ts';

export const fetchProjects = async () => (await api('GET', '/projects', { schema: z.object({ projects: z.array(projectSummarySchema) }) })).projects;

export const fetchProject = async (slug: string) =>
  (await api('GET', `/projects/${encodeURIComponent(slug)}`, { schema: z.object({ project: projectSummarySchema }) })).project;

export const createProject = async (body: CreateProject) => (await api('POST', '/projects', { body, schema: z.object({ project: projectSchema }) })).project;

export const updateProject = async (slug: string, body: UpdateProject) =>
  (await api('PATCH', `/projects/${encodeURIComponent(slug)}`, { body, schema: z.object({ project: projectSchema }) })).project;
