import { modelsApi } from '#shared/contract/models.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import type { EventStreams } from '#server/http/sse.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { endpointOf, nMemory } from './endpoint.ts';
import { streamCompletion, testConnection } from './model-client.ts';
import { SampleJobs } from './sample-jobs.ts';
import { countWaitingPrompts, unsampledByReason } from './sampling.ts';
import { suggestionPrompt } from './suggestions.ts';

export const modelRoutes = (db: Db, jobs: SampleJobs, streams: EventStreams) => [
  implement(modelsApi.suggest, async ({ user, params, body, req, res }) => {
    const project = getProject(db, params.slug, user);
    const endpoint = endpointOf(project);
    await streams.stream(req, res, async (delta, signal) => {
      const sample = await streamCompletion(endpoint, suggestionPrompt(body.messages, body.role), project.sampling, delta, signal);
      // Trainers are never told model names (docs/api.md, roles); the server knows which model it was.
      return { content: sample.content, ...(user.role === 'trainer' ? {} : { model: sample.model }), finishReason: sample.finishReason };
    });
  }),
  implement(modelsApi.startSampling, ({ user, params, body }) => {
    const project = getProject(db, params.slug);
    endpointOf(project);
    const job = jobs.start(db, project, body.k, user.id);
    return { job, waitingPrompts: countWaitingPrompts(db, project), unsampled: unsampledByReason(db, project) };
  }),
  implement(modelsApi.sampling, ({ params }) => {
    const project = getProject(db, params.slug);
    return { job: jobs.status(project.id), waitingPrompts: countWaitingPrompts(db, project), unsampled: unsampledByReason(db, project) };
  }),
  implement(modelsApi.testConnection, async ({ params }) => {
    const project = getProject(db, params.slug);
    const endpoint = endpointOf(project);
    return testConnection(endpoint, nMemory(db, endpoint));
  }),
];
