import { z } from 'zod';
import { apiErrorSchema } from '#shared/errors.ts';
import type { ApiRoute } from '#shared/contract/route.ts';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** The OpenAPI 3.1 document, generated from the same route specs and zod schemas the server runs. */
export function openApiDocument(specs: readonly ApiRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { description: 'Error', content: { 'application/json': { schema: jsonSchema(apiErrorSchema, 'output') } } };
  for (const spec of specs) {
    const path = `/api/v1${spec.path.replace(/:(\w+)/g, '{$1}')}`;
    const status = String(spec.successStatus ?? (spec.response ? 200 : 204));
    const response = spec.response
      ? 'mediaType' in spec.response
        ? { description: spec.response.description, content: { [spec.response.mediaType]: {} } }
        : { description: 'Success', content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } }
      : { description: 'Done' };
    const body = spec.rawBody
      ? { required: true, content: { [spec.rawBody.mediaType]: { schema: { type: 'string', description: spec.rawBody.description } } } }
      : spec.body
        ? { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } }
        : undefined;
    (paths[path] ??= {})[spec.method] = {
      summary: spec.summary,
      security: spec.roles === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
      'x-roles': spec.roles,
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(body ? { requestBody: body } : {}),
      responses: { [status]: response, '4XX': error, '5XX': error },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ordinal API', version, description: 'Rankings, demonstrations and datasets for RLHF. Reference: docs/api.md in the Ordinal repository.' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token from `npx ordinal tokens create` or POST /api/v1/tokens' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'ordinal_session' },
      },
    },
    paths,
  };
}
