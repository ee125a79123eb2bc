import { z } from 'zod';
import { suggestionRequestSchema } from '#shared/demonstrations.ts';
import { connectionTestSchema, sampleViewSchema } from '#shared/models.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute, researchers } from '#server/http/route.ts';
import type { EventStreams } from '#server/http/sse.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { endpointOf, nMemory } from './endpoint.ts';
import { streamCompletion, testConnection } from './model-client.ts';
import { SampleJobs } from './sample-jobs.ts';
import { countWaitingPrompts, unsampledByReason } from './sampling.ts';
import { suggestionPrompt } from './suggestions.ts';


export const modelRoutes = (db: Db, jobs: SampleJobs, streams: EventStreams) => [
  defineRoute({
    method: 'post',
    path: '/projects/:slug/suggestions',
    summary: 'A model-written next message for the given role, streamed as server-sent events (delta…, then done or error)',
    roles: allUsers,
    params: projectParams,
    body: suggestionRequestSchema,
    response: { mediaType: 'text/event-stream', description: 'event: delta {text}; event: done {content, model, finishReason}; event: error {error}' },
    handler: async ({ user, params, body, req, res }) => {
      const project = getProject(db, params.slug, user);
      const endpoint = endpointOf(project);
      await streams.stream(req, res, async (delta, signal) => {
        const sample = await streamCompletion(endpoint, suggestionPrompt(body.messages, body.role), project.sampling, delta, signal);
        // Trainers are never told model names (docs/api.md, roles); the server knows which model it was.
        return { content: sample.content, ...(user!.role === 'trainer' ? {} : { model: sample.model }), finishReason: sample.finishReason };
      });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/projects/:slug/sample',
    summary: 'Start sampling K candidates for every prompt still waiting for them (one job per project at a time)',
    roles: researchers,
    params: projectParams,
    body: z.strictObject({ k: z.number().int().min(2).max(9).optional() }),
    successStatus: 202,
    response: sampleViewSchema,
    handler: ({ user, params, body }) => {
      const project = getProject(db, params.slug);
      endpointOf(project);
      const job = jobs.start(db, project, body.k, user!.id);
      return { job, waitingPrompts: countWaitingPrompts(db, project), unsampled: unsampledByReason(db, project) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/sample',
    summary: 'The project’s sampling job and how many prompts wait for candidates',
    roles: researchers,
    params: projectParams,
    response: sampleViewSchema,
    handler: ({ params }) => {
      const project = getProject(db, params.slug);
      return { job: jobs.status(project.id), waitingPrompts: countWaitingPrompts(db, project), unsampled: unsampledByReason(db, project) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/projects/:slug/model/test',
    summary: 'Send one tiny request to the project’s model: whether it works, which model the server reports, and whether it takes n',
    roles: researchers,
    params: projectParams,
    response: connectionTestSchema,
    handler: async ({ params }) => {
      const project = getProject(db, params.slug);
      const endpoint = endpointOf(project);
      return testConnection(endpoint, nMemory(db, endpoint));
    },
  }),
];
