import { z } from 'zod';

/** Sampling parameters a project uses for candidates, suggestions and chats (docs/api.md, project settings). */
export const samplingSettingsSchema = z.strictObject({
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  maxTokens: z.number().int().min(1).max(32_768),
  /** Candidates per comparison when sampling. */
  k: z.number().int().min(2).max(9),
});
export type SamplingSettings = z.infer<typeof samplingSettingsSchema>;

export const defaultSampling: SamplingSettings = { temperature: 1, topP: 1, maxTokens: 1024, k: 4 };

/**
 * A project's model endpoint: any OpenAI-compatible Chat Completions server. The API key is
 * write-only: it is stored on the server and never sent back (responses say only whether one is set).
 */
export const modelEndpointSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://localhost:8000/v1' }),
  model: z.string().trim().min(1).max(200),
  /** Absent: keep the stored key; null: remove it. */
  apiKey: z.string().min(1).max(500).nullable().optional(),
});
export type ModelEndpointInput = z.infer<typeof modelEndpointSchema>;

export const modelEndpointViewSchema = z.object({ baseUrl: z.string(), model: z.string(), apiKeySet: z.boolean() });
export type ModelEndpointView = z.infer<typeof modelEndpointViewSchema>;

/** What the model wrote, with everything needed to reproduce or audit it. */
export interface Sample {
  content: string;
  model: string;
  params: { temperature: number; top_p: number; max_tokens: number; seed: number };
  finishReason: string | null;
  usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  latencyMs: number;
}

export const sampleJobSchema = z.object({
  state: z.enum(['idle', 'running', 'done', 'failed']),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  lastError: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type SampleJob = z.infer<typeof sampleJobSchema>;
