import { createErrorFactory, notFound } from '#server/http/errors.ts';

/** Also what a trainer is told of an archived project: it is not theirs to see. */
export const projectNotFound = (slug: string) => notFound(`Project "${slug}"`);

export const projectExists = createErrorFactory({
  status: 409,
  code: 'project.exists',
  message: (slug: string) => `A project with slug "${slug}" already exists.`,
});

/** An archived project takes no more work; `what` ends the sentence (" and takes no more answers"). */
export const projectArchived = createErrorFactory({
  status: 409,
  code: 'project.archived',
  message: (slug: string, what = '') => `Project "${slug}" is archived${what}.`,
});
