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

/**
 * A base URL as anyone may see it once saved: user name and password, if the URL holds them,
 * written `***`. Saving the masked form back keeps the stored URL.
 */
export function maskCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, (_, scheme: string) => `${scheme}***@`);
}
export type ModelEndpointView = z.infer<typeof modelEndpointViewSchema>;

/** What the model wrote, with everything needed to reproduce or audit it. */
export interface Sample {
  content: string;
  /** The model asked for: the project's setting. */
  model: string;
  /** The model the server said answered, where it differs from `model` (null when the same or not said). */
  servedModel: string | null;
  /** The sampling parameters sent; `n` only where one request asked for several choices. */
  params: { temperature: number; top_p: number; max_tokens: number; seed: number; n?: number };
  finishReason: string | null;
  usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
  /** The model's own time: from sending the answering request to its last byte; queueing and earlier failed attempts are not in it. */
  latencyMs: number;
}

export const sampleJobSchema = z.object({
  state: z.enum(['idle', 'running', 'done', 'failed']),
  total: z.number().int(),
  done: z.number().int(),
  /** Prompts whose model requests failed. */
  failed: z.number().int(),
  /** Prompts left without candidates because the model kept giving the same (or an empty) answer. */
  notSampled: z.number().int(),
  lastError: z.string().nullable(),
  /** What to do about the failures, in plain words: rerun, check the settings, raise the temperature. */
  advice: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type SampleJob = z.infer<typeof sampleJobSchema>;

/** A project's sampling: the current (or last) job, the prompts still waiting, and why some were left. */
export const sampleViewSchema = z.object({
  job: sampleJobSchema,
  waitingPrompts: z.number().int(),
  /** Waiting prompts that sampling left without candidates, by reason. */
  unsampled: z.array(z.object({ reason: z.string(), prompts: z.number().int() })),
});
export type SampleView = z.infer<typeof sampleViewSchema>;

/** What one tiny request to a project's model endpoint showed. */
export const connectionTestSchema = z.object({
  ok: z.boolean(),
  /** In plain words: what worked, or what failed and what to check. */
  message: z.string(),
  /** The model name the server put in its answer (llama.cpp echoes whatever was asked). */
  servedModel: z.string().nullable(),
  /** The models the server lists at GET /models, where it answers that. */
  listedModels: z.array(z.string()).nullable(),
  /** Whether one request may ask for K choices (`n`); null when the endpoint did not answer at all. */
  takesN: z.boolean().nullable(),
  latencyMs: z.number().int().nullable(),
});
export type ConnectionTest = z.infer<typeof connectionTestSchema>;
