import { useQueryClient } from '@tanstack/react-query';
import type { Login } from '#shared/users.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { sessionQueryKey } from './api/get-session.ts';
import { login } from './api/login.ts';
import { LoginForm } from './LoginForm.tsx';
import { useSession } from './session.tsx';

/**
 * Logging in again over the page once the session has ended: the page stays as it was (a half-done
 * ranking, a demonstration being written) and the trainer repeats what the server refused.
 * Someone else logging in here starts afresh on their home page, so that nothing read as the
 * previous user stays on screen.
 */
export function LogInAgainDialog({ onClose }: { onClose: () => void }) {
  const { user } = useSession();
  const queryClient = useQueryClient();

  const logInAgain = async (values: Login) => {
    const now = await login(values);
    if (now.id !== user.id) {
      window.location.assign('/');
      return;
    }
    queryClient.setQueryData(sessionQueryKey, now);
    // What failed to load for want of a session loads now; what did load stays as it is, drafts and held comparisons included.
    void queryClient.refetchQueries({ type: 'active', predicate: (query) => query.state.status === 'error' });
    onClose();
  };

  return (
    <Dialog title="Your session has ended" onClose={onClose}>
      <p>
        You were logged out (your password was changed, your account was changed, or you were away a long time). Log in again to carry on: your work on this
        page is kept. Then do again what you were doing, such as pressing Submit.
      </p>
      <LoginForm username={user.username} onLogin={logInAgain} />
    </Dialog>
  );
}
