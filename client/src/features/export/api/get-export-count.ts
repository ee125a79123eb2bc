import { queryOptions, useQuery } from '@tanstack/react-query';
import { exportsApi } from '#shared/contract/exports.ts';
import { api, routePath } from '../../../lib/api.ts';

/** `query`: the export's options as the query string the download link uses (checked with the same schema). */
export const getExportCount = (slug: string, query: string) =>
  api('GET', `${routePath(exportsApi.count.path, { slug })}?${query}`, { schema: exportsApi.count.response });

export const exportCountQueryOptions = (slug: string, query: string) =>
  queryOptions({ queryKey: ['projects', slug, 'export-count', query], queryFn: () => getExportCount(slug, query) });

/** How many records the export with these options holds; asks nothing while `enabled` is false (invalid options). */
export const useExportCount = (slug: string, query: string, enabled: boolean) => useQuery({ ...exportCountQueryOptions(slug, query), enabled });
