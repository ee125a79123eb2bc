import { useForm } from 'react-hook-form';
import type { Login } from '#shared/users.ts';
import { setServerErrors } from '../../lib/form-errors.ts';
import { useLogin } from './api/login.ts';

// On the trainer's path, so without zod (decision 0003): the fields need only be filled in, and the
// server checks them with the shared login schema, its issues landing on the fields as on every form.
const labels = { username: 'Username', password: 'Password' };

export function LoginPage() {
  const login = useLogin();
  const form = useForm<Login>({ defaultValues: { username: '', password: '' } });
  const { errors, isSubmitting } = form.formState;
  const problem = errors.root?.server ?? errors.username ?? errors.password;

  const submit = form.handleSubmit(async (values) => {
    try {
      await login.mutateAsync(values);
    } catch (e) {
      setServerErrors(form, e, labels);
    }
  });

  return (
    <main className="login">
      <h1>Ordinal</h1>
      <form onSubmit={submit} aria-label="Log in">
        <label>
          Username
          <input autoComplete="username" {...form.register('username', { required: `${labels.username} is empty` })} required autoFocus />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" {...form.register('password', { required: `${labels.password} is empty` })} required />
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
    </main>
  );
}
