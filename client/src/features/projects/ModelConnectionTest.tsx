import { errorMessage } from '../../lib/api.ts';
import { useTestModelConnection } from './api/test-model-connection.ts';

/** "Test connection": one tiny request to the project's saved model endpoint, and what it showed. */
export function ModelConnectionTest({ slug }: { slug: string }) {
  const test = useTestModelConnection(slug);
  const { data: result, isPending: testing } = test;
  const error = test.error ? errorMessage(test.error) : null;

  return (
    <section className="connection-test" aria-label="Connection test">
      <div className="actions start">
        <button type="button" onClick={() => test.mutate()} disabled={testing}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <span className="muted">Sends one tiny request with the saved settings.</span>
      </div>
      {result && (
        <div role={result.ok ? 'status' : 'alert'} className={result.ok ? 'success' : 'error'}>
          <p>{result.message}</p>
          {result.ok && (
            <p className="muted">
              Answered as {result.servedModel ?? 'an unnamed model'}
              {result.listedModels ? `; the server lists ${result.listedModels.join(', ') || 'no models'}` : ''}
              {result.latencyMs !== null ? `; ${result.latencyMs} ms` : ''}.
            </p>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}
