import { useMutation, useQueryClient } from '@tanstack/react-query';
import { projectsApi } from '#shared/contract/projects.ts';
import type { UpdateProject } from '#shared/projects.ts';
import { callRoute } from '../../../lib/api.ts';
import { projectsQueryKey } from './get-projects.ts';

export const updateProject = async (slug: string, body: UpdateProject) => (await callRoute(projectsApi.update, { params: { slug }, body })).project;

/** Changes settings or archives; the list and the project (everything under ['projects']) are read again. */
export function useUpdateProject(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateProject) => updateProject(slug, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: projectsQueryKey }),
  });
}
