import { queryOptions, useQuery } from '@tanstack/react-query';
import { exportsApi } from '#shared/contract/exports.ts';
import { callRoute } from '../../../lib/api.ts';

/** The database file the server uses: what `ordinal export --db` needs to export the same data on the server machine. */
export const getExportCli = (slug: string) => callRoute(exportsApi.cli, { params: { slug } });

export const exportCliQueryOptions = (slug: string) =>
  queryOptions({ queryKey: ['projects', slug, 'export-cli'], queryFn: () => getExportCli(slug), staleTime: Infinity });

export const useExportCli = (slug: string) => useQuery(exportCliQueryOptions(slug));
