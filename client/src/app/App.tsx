import { useEffect, useState } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes } from 'react-router';
import type { User } from '#shared/users.ts';
import { errorMessage } from '../lib/api.ts';
import { currentUser, logout } from '../features/auth/api.ts';
import { LoginPage } from '../features/auth/LoginPage.tsx';
import { SessionContext } from '../features/auth/session.tsx';
import { ProjectsPage } from '../features/projects/ProjectsPage.tsx';
import { RankingPage } from '../features/ranking/RankingPage.tsx';

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    currentUser().then(setUser, (e) => setError(errorMessage(e)));
  }, []);

  if (error) return <p role="alert" className="page error">{error}</p>;
  if (user === undefined) return <p className="page muted">Loading…</p>;

  return (
    <BrowserRouter>
      {user === null ? (
        <Routes>
          <Route path="*" element={<LoginPage onLogin={setUser} />} />
        </Routes>
      ) : (
        <SessionContext.Provider value={{ user, logout: async () => { await logout(); setUser(null); } }}>
          <nav className="topbar">
            <Link to="/" className="brand">Ordinal</Link>
            <span className="spacer" />
            <span className="muted">{user.username} · {user.role}</span>
            <button type="button" className="link" onClick={() => void logout().finally(() => setUser(null))}>Log out</button>
          </nav>
          <Routes>
            <Route path="/" element={<ProjectsPage />} />
            <Route path="/login" element={<Navigate to="/" replace />} />
            <Route path="/projects/:slug/rank" element={<RankingPage />} />
            <Route path="*" element={<main className="page"><h1>Not found</h1><Link to="/">Back to projects</Link></main>} />
          </Routes>
        </SessionContext.Provider>
      )}
    </BrowserRouter>
  );
}
