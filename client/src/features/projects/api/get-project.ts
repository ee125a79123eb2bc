import { queryOptions, useQuery } from '@tanstack/react-query';
import type { projectsApi } from '#shared/contract/projects.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import { api } from '../../../lib/api.ts';

// On the trainer's path too: the answer is typed by the contract's response schema, not parsed (decision 0003).
export const getProject = async (slug: string) => (await api<RouteResponse<typeof projectsApi.get>>('GET', `/projects/${encodeURIComponent(slug)}`)).project;

export const projectQueryKey = (slug: string) => ['projects', slug] as const;

export const projectQueryOptions = (slug: string) => queryOptions({ queryKey: projectQueryKey(slug), queryFn: () => getProject(slug) });

/** One project with its progress; the console's layout and the trainer's pages share this one cached query. */
export const useProject = (slug: string) => useQuery(projectQueryOptions(slug));
