import type { CreateProject, Project, ProjectSummary, UpdateProject } from '#shared/projects.ts';
import { api } from './api.ts';

// Used on the trainer's path too: answers are typed, not checked at run time (see api()).
export const fetchProjects = async () => (await api<{ projects: ProjectSummary[] }>('GET', '/projects')).projects;
export const fetchProject = async (slug: string) => (await api<{ project: ProjectSummary }>('GET', `/projects/${encodeURIComponent(slug)}`)).project;
export const createProject = async (body: CreateProject) => (await api<{ project: Project }>('POST', '/projects', { body })).project;
export const updateProject = async (slug: string, body: UpdateProject) =>
  (await api<{ project: Project }>('PATCH', `/projects/${encodeURIComponent(slug)}`, { body })).project;
