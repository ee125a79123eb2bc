import { queryOptions, useQuery } from '@tanstack/react-query';
import { statsApi } from '#shared/contract/stats.ts';
import { callRoute } from '../../../lib/api.ts';

export const getReview = (slug: string) => callRoute(statsApi.review, { params: { slug } });

export const reviewQueryOptions = (slug: string) => queryOptions({ queryKey: ['projects', slug, 'review'], queryFn: () => getReview(slug) });

/** What a researcher should look at: comparisons where trainers disagree most, gold misses, fast answers. */
export const useReview = (slug: string, options: { enabled?: boolean } = {}) => useQuery({ ...reviewQueryOptions(slug), ...options });
