import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { changePasswordSchema, createTokenSchema, type ApiToken } from '#shared/users.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { SecretValue } from '../../components/SecretValue.tsx';
import { RevokeTokenDialog, TokensTable } from '../../components/TokensTable.tsx';
import { errorMessage } from '../../lib/api.ts';
import { setServerErrors } from '../../lib/form-errors.ts';
import { formResolver } from '../../lib/form-resolver.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useSession } from '../auth/session.tsx';
import { useChangePassword } from './api/change-password.ts';
import { useCreateToken, type CreateToken } from './api/create-token.ts';
import { useTokens } from './api/get-tokens.ts';
import { useRevokeToken } from './api/revoke-token.ts';
import './account.css';

/** One's own account: password and API tokens. Open to every logged-in user. */
export function AccountPage() {
  const { user } = useSession();
  useDocumentTitle('Account');
  return (
    <main className="page account">
      <h1>Account</h1>
      <p className="muted">
        Logged in as {user.username} ({user.role}).
      </p>
      <ChangePasswordForm username={user.username} />
      <ApiTokens />
    </main>
  );
}

const passwordLabels = { currentPassword: 'Current password', newPassword: 'New password', repeat: 'Repeat the new password' };
type PasswordField = keyof typeof passwordLabels;

/** The API's schema plus the repeat, checked even while other fields are wrong. */
const passwordFormSchema = changePasswordSchema
  .extend({ repeat: z.string() })
  .refine((v) => v.repeat === v.newPassword, { path: ['repeat'], message: 'The two new passwords are not the same.', when: () => true })
  // The server keeps API tokens when the password does not change; a change here always revokes them.
  .refine((v) => v.newPassword !== v.currentPassword, { path: ['newPassword'], message: 'The new password is the same as the current one.' });
type PasswordForm = z.input<typeof passwordFormSchema>;

function ChangePasswordForm({ username }: { username: string }) {
  const id = useId();
  const change = useChangePassword();
  const [done, setDone] = useState(false);
  const form = useForm<PasswordForm>({
    resolver: formResolver(passwordFormSchema, passwordLabels),
    defaultValues: { currentPassword: '', newPassword: '', repeat: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const save = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    try {
      await change.mutateAsync({ currentPassword, newPassword });
      form.reset();
      setDone(true);
    } catch (e) {
      setServerErrors(form, e, passwordLabels);
    }
  });

  // A new attempt hides the last one's confirmation, whether or not it passes the checks.
  const submit = (event: React.FormEvent) => {
    setDone(false);
    return save(event);
  };

  const field = (name: PasswordField, autoComplete: string) => (
    <>
      <label>
        {passwordLabels[name]}
        <input
          type="password"
          autoComplete={autoComplete}
          {...form.register(name)}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
        />
      </label>
      {errors[name] && (
        <p id={`${id}-${name}-error`} className="error field-error">
          {errors[name].message}
        </p>
      )}
    </>
  );

  return (
    <section aria-labelledby={`${id}-title`} className="account-section">
      <h2 id={`${id}-title`}>Change your password</h2>
      <form onSubmit={submit} noValidate className="password-form">
        {/* Lets password managers know whose password this is. */}
        <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
        {field('currentPassword', 'current-password')}
        {field('newPassword', 'new-password')}
        {field('repeat', 'new-password')}
        {errors.root?.server && (
          <p role="alert" className="error">
            {errors.root.server.message}
          </p>
        )}
        <p role="status" className="status-line">
          {done && 'Password changed; your other sessions were logged out and your API tokens were revoked.'}
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={isSubmitting}>
            {isSubmitting ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}

function ApiTokens() {
  const id = useId();
  const { data: tokens, error: loadError } = useTokens();
  const error = loadError ? errorMessage(loadError) : null;
  const [created, setCreated] = useState<{ token: string; apiToken: ApiToken } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useRevokeToken();

  return (
    <section aria-labelledby={`${id}-title`} className="account-section">
      <h2 id={`${id}-title`}>API tokens</h2>
      <p>Scripts and the command line use an API token instead of your password. A token acts as you, with your role, until you revoke it.</p>
      <Usage />
      <CreateTokenForm onCreated={setCreated} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!tokens && !error && <p className="muted">Loading…</p>}
      {tokens?.length === 0 && <p className="muted">You have no API tokens yet.</p>}
      {tokens && tokens.length > 0 && <TokensTable tokens={tokens} label="Your API tokens" onRevoke={setRevoking} />}
      {created && <NewTokenDialog token={created.token} name={created.apiToken.name} onClose={() => setCreated(null)} />}
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          consequence="This cannot be undone; create a new token if you need one."
          revoke={revoke}
          onClose={() => setRevoking(null)}
          onRevoked={() => setRevoking(null)}
        />
      )}
    </section>
  );
}

function Usage() {
  return (
    <div className="token-usage">
      <p>Send the token in the Authorization header, for example:</p>
      <pre>
        <code>{`curl -H "Authorization: Bearer <token>" ${window.location.origin}/api/v1/projects`}</code>
      </pre>
    </div>
  );
}

const tokenLabels = { name: 'Token name' };

function CreateTokenForm({ onCreated }: { onCreated: (result: { token: string; apiToken: ApiToken }) => void }) {
  const errorId = useId();
  const create = useCreateToken();
  const form = useForm<CreateToken>({ resolver: formResolver(createTokenSchema, tokenLabels), defaultValues: { name: '' } });
  const { errors, isSubmitting } = form.formState;
  const fieldError = errors.name?.message;

  const submit = form.handleSubmit(async (values) => {
    try {
      onCreated(await create.mutateAsync(values));
      form.reset();
    } catch (e) {
      setServerErrors(form, e, tokenLabels);
    }
  });

  return (
    <form onSubmit={submit} noValidate className="token-form">
      <label>
        Token name
        <input
          {...form.register('name')}
          placeholder="e.g. export script"
          maxLength={100}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? errorId : undefined}
        />
        <span className="hint">So you can tell your tokens apart later.</span>
      </label>
      <button type="submit" className="primary" disabled={isSubmitting}>
        {isSubmitting ? 'Creating…' : 'Create token'}
      </button>
      {fieldError && (
        <p id={errorId} className="error field-error">
          {fieldError}
        </p>
      )}
      {errors.root?.server && (
        <p role="alert" className="error">
          {errors.root.server.message}
        </p>
      )}
    </form>
  );
}

function NewTokenDialog({ token, name, onClose }: { token: string; name: string; onClose: () => void }) {
  return (
    <Dialog title="Your new API token" onClose={onClose}>
      <SecretValue label={`Token “${name}”`} value={token} />
      <p>
        <strong>It will not be shown again.</strong> Copy it now and keep it somewhere safe, such as a password manager. If you lose it, revoke it and create a
        new one.
      </p>
      <Usage />
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
