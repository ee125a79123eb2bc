import { z } from 'zod';
import { suggestionRequestSchema } from '../demonstrations.ts';
import { connectionTestSchema, sampleViewSchema } from '../models.ts';
import { projectParams } from './projects.ts';
import { allUsers, researchers, route } from './route.ts';

export const modelsApi = {
  suggest: route({
    method: 'post',
    path: '/projects/:slug/suggestions',
    summary: 'A model-written next message for the given role, streamed as server-sent events (delta…, then done or error)',
    roles: allUsers,
    params: projectParams,
    body: suggestionRequestSchema,
    response: { mediaType: 'text/event-stream', description: 'event: delta {text}; event: done {content, model, finishReason}; event: error {error}' },
  }),
  startSampling: route({
    method: 'post',
    path: '/projects/:slug/sample',
    summary: 'Start sampling K candidates for every prompt still waiting for them (one job per project at a time)',
    roles: researchers,
    params: projectParams,
    body: z.strictObject({ k: z.number().int().min(2).max(9).optional() }),
    successStatus: 202,
    response: sampleViewSchema,
  }),
  sampling: route({
    method: 'get',
    path: '/projects/:slug/sample',
    summary: 'The project’s sampling job and how many prompts wait for candidates',
    roles: researchers,
    params: projectParams,
    response: sampleViewSchema,
  }),
  testConnection: route({
    method: 'post',
    path: '/projects/:slug/model/test',
    summary: 'Send one tiny request to the project’s model: whether it works, which model the server reports, and whether it takes n',
    roles: researchers,
    params: projectParams,
    response: connectionTestSchema,
  }),
};
