import { useEffect, useId, useState, type FormEvent } from 'react';
import { createUserSchema, roleSchema, updateUserSchema, type User, type UserRole } from '#shared/users.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { RelativeTime } from '../../components/RelativeTime.tsx';
import { SecretValue } from '../../components/SecretValue.tsx';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { fieldErrors } from '../../lib/form.ts';
import { useSession } from '../auth/session.tsx';
import { createUser, fetchUsers, updateUser } from './api.ts';
import './users.css';

const roles = roleSchema.options;
const roleHelp: Record<UserRole, string> = {
  trainer: 'ranks answers',
  researcher: 'also sets up projects and exports',
  admin: 'also manages users',
};

const byUsername = (a: User, b: User) => a.username.localeCompare(b.username);

/** 64 letters, digits, dash and underscore: a random byte modulo 64 picks one without bias. */
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
const generatePassword = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => alphabet[b % 64]).join('');

type Action = { kind: 'password' | 'active'; user: User };

/** Admins manage accounts here; anyone else is told plainly that they are not allowed. */
export function UsersPage() {
  const { user } = useSession();
  if (user.role !== 'admin') return <NotAllowed />;
  return <UserAdmin me={user.username} />;
}

function NotAllowed() {
  return (
    <main className="page">
      <h1>Users</h1>
      <p role="alert" className="error">
        Your account is not allowed to manage users. Only admins can; ask one if an account needs changing.
      </p>
    </main>
  );
}

function UserAdmin({ me }: { me: string }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [action, setAction] = useState<Action | null>(null);

  useEffect(() => {
    fetchUsers().then(setUsers, (e) => (e instanceof ApiError && e.status === 403 ? setForbidden(true) : setError(errorMessage(e))));
  }, []);

  const replace = (updated: User) => setUsers((list) => list?.map((u) => (u.id === updated.id ? updated : u)) ?? null);

  const saveRole = async (user: User, role: UserRole) => {
    setError(null);
    try {
      replace(await updateUser(user.username, { role }));
      setNotice(`${user.username} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (forbidden) return <NotAllowed />;
  if (!users && error) return <p role="alert" className="page error">{error}</p>;
  if (!users) return <p className="page muted">Loading…</p>;
  return (
    <main className="page users">
      <h1>Users</h1>
      {error && <p role="alert" className="error">{error}</p>}
      <p role="status" className="notice-line">{notice}</p>
      <table aria-label="Users" className="users-table">
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Last activity</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <UserRow key={u.id} user={u} isMe={u.username === me} onSaveRole={saveRole} onAction={(kind) => setAction({ kind, user: u })} />
          ))}
        </tbody>
      </table>
      <CreateUserForm
        onCreated={(created) => {
          setUsers((list) => [...(list ?? []), created].sort(byUsername));
          setNotice(`Created ${created.role} ${created.username}. Give them their password; they can change it on their Account page.`);
        }}
      />
      {action?.kind === 'password' && <ResetPasswordDialog user={action.user} onClose={() => setAction(null)} onDone={replace} />}
      {action?.kind === 'active' && (
        <ActiveDialog
          user={action.user}
          onClose={() => setAction(null)}
          onDone={(updated) => {
            replace(updated);
            setAction(null);
            setNotice(updated.active ? `${updated.username} can log in again.` : `${updated.username} is deactivated; their past answers stay.`);
          }}
        />
      )}
    </main>
  );
}

function UserRow({
  user,
  isMe,
  onSaveRole,
  onAction,
}: {
  user: User;
  isMe: boolean;
  onSaveRole: (user: User, role: UserRole) => Promise<void>;
  onAction: (kind: Action['kind']) => void;
}) {
  return (
    <tr className={user.active ? undefined : 'inactive'}>
      <th scope="row">
        {user.username}
        {isMe && <span className="muted"> (you)</span>}
      </th>
      <td>{isMe ? user.role : <RoleControl user={user} onSave={onSaveRole} />}</td>
      <td>{user.active ? 'Active' : <span className="badge">Deactivated</span>}</td>
      <td>
        <RelativeTime iso={user.lastActiveAt} />
      </td>
      <td>
        <RelativeTime iso={user.createdAt} />
      </td>
      <td>
        {isMe ? (
          <span className="muted">Change your own password on the Account page.</span>
        ) : (
          <div className="row-actions">
            <button type="button" onClick={() => onAction('password')}>Reset password</button>
            <button type="button" onClick={() => onAction('active')}>{user.active ? 'Deactivate' : 'Reactivate'}</button>
          </div>
        )}
      </td>
    </tr>
  );
}

/** A role picker that changes nothing until "Save role": arrowing through a select must not promote anyone. */
function RoleControl({ user, onSave }: { user: User; onSave: (user: User, role: UserRole) => Promise<void> }) {
  const [role, setRole] = useState<UserRole>(user.role);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    await onSave(user, role);
    setBusy(false);
  };
  return (
    <div className="role-control">
      <select aria-label={`Role of ${user.username}`} value={role} disabled={busy} onChange={(e) => setRole(roleSchema.parse(e.target.value))}>
        {roles.map((r) => (
          <option key={r} value={r}>{r}</option>
        ))}
      </select>
      {role !== user.role && (
        <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
          Save role
        </button>
      )}
    </div>
  );
}

const createLabels = { username: 'Username', role: 'Role', password: 'Password' };
type CreateErrors = Partial<Record<keyof typeof createLabels | 'form', string>>;

function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<UserRole>('trainer');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [errors, setErrors] = useState<CreateErrors>({});
  const [apiError, setApiError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setApiError(null);
    const parsed = createUserSchema.safeParse({ username, role, password });
    setErrors(parsed.success ? {} : fieldErrors(parsed.error, createLabels));
    if (!parsed.success) return;
    setBusy(true);
    try {
      onCreated(await createUser(parsed.data));
      setUsername('');
      setPassword('');
      setShowPassword(false);
    } catch (e) {
      setApiError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: keyof typeof createLabels) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {};
  const fieldError = (field: keyof typeof createLabels) =>
    errors[field] && <p id={`${id}-${field}-error`} className="error field-error">{errors[field]}</p>;

  return (
    <section aria-labelledby={`${id}-title`} className="create-user">
      <h2 id={`${id}-title`}>Create a user</h2>
      <form onSubmit={submit} noValidate>
        <label>
          {createLabels.username}
          <input name="username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} {...invalid('username')} />
        </label>
        {fieldError('username')}
        <label>
          {createLabels.role}
          <select name="role" value={role} onChange={(e) => setRole(roleSchema.parse(e.target.value))}>
            {roles.map((r) => (
              <option key={r} value={r}>{r}: {roleHelp[r]}</option>
            ))}
          </select>
        </label>
        {fieldError('role')}
        <label>
          Initial password
          <input
            name="password"
            type={showPassword ? 'text' : 'password'}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            {...invalid('password')}
          />
          <span className="hint">At least 10 characters. Tell it to the user; they can change it on their Account page.</span>
        </label>
        {fieldError('password')}
        <div className="password-tools">
          <label className="toggle">
            <input type="checkbox" checked={showPassword} onChange={(e) => setShowPassword(e.target.checked)} />
            Show password
          </label>
          <button
            type="button"
            className="link"
            onClick={() => {
              setPassword(generatePassword());
              setShowPassword(true);
            }}
          >
            Suggest a password
          </button>
        </div>
        {errors.form && <p className="error field-error">{errors.form}</p>}
        {apiError && <p role="alert" className="error">{apiError}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create user'}</button>
        </div>
      </form>
    </section>
  );
}

function ResetPasswordDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: (user: User) => void }) {
  const errorId = useId();
  const [password, setPassword] = useState(generatePassword);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [apiError, setApiError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setApiError(null);
    const parsed = updateUserSchema.safeParse({ password });
    setFieldError(parsed.success ? null : (fieldErrors(parsed.error, { password: 'New password' }).password ?? null));
    if (!parsed.success) return;
    setBusy(true);
    try {
      onDone(await updateUser(user.username, parsed.data));
      setSaved(password);
    } catch (e) {
      setApiError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Reset the password of ${user.username}`} onClose={onClose}>
      {saved ? (
        <>
          <SecretValue label={`New password for ${user.username}`} value={saved} />
          <p>
            It will not be shown again: copy it now and give it to {user.username}. They were logged out everywhere, their API tokens
            were revoked, and they log in with this password from now on.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={onClose}>Done</button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} noValidate className="dialog-form">
          <p>
            {user.username} will be logged out everywhere, their API tokens will be revoked, and they must use the new password next
            time. Their past answers are not touched.
          </p>
          <label>
            New password
            <input
              name="new-password"
              autoComplete="off"
              spellCheck={false}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? errorId : undefined}
            />
            <span className="hint">A random one is filled in; you may type your own (at least 10 characters).</span>
          </label>
          {fieldError && <p id={errorId} className="error field-error">{fieldError}</p>}
          {apiError && <p role="alert" className="error">{apiError}</p>}
          <div className="actions">
            <button type="button" onClick={() => setPassword(generatePassword())}>Generate another</button>
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={busy}>{busy ? 'Resetting…' : 'Reset password'}</button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function ActiveDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: (user: User) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const deactivating = user.active;
  const verb = deactivating ? 'Deactivate' : 'Reactivate';

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await updateUser(user.username, { active: !deactivating }));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`${verb} ${user.username}?`} onClose={onClose}>
      {deactivating ? (
        <p>
          {user.username} will be logged out at once and can no longer log in or use their API tokens. Their past answers stay:
          the rankings they submitted remain in the projects and in exports. You can reactivate them later.
        </p>
      ) : (
        <p>{user.username} will be able to log in again with their current password. Their past answers are where they were.</p>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
          {verb}
        </button>
      </div>
    </Dialog>
  );
}
