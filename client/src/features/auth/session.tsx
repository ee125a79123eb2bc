import { createContext, useContext } from 'react';
import type { User } from '#shared/users.ts';

/** The logged-in user; pages below the login gate can rely on it. */
export const SessionContext = createContext<{ user: User; logout: () => Promise<void> } | null>(null);

export function useSession() {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the login gate');
  return session;
}
