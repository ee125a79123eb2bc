import { errorMessage } from '../../lib/api.ts';
import type { ConnectionTestMutation } from './api/test-model-connection.ts';

/**
 * "Test connection": one tiny request to the project's saved model endpoint, and what it showed.
 * The project form runs the same test when it saves new model settings (`afterSave`), and a
 * failure then says plainly that the settings are saved but the model does not answer.
 */
export function ModelConnectionTest({ slug, test }: { slug: string; test: ConnectionTestMutation }) {
  const { data: result, isPending: testing, variables } = test;
  const afterSave = variables?.afterSave ?? false;
  const failure = test.error ? errorMessage(test.error) : result && !result.ok ? result.message : null;

  return (
    <section className="connection-test" aria-label="Connection test">
      <div className="actions start">
        <button type="button" onClick={() => test.mutate({ slug })} disabled={testing}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <span className="muted">Sends one tiny request with the saved settings.</span>
      </div>
      {testing && afterSave && (
        <p role="status" className="muted">
          Checking that the model server answers…
        </p>
      )}
      {result?.ok && (
        <div role="status" className="success">
          <p>{result.message}</p>
          <p className="muted">
            Answered as {result.servedModel ?? 'an unnamed model'}
            {result.listedModels ? `; the server lists ${result.listedModels.join(', ') || 'no models'}` : ''}
            {result.latencyMs !== null ? `; ${result.latencyMs} ms` : ''}.
          </p>
        </div>
      )}
      {failure && (
        <div role="alert" className="error">
          {afterSave && (
            <p>
              <strong>Saved, but the model does not answer.</strong>
            </p>
          )}
          <p>{failure}</p>
          {afterSave && (
            <p>
              Sampling, suggestions and chats need it. Check the base URL (it usually ends in /v1), that the model server is running and reachable from the
              Ordinal server, the model name and the API key; then save again, or press Test connection once it is up.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
