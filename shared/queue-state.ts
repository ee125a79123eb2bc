import { z } from 'zod';

/**
 * GET /api/v1/projects/:slug/queue (docs/api.md): what may still come to the asker when `next` has
 * nothing for them, because other trainers hold the rest.
 */
export const queueStateSchema = z.object({
  /**
   * Comparisons the asker could be given once another trainer's lease on them ends without an
   * answer: their slots are all taken by others' live leases. Counted up to AVAILABLE_TO_ME_LIMIT
   * (shared/queue-limits.ts).
   */
  heldByOthers: z.number().int(),
  /** When the first of those leases ends (null: none held). A skip can free a comparison sooner. */
  earliestLeaseExpiresAt: z.string().nullable(),
  /** The server's time of this answer: `earliestLeaseExpiresAt` minus `asOf` is the wait, whatever the caller's clock says. */
  asOf: z.string(),
});
export type QueueState = z.infer<typeof queueStateSchema>;
