import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useLogin } from './api/login.ts';
import { LoginForm } from './LoginForm.tsx';

export function LoginPage() {
  const login = useLogin();
  useDocumentTitle('Log in');
  return (
    <main className="login">
      <h1>Ordinal</h1>
      <LoginForm onLogin={login.mutateAsync} />
    </main>
  );
}
