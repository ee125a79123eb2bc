import type { Db } from '#server/db/client.ts';
import type { ProjectRow } from '#server/modules/projects/projects.table.ts';
import { MODEL_DOWN_FOR_TRAINERS, type Endpoint, type NMemory } from './model-client.ts';
import { modelHostRefusal } from './model-hosts.ts';
import { modelNotConfigured, savedHostNotAllowed } from './models.errors.ts';

/**
 * The project's model endpoint, or a 409 that says plainly that a model is needed and where to set
 * it, or a 403 if ORDINAL_MODEL_HOSTS no longer allows its address.
 */
export function endpointOf(project: ProjectRow): Endpoint {
  if (!project.modelBaseUrl || !project.modelName) {
    throw modelNotConfigured(project.slug);
  }
  const refusal = modelHostRefusal(project.modelBaseUrl);
  if (refusal !== null) {
    const error = savedHostNotAllowed(refusal);
    error.forTrainers = MODEL_DOWN_FOR_TRAINERS;
    throw error;
  }
  return { baseUrl: project.modelBaseUrl, model: project.modelName, apiKey: project.modelApiKey };
}

/**
 * What this database knows of whether the server at `endpoint` takes `n`, learned by the first
 * request that asked (or a connection test) and written down, so that no later request, process
 * or run pays for the lesson again.
 */
export function nMemory(db: Db, endpoint: Endpoint): NMemory {
  const row = db.sqlite.prepare<[string], { takesN: number }>('SELECT takes_n AS takesN FROM model_endpoints WHERE base_url = ?').get(endpoint.baseUrl);
  const memory: NMemory = {
    takesN: row ? row.takesN === 1 : null,
    learned(takesN) {
      if (memory.takesN === takesN) return;
      memory.takesN = takesN;
      db.sqlite
        .prepare(
          'INSERT INTO model_endpoints (base_url, takes_n, learned_at) VALUES (?, ?, ?) ON CONFLICT (base_url) DO UPDATE SET takes_n = excluded.takes_n, learned_at = excluded.learned_at',
        )
        .run(endpoint.baseUrl, takesN ? 1 : 0, Date.now());
    },
  };
  return memory;
}
