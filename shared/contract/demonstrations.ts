import { z } from 'zod';
import { demonstrationSchema, promptSchema, submitDemonstrationSchema } from '../demonstrations.ts';
import { projectParams } from './projects.ts';
import { allUsers, route } from './route.ts';

export const demonstrationsApi = {
  submit: route({
    method: 'post',
    path: '/projects/:slug/demonstrations',
    summary: 'Submit a dialogue written playing both sides',
    roles: allUsers,
    params: projectParams,
    body: submitDemonstrationSchema,
    successStatus: 201,
    response: z.object({ demonstration: demonstrationSchema }),
  }),
  nextPrompt: route({
    method: 'get',
    path: '/projects/:slug/prompts/next',
    summary: 'A project prompt to start a demonstration from (204 when none is left for the asking trainer)',
    roles: allUsers,
    params: projectParams,
    response: z.object({ prompt: promptSchema }),
    emptyWhenNone: true,
  }),
};
