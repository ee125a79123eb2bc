import { createErrorFactory, notFound } from '#server/http/errors.ts';

export const comparisonNotFound = (comparisonId: number) => notFound(`Comparison ${comparisonId}`);

/** A trainer asking for a comparison that was never handed to them, or has been taken back. */
export const comparisonNotYours = (comparisonId: number) => notFound(`Comparison ${comparisonId} among yours`);

export const comparisonAnswered = createErrorFactory({
  status: 409,
  code: 'comparison.answered',
  message: 'You have already ranked this comparison.',
});

export const comparisonNotAssigned = createErrorFactory({
  status: 409,
  code: 'comparison.not_assigned',
  message: (comparisonId: number, slug: string) => `Comparison ${comparisonId} was not given to you: fetch work with GET /projects/${slug}/next.`,
});

export const comparisonSkipped = createErrorFactory({
  status: 409,
  code: 'comparison.skipped',
  message: 'You skipped this comparison; it has gone back to the queue.',
});

export const leaseExpired = createErrorFactory({
  status: 409,
  code: 'lease.expired',
  message: 'Your time on this comparison ran out and it went to another trainer. Your answer was not stored.',
});

export const invalidRanking = createErrorFactory({
  status: 400,
  code: 'ranking.invalid',
  message: (problems: string[]) => `Invalid ranking: ${problems.join('; ')}`,
  details: (problems: string[]) => ({ problems }),
});

export const invalidGold = createErrorFactory({
  status: 400,
  code: 'gold.invalid',
  message: (problems: string[]) => `Invalid gold ranking: ${problems.join('; ')}`,
  details: (problems: string[]) => ({ problems }),
});

export const goldNeedsNoMore = createErrorFactory({
  status: 409,
  code: 'comparison.gold',
  message: (comparisonId: number) =>
    `Comparison ${comparisonId} is a gold item: every trainer is given it once anyway. Make it ordinary first to ask for more rankings.`,
});
