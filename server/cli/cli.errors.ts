import { createErrorFactory } from '#server/http/errors.ts';

/** `--api-key-env VAR` names a variable that is not set, or is empty. */
export const apiKeyEnvUnset = createErrorFactory({
  status: 400,
  code: 'cli.api_key_env',
  message: (variable: string) => `--api-key-env ${variable}: that environment variable is not set or empty.`,
});

/** A new model endpoint given without both its URL and its model. */
export const endpointIncomplete = createErrorFactory({ status: 400, code: 'cli.model', message: 'A model endpoint needs both --model-base-url and --model.' });
