import { useMutation } from '@tanstack/react-query';
import { modelsApi } from '#shared/contract/models.ts';
import { callRoute } from '../../../lib/api.ts';

/** One tiny request to the project's saved model endpoint; the answer says what it showed. */
export const testModelConnection = (slug: string) => callRoute(modelsApi.testConnection, { params: { slug } });

export const useTestModelConnection = (slug: string) => useMutation({ mutationFn: () => testModelConnection(slug) });
