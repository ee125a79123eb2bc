import { useForm } from 'react-hook-form';
import type { Login } from '#shared/users.ts';
import { setServerErrors } from '../../lib/form-errors.ts';

// On the trainer's path, so without zod (decision 0003): the fields need only be filled in, and the
// server checks them with the shared login schema, its issues landing on the fields as on every form.
const labels = { username: 'Username', password: 'Password' };

/** Focus on the page (autoFocus) and in a dialog (which moves focus to `data-autofocus` once open). */
const focusFirst = (first: boolean) => (first ? { autoFocus: true, 'data-autofocus': true } : {});

/**
 * The login form of the login page and of the dialog shown when a session ends. `username` fills
 * its field in (the person logging in again), and the password then gets the focus.
 */
export function LoginForm({ onLogin, username = '' }: { onLogin: (values: Login) => Promise<unknown>; username?: string }) {
  const form = useForm<Login>({ defaultValues: { username, password: '' } });
  const { errors, isSubmitting } = form.formState;
  const problem = errors.root?.server ?? errors.username ?? errors.password;

  const submit = form.handleSubmit(async (values) => {
    try {
      await onLogin(values);
    } catch (e) {
      setServerErrors(form, e, labels);
    }
  });

  return (
    <form onSubmit={submit} aria-label="Log in" className="form">
      <label>
        Username
        <input autoComplete="username" {...form.register('username', { required: `${labels.username} is empty` })} required {...focusFirst(!username)} />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          {...form.register('password', { required: `${labels.password} is empty` })}
          required
          {...focusFirst(Boolean(username))}
        />
      </label>
      {problem && (
        <p role="alert" className="error">
          {problem.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={isSubmitting}>
        {isSubmitting ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );
}
