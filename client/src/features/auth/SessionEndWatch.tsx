import { lazy, Suspense, useEffect, useState } from 'react';
import { onSessionEnd } from '../../lib/api.ts';

// Loaded when a session ends, with the login form's library: most visits never need it (decision 0003).
const LogInAgainDialog = lazy(() => import('./LogInAgainDialog.tsx').then((m) => ({ default: m.LogInAgainDialog })));

/** Once the server says the session has ended, asks to log in again over the page, which stays mounted with all it holds. */
export function SessionEndWatch() {
  const [ended, setEnded] = useState(false);
  useEffect(() => onSessionEnd(() => setEnded(true)), []);
  if (!ended) return null;
  return (
    <Suspense fallback={null}>
      <LogInAgainDialog onClose={() => setEnded(false)} />
    </Suspense>
  );
}
