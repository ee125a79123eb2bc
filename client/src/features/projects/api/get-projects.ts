import { queryOptions, useQuery } from '@tanstack/react-query';
import type { projectsApi } from '#shared/contract/projects.ts';
import type { RouteResponse } from '#shared/contract/route.ts';
import { api } from '../../../lib/api.ts';

// The trainer's first page: typed by the contract's response schema, not parsed (decision 0003).
export const getProjects = async () => (await api<RouteResponse<typeof projectsApi.list>>('GET', '/projects')).projects;

export const projectsQueryKey = ['projects'] as const;

export const projectsQueryOptions = () => queryOptions({ queryKey: projectsQueryKey, queryFn: getProjects });

export const useProjects = () => useQuery(projectsQueryOptions());
