import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { projectsApi } from '#shared/contract/projects.ts';
import type { createProjectSchema } from '#shared/projects.ts';
import { callRoute } from '../../../lib/api.ts';
import { projectsQueryKey } from './get-projects.ts';

/** A new project's settings as the API takes them, each default filled in. */
export type CreateProjectInput = z.infer<typeof createProjectSchema>;

export const createProject = async (body: CreateProjectInput) => (await callRoute(projectsApi.create, { body })).project;

export function useCreateProject() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createProject,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectsQueryKey }),
  });
}
