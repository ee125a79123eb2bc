import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes } from 'react-router';
import type { UserRole } from '#shared/users.ts';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import { errorMessage } from '../lib/api.ts';
import { useCurrentUser } from '../features/auth/api/get-session.ts';
import { useLogout } from '../features/auth/api/logout.ts';
import { SessionContext } from '../features/auth/session.tsx';
import { SessionEndWatch } from '../features/auth/SessionEndWatch.tsx';
import { ProjectMarkdownSettings } from '../features/projects/ProjectMarkdownSettings.tsx';
import { ProjectsPage } from '../features/projects/ProjectsPage.tsx';
import { RankingPage } from '../features/ranking/RankingPage.tsx';
import { NotAllowedPage, NotFoundPage } from './ErrorPages.tsx';

// The trainer's daily path (projects, ranking) loads first; every other page loads when opened, the login
// page too: its form library is needed once per session, not on every visit (decision 0003).
const LoginPage = lazy(() => import('../features/auth/LoginPage.tsx').then((m) => ({ default: m.LoginPage })));
const AccountPage = lazy(() => import('../features/account/AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const ComparisonPage = lazy(() => import('../features/browse/ComparisonPage.tsx').then((m) => ({ default: m.ComparisonPage })));
const ChatPage = lazy(() => import('../features/chat/ChatPage.tsx').then((m) => ({ default: m.ChatPage })));
const DemonstrationPage = lazy(() => import('../features/demonstrations/DemonstrationPage.tsx').then((m) => ({ default: m.DemonstrationPage })));
const MyStatsPage = lazy(() => import('../features/quality/MyStatsPage.tsx').then((m) => ({ default: m.MyStatsPage })));
const HistoryPage = lazy(() => import('../features/history/HistoryPage.tsx').then((m) => ({ default: m.HistoryPage })));
const RevisePage = lazy(() => import('../features/ranking/RevisePage.tsx').then((m) => ({ default: m.RevisePage })));
const UsersPage = lazy(() => import('../features/users/UsersPage.tsx').then((m) => ({ default: m.UsersPage })));
const NewProjectPage = lazy(() => import('./NewProjectPage.tsx').then((m) => ({ default: m.NewProjectPage })));
const ProjectLayout = lazy(() => import('./ProjectLayout.tsx').then((m) => ({ default: m.ProjectLayout })));

export function App() {
  const session = useCurrentUser();
  const logout = useLogout();

  if (session.isError)
    return (
      <p role="alert" className="page error">
        {errorMessage(session.error)}
      </p>
    );
  if (session.isPending) return <p className="page muted">Loading…</p>;
  const user = session.data;
  if (user === null) {
    return (
      <BrowserRouter>
        <Suspense fallback={<p className="page muted">Loading…</p>}>
          <Routes>
            <Route path="*" element={<LoginPage />} />
          </Routes>
        </Suspense>
      </BrowserRouter>
    );
  }

  // Pages a role may not use are not rendered at all.
  const only = (roles: UserRole[], page: ReactNode) => (roles.includes(user.role) ? page : <NotAllowedPage role={user.role} />);
  const staff: UserRole[] = ['admin', 'researcher'];
  return (
    <BrowserRouter>
      <SessionContext.Provider value={{ user, logout: async () => void (await logout.mutateAsync().catch(() => undefined)) }}>
        <nav className="topbar" aria-label="Main">
          <Link to="/" className="brand">
            Ordinal
          </Link>
          <NavLink to="/" end>
            Projects
          </NavLink>
          {user.role === 'admin' && <NavLink to="/users">Users</NavLink>}
          <NavLink to="/account">Account</NavLink>
          <span className="spacer" />
          <span className="muted who">
            {user.username} · {user.role}
          </span>
          <button type="button" className="link" onClick={() => logout.mutate()}>
            Log out
          </button>
        </nav>
        <ErrorBoundary>
          <Suspense fallback={<p className="page muted">Loading…</p>}>
            <Routes>
              <Route path="/" element={<ProjectsPage />} />
              <Route path="/login" element={<Navigate to="/" replace />} />
              <Route path="/projects/new" element={only(staff, <NewProjectPage />)} />
              <Route path="/projects/:slug" element={only(staff, <ProjectLayout tab="overview" />)} />
              {(['quality', 'comparisons', 'import', 'export', 'settings'] as const).map((tab) => (
                <Route key={tab} path={`/projects/:slug/${tab}`} element={only(staff, <ProjectLayout tab={tab} />)} />
              ))}
              <Route
                path="/projects/:slug/rank"
                element={
                  <ProjectMarkdownSettings>
                    <RankingPage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route
                path="/projects/:slug/demonstrate"
                element={
                  <ProjectMarkdownSettings>
                    <DemonstrationPage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route
                path="/projects/:slug/me"
                element={
                  <ProjectMarkdownSettings>
                    <MyStatsPage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route
                path="/projects/:slug/history"
                element={
                  <ProjectMarkdownSettings>
                    <HistoryPage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route
                path="/projects/:slug/history/:comparisonId"
                element={
                  <ProjectMarkdownSettings>
                    <RevisePage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route
                path="/projects/:slug/chat"
                element={
                  <ProjectMarkdownSettings>
                    <ChatPage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route
                path="/projects/:slug/chat/:chatId"
                element={
                  <ProjectMarkdownSettings>
                    <ChatPage />
                  </ProjectMarkdownSettings>
                }
              />
              <Route path="/comparisons/:id" element={only(staff, <ComparisonPage />)} />
              <Route path="/users" element={only(['admin'], <UsersPage />)} />
              <Route path="/account" element={<AccountPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Routes>
          </Suspense>
        </ErrorBoundary>
        <SessionEndWatch />
      </SessionContext.Provider>
    </BrowserRouter>
  );
}
