import { useState } from 'react';
import { connectionTestSchema, type ConnectionTest } from '#shared/models.ts';
import { api, errorMessage } from '../../lib/api.ts';

/** "Test connection": one tiny request to the project's saved model endpoint, and what it showed. */
export function ModelConnectionTest({ slug }: { slug: string }) {
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);

  const test = async () => {
    setTesting(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api('POST', `/projects/${slug}/model/test`, { schema: connectionTestSchema }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setTesting(false);
    }
  };

  return (
    <section className="connection-test" aria-label="Connection test">
      <div className="actions start">
        <button type="button" onClick={() => void test()} disabled={testing}>
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
      {error && <p role="alert" className="error">{error}</p>}
    </section>
  );
}
