import { Link } from 'react-router';
import type { UserRole } from '#shared/users.ts';
import { useDocumentTitle } from '../lib/use-document-title.ts';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <main className="page">
      <h1>Not found</h1>
      <p>This page does not exist, or your account may not open it.</p>
      <Link to="/">Back to projects</Link>
    </main>
  );
}

/** Shown instead of a page the user's role may not use; the server refuses its API calls anyway. */
export function NotAllowedPage({ role }: { role: UserRole }) {
  useDocumentTitle('Not allowed');
  return (
    <main className="page">
      <h1>Not allowed</h1>
      <p role="alert">Your account ({role}) is not allowed to open this page.</p>
      <Link to="/">Back to projects</Link>
    </main>
  );
}
