import { AppError } from '#server/http/errors.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import type { Endpoint } from './model-client.ts';

/** The project's model endpoint, or a 409 that says plainly that a model is needed and where to set it. */
export function endpointOf(project: ProjectRow): Endpoint {
  if (!project.modelBaseUrl || !project.modelName) {
    throw new AppError(409, 'model.not_configured', `Project "${project.slug}" has no model. A researcher can set one in the project's settings (or: npx ordinal projects update ${project.slug} --model-base-url <url> --model <name>).`);
  }
  return { baseUrl: project.modelBaseUrl, model: project.modelName, apiKey: project.modelApiKey };
}
