// Kept apart from shared/projects.ts, which is zod schemas: the trainer's project list reads this
// number, and importing it from there put zod (26 KB gzipped) into their first load (decision 0003).

/** `availableToMe` counts no further: the number means "at least this many". */
export const AVAILABLE_TO_ME_LIMIT = 1000;
