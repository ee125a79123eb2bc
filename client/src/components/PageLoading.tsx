import { errorMessage } from '../lib/api.ts';

/** A page whose data is not in yet: why it failed to come, in plain words, or that it is on its way. */
export function PageLoading({ error }: { error: Error | null }) {
  return (
    <main className="page">
      {error ? (
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </main>
  );
}
