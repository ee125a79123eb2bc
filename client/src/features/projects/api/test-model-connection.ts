import { useMutation } from '@tanstack/react-query';
import { modelsApi } from '#shared/contract/models.ts';
import { callRoute } from '../../../lib/api.ts';

/** One tiny request to the project's saved model endpoint; the answer says what it showed. */
export const testModelConnection = (slug: string) => callRoute(modelsApi.testConnection, { params: { slug } });

/** Which project to test, and whether the test follows a save of its model settings (the form says so in its answer). */
export interface ConnectionTestRequest {
  slug: string;
  afterSave?: boolean;
}

export const useTestModelConnection = () => useMutation({ mutationFn: ({ slug }: ConnectionTestRequest) => testModelConnection(slug) });
export type ConnectionTestMutation = ReturnType<typeof useTestModelConnection>;
