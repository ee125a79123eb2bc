import { useEffect, useId, useState, type FormEvent } from 'react';
import { changePasswordSchema, createTokenSchema, type ApiToken } from '#shared/users.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { RelativeTime } from '../../components/RelativeTime.tsx';
import { SecretValue } from '../../components/SecretValue.tsx';
import { errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/form.ts';
import { useSession } from '../auth/session.tsx';
import { changePassword, createToken, fetchTokens, revokeToken } from './api.ts';
import './account.css';

/** One's own account: password and API tokens. Open to every logged-in user. */
export function AccountPage() {
  const { user } = useSession();
  // A password change revokes every token: the list below is read again so it shows them revoked.
  const [passwordChanges, setPasswordChanges] = useState(0);
  return (
    <main className="page account">
      <h1>Account</h1>
      <p className="muted">
        Logged in as {user.username} ({user.role}).
      </p>
      <ChangePasswordForm username={user.username} onChanged={() => setPasswordChanges((n) => n + 1)} />
      <ApiTokens key={passwordChanges} />
    </main>
  );
}

const passwordLabels = { currentPassword: 'Current password', newPassword: 'New password', repeat: 'Repeat the new password' };
type PasswordField = keyof typeof passwordLabels;

function ChangePasswordForm({ username, onChanged }: { username: string; onChanged: () => void }) {
  const id = useId();
  const [values, setValues] = useState<Record<PasswordField, string>>({ currentPassword: '', newPassword: '', repeat: '' });
  const [errors, setErrors] = useState<Partial<Record<PasswordField | 'form', string>>>({});
  const [apiError, setApiError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setApiError(null);
    setDone(false);
    const parsed = changePasswordSchema.safeParse({ currentPassword: values.currentPassword, newPassword: values.newPassword });
    const found = parsed.success ? {} : fieldErrors(parsed.error, passwordLabels);
    if (values.repeat !== values.newPassword) found.repeat = 'The two new passwords are not the same.';
    // The server keeps API tokens when the password does not change; a change here always revokes them.
    if (!found.newPassword && values.newPassword === values.currentPassword) found.newPassword = 'The new password is the same as the current one.';
    setErrors(found);
    if (!parsed.success || found.repeat || found.newPassword) return;
    setBusy(true);
    try {
      await changePassword(parsed.data);
      setValues({ currentPassword: '', newPassword: '', repeat: '' });
      setDone(true);
      onChanged();
    } catch (e) {
      setApiError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: PasswordField, autoComplete: string) => (
    <>
      <label>
        {passwordLabels[name]}
        <input
          name={name}
          type="password"
          autoComplete={autoComplete}
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
          aria-invalid={errors[name] ? true : undefined}
          aria-describedby={errors[name] ? `${id}-${name}-error` : undefined}
        />
      </label>
      {errors[name] && <p id={`${id}-${name}-error`} className="error field-error">{errors[name]}</p>}
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
        {errors.form && <p className="error field-error">{errors.form}</p>}
        {apiError && <p role="alert" className="error">{apiError}</p>}
        <p role="status" className="status-line">{done && 'Password changed; your other sessions were logged out and your API tokens were revoked.'}</p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Changing…' : 'Change password'}</button>
        </div>
      </form>
    </section>
  );
}

function ApiTokens() {
  const id = useId();
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ token: string; apiToken: ApiToken } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  useEffect(() => {
    fetchTokens().then(setTokens, (e) => setError(errorMessage(e)));
  }, []);

  return (
    <section aria-labelledby={`${id}-title`} className="account-section">
      <h2 id={`${id}-title`}>API tokens</h2>
      <p>
        Scripts and the command line use an API token instead of your password. A token acts as you, with your role, until you
        revoke it.
      </p>
      <Usage />
      <CreateTokenForm
        onCreated={(result) => {
          setTokens((list) => [result.apiToken, ...(list ?? [])]);
          setCreated(result);
        }}
      />
      {error && <p role="alert" className="error">{error}</p>}
      {!tokens && !error && <p className="muted">Loading…</p>}
      {tokens?.length === 0 && <p className="muted">You have no API tokens yet.</p>}
      {tokens && tokens.length > 0 && <TokensTable tokens={tokens} onRevoke={setRevoking} />}
      {created && <NewTokenDialog token={created.token} name={created.apiToken.name} onClose={() => setCreated(null)} />}
      {revoking && (
        <RevokeDialog
          token={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={async () => {
            setRevoking(null);
            try {
              setTokens(await fetchTokens());
            } catch (e) {
              setError(errorMessage(e));
            }
          }}
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

function CreateTokenForm({ onCreated }: { onCreated: (result: { token: string; apiToken: ApiToken }) => void }) {
  const errorId = useId();
  const [name, setName] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [apiError, setApiError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setApiError(null);
    const parsed = createTokenSchema.safeParse({ name });
    setFieldError(parsed.success ? null : (fieldErrors(parsed.error, { name: 'Token name' }).name ?? null));
    if (!parsed.success) return;
    setBusy(true);
    try {
      onCreated(await createToken(parsed.data));
      setName('');
    } catch (e) {
      setApiError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="token-form">
      <label>
        Token name
        <input
          name="token-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. export script"
          maxLength={100}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? errorId : undefined}
        />
        <span className="hint">So you can tell your tokens apart later.</span>
      </label>
      <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create token'}</button>
      {fieldError && <p id={errorId} className="error field-error">{fieldError}</p>}
      {apiError && <p role="alert" className="error">{apiError}</p>}
    </form>
  );
}

function TokensTable({ tokens, onRevoke }: { tokens: ApiToken[]; onRevoke: (token: ApiToken) => void }) {
  return (
    <table aria-label="Your API tokens" className="tokens-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Token</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr key={t.id} className={t.revokedAt ? 'revoked' : undefined}>
            <th scope="row">{t.name}</th>
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>
              <RelativeTime iso={t.createdAt} />
            </td>
            <td>
              <RelativeTime iso={t.lastUsedAt} />
            </td>
            <td>
              {t.revokedAt ? (
                <>
                  Revoked <RelativeTime iso={t.revokedAt} />
                </>
              ) : (
                'Active'
              )}
            </td>
            <td>
              {!t.revokedAt && (
                <button type="button" onClick={() => onRevoke(t)}>
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function NewTokenDialog({ token, name, onClose }: { token: string; name: string; onClose: () => void }) {
  return (
    <Dialog title="Your new API token" onClose={onClose}>
      <SecretValue label={`Token “${name}”`} value={token} />
      <p>
        <strong>It will not be shown again.</strong> Copy it now and keep it somewhere safe, such as a password manager. If you
        lose it, revoke it and create a new one.
      </p>
      <Usage />
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>Done</button>
      </div>
    </Dialog>
  );
}

function RevokeDialog({ token, onClose, onRevoked }: { token: ApiToken; onClose: () => void; onRevoked: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await revokeToken(token.id);
      onRevoked();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Revoke the token “${token.name}”?`} onClose={onClose}>
      <p>
        Anything using this token ({token.prefix}…) stops working at once. This cannot be undone; create a new token if you need
        one.
      </p>
      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
          Revoke token
        </button>
      </div>
    </Dialog>
  );
}
