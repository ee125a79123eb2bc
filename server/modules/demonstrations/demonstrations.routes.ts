import { demonstrationsApi } from '#shared/contract/demonstrations.ts';
import type { Db } from '#server/db/client.ts';
import { implement } from '#server/http/route.ts';
import { getProject } from '#server/modules/projects/projects.usecases.ts';
import { nextPrompt, submitDemonstration } from './demonstrations.usecases.ts';

export const demonstrationRoutes = (db: Db) => [
  implement(demonstrationsApi.submit, ({ user, params, body }) => ({
    demonstration: submitDemonstration(db, getProject(db, params.slug, user), user, body),
  })),
  // None left for the trainer: no answer, which the table sends as 204.
  implement(demonstrationsApi.nextPrompt, ({ user, params }) => {
    const prompt = nextPrompt(db, getProject(db, params.slug, user), user);
    return prompt ? { prompt } : undefined;
  }),
];
