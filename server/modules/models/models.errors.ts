import { createErrorFactory } from '#server/http/errors.ts';

export const modelNotConfigured = createErrorFactory({
  status: 409,
  code: 'model.not_configured',
  message: (slug: string) =>
    `Project "${slug}" has no model. A researcher can set one in the project's settings (or: npx ordinal projects update ${slug} --model-base-url <url> --model <name>).`,
});

/** A base URL ORDINAL_MODEL_HOSTS no longer allows, on a project that has it. */
export const savedHostNotAllowed = createErrorFactory({
  status: 403,
  code: 'model.host_not_allowed',
  message: (refusal: string) => `The project's model base URL is no longer allowed: ${refusal}.`,
});

/** A base URL ORDINAL_MODEL_HOSTS does not allow, as the error of the field that names it. */
export const hostNotAllowed = createErrorFactory({
  status: 403,
  code: 'model.host_not_allowed',
  message: (field: string, refusal: string) => `${field}: ${refusal}.`,
  details: (field: string, refusal: string) => ({ issues: [{ path: field, message: refusal }] }),
});

export const noChoice = createErrorFactory({
  status: 502,
  code: 'model.error',
  message: (address: string) => `The model server at ${address} answered with no choice.`,
});

export const samplingRunning = createErrorFactory({
  status: 409,
  code: 'sample.running',
  message: 'Sampling is already running for this project.',
});

export const samplingStopped = createErrorFactory({
  status: 503,
  code: 'server.stopping',
  message: 'The server is restarting; start sampling again in a moment.',
});

/** A model server's failures, as `modelError` names them; `details.retryable` says whether another try may help. */
const failure = (retryable: boolean) => ({ retryable });

export const modelTimeout = createErrorFactory({
  status: 504,
  code: 'model.timeout',
  message: (where: string, seconds: number, _retryable: boolean) => `${where} did not answer within ${seconds} s.`,
  details: (_where: string, _seconds: number, retryable: boolean) => failure(retryable),
});

export const modelAborted = createErrorFactory({
  status: 499,
  code: 'model.aborted',
  message: (_retryable: boolean) => 'The request was cancelled.',
  details: failure,
});

export const modelHostRefused = createErrorFactory({
  status: 403,
  code: 'model.host_not_allowed',
  message: (refusal: string, _retryable: boolean) => `${refusal}; ask this server's operator.`,
  details: (_refusal: string, retryable: boolean) => failure(retryable),
});

export const modelUnreachable = createErrorFactory({
  status: 502,
  code: 'model.unreachable',
  message: (address: string, _retryable: boolean) =>
    `Cannot reach the model server at ${address}. Is it running, and is the base URL right (it usually ends in /v1)?`,
  details: (_address: string, retryable: boolean) => failure(retryable),
});

/** Any other failure; `message` says what the server answered. */
export const modelFailed = createErrorFactory({
  status: 502,
  code: 'model.error',
  message: (message: string, _retryable: boolean) => message,
  details: (_message: string, retryable: boolean) => failure(retryable),
});
