import { z } from 'zod';
import { demonstrationSchema, promptSchema, submitDemonstrationSchema } from '#shared/demonstrations.ts';
import type { Db } from '#server/db/client.ts';
import { allUsers, defineRoute } from '#server/http/route.ts';
import { projectParams } from '#server/modules/projects/projects.routes.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { nextPrompt, submitDemonstration } from './demonstrations.usecases.ts';

export const demonstrationRoutes = (db: Db) => [
  defineRoute({
    method: 'post',
    path: '/projects/:slug/demonstrations',
    summary: 'Submit a dialogue written playing both sides',
    roles: allUsers,
    params: projectParams,
    body: submitDemonstrationSchema,
    successStatus: 201,
    response: z.object({ demonstration: demonstrationSchema }),
    handler: ({ user, params, body }) => ({ demonstration: submitDemonstration(db, getProject(db, params.slug, user), user!, body) }),
  }),
  defineRoute({
    method: 'get',
    path: '/projects/:slug/prompts/next',
    summary: 'A project prompt to start a demonstration from (204 when none is left for the asking trainer)',
    roles: allUsers,
    params: projectParams,
    response: z.object({ prompt: promptSchema }),
    handler: ({ user, params, res }) => {
      const prompt = nextPrompt(db, getProject(db, params.slug, user), user!);
      if (!prompt) res.status(204).end();
      return prompt ? { prompt } : undefined;
    },
  }),
];
