import { useId, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { createUserSchema, passwordSchema, roleSchema, type CreateUser, type User, type UserRole } from '#shared/users.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { RelativeTime } from '../../components/RelativeTime.tsx';
import { SecretValue } from '../../components/SecretValue.tsx';
import { ApiError, errorMessage } from '../../lib/api.ts';
import { setServerErrors } from '../../lib/form-errors.ts';
import { formResolver } from '../../lib/form-resolver.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useSession } from '../auth/session.tsx';
import { useCreateUser } from './api/create-user.ts';
import { useUsers } from './api/get-users.ts';
import { useUpdateUser } from './api/update-user.ts';
import { UserTokens } from './UserTokens.tsx';
import './users.css';

const roles = roleSchema.options;
const roleHelp: Record<UserRole, string> = {
  trainer: 'ranks answers',
  researcher: 'also sets up projects and exports',
  admin: 'also manages users',
};

/** 64 letters, digits, dash and underscore: a random byte modulo 64 picks one without bias. */
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
const generatePassword = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => alphabet[b % 64]).join('');

type Action = { kind: 'password' | 'active'; user: User };

/** Admins manage accounts here; anyone else is told plainly that they are not allowed. */
export function UsersPage() {
  const { user } = useSession();
  useDocumentTitle('Users');
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
  const { data: users, error: loadError } = useUsers();
  const [notice, setNotice] = useState('');
  const [action, setAction] = useState<Action | null>(null);

  const roleSaved = (user: User) => setNotice(`${user.username} is now ${user.role === 'admin' ? 'an' : 'a'} ${user.role}.`);

  if (loadError instanceof ApiError && loadError.status === 403) return <NotAllowed />;
  if (!users && loadError)
    return (
      <p role="alert" className="page error">
        {errorMessage(loadError)}
      </p>
    );
  if (!users) return <p className="page muted">Loading…</p>;
  return (
    <main className="page users">
      <h1>Users</h1>
      <p role="status" className="notice-line">
        {notice}
      </p>
      <table aria-label="Users" className="boxed">
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
            <UserRow key={u.id} user={u} isMe={u.username === me} onRoleSaved={roleSaved} onAction={(kind) => setAction({ kind, user: u })} />
          ))}
        </tbody>
      </table>
      <CreateUserForm
        onCreated={(created) => {
          setNotice(`Created ${created.role} ${created.username}. Give them their password; they can change it on their Account page.`);
        }}
      />
      <UserTokens />
      {action?.kind === 'password' && <ResetPasswordDialog user={action.user} onClose={() => setAction(null)} />}
      {action?.kind === 'active' && (
        <ActiveDialog
          user={action.user}
          onClose={() => setAction(null)}
          onDone={(updated) => {
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
  onRoleSaved,
  onAction,
}: {
  user: User;
  isMe: boolean;
  onRoleSaved: (user: User) => void;
  onAction: (kind: Action['kind']) => void;
}) {
  return (
    <tr className={user.active ? undefined : 'inactive'}>
      <th scope="row">
        {user.username}
        {isMe && <span className="muted"> (you)</span>}
      </th>
      <td>{isMe ? user.role : <RoleControl user={user} onSaved={onRoleSaved} />}</td>
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
            <button type="button" onClick={() => onAction('password')}>
              Reset password
            </button>
            <button type="button" onClick={() => onAction('active')}>
              {user.active ? 'Deactivate' : 'Reactivate'}
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

/**
 * A role picker that changes nothing until "Save role": arrowing through a select must not promote
 * anyone. A refusal (the last active admin keeps the role) is shown beside it.
 */
function RoleControl({ user, onSaved }: { user: User; onSaved: (user: User) => void }) {
  const errorId = useId();
  const update = useUpdateUser();
  const [role, setRole] = useState<UserRole>(user.role);
  const error = update.error ? errorMessage(update.error) : null;
  const save = () => update.mutate({ username: user.username, role }, { onSuccess: onSaved });
  return (
    <div className="role-control">
      <select
        aria-label={`Role of ${user.username}`}
        value={role}
        disabled={update.isPending}
        onChange={(e) => {
          update.reset();
          setRole(roleSchema.parse(e.target.value));
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {role !== user.role && (
        <button type="button" className="primary" disabled={update.isPending} onClick={save}>
          Save role
        </button>
      )}
      {error && (
        <p id={errorId} role="alert" className="error field-error">
          {error}
        </p>
      )}
    </div>
  );
}

const createLabels = { username: 'Username', role: 'Role', password: 'Password' };
type CreateField = keyof typeof createLabels;

function CreateUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const id = useId();
  const create = useCreateUser();
  const [showPassword, setShowPassword] = useState(false);
  const form = useForm<CreateUser>({ resolver: formResolver(createUserSchema, createLabels), defaultValues: { username: '', role: 'trainer', password: '' } });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    try {
      onCreated(await create.mutateAsync(values));
      form.reset({ ...form.getValues(), username: '', password: '' });
      setShowPassword(false);
    } catch (e) {
      setServerErrors(form, e, createLabels);
    }
  });

  const invalid = (field: CreateField) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});
  const fieldError = (field: CreateField) =>
    errors[field] && (
      <p id={`${id}-${field}-error`} className="error field-error">
        {errors[field].message}
      </p>
    );

  return (
    <section aria-labelledby={`${id}-title`} className="create-user">
      <h2 id={`${id}-title`}>Create a user</h2>
      <form onSubmit={submit} noValidate>
        <label>
          {createLabels.username}
          <input autoComplete="off" {...form.register('username')} {...invalid('username')} />
        </label>
        {fieldError('username')}
        <label>
          {createLabels.role}
          <select {...form.register('role')}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}: {roleHelp[r]}
              </option>
            ))}
          </select>
        </label>
        {fieldError('role')}
        <label>
          Initial password
          <input type={showPassword ? 'text' : 'password'} autoComplete="new-password" {...form.register('password')} {...invalid('password')} />
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
              form.setValue('password', generatePassword());
              setShowPassword(true);
            }}
          >
            Suggest a password
          </button>
        </div>
        {errors.root?.server && (
          <p role="alert" className="error">
            {errors.root.server.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={isSubmitting}>
            {isSubmitting ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The reset form takes a password, always: the shared update schema's is optional. */
const resetSchema = z.strictObject({ password: passwordSchema });
const resetLabels = { password: 'New password' };

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const errorId = useId();
  const update = useUpdateUser();
  const [saved, setSaved] = useState<string | null>(null);
  const form = useForm<z.infer<typeof resetSchema>>({ resolver: formResolver(resetSchema, resetLabels), defaultValues: { password: generatePassword() } });
  const { errors, isSubmitting } = form.formState;
  const fieldError = errors.password?.message;

  const submit = form.handleSubmit(async ({ password }) => {
    try {
      await update.mutateAsync({ username: user.username, password });
      setSaved(password);
    } catch (e) {
      setServerErrors(form, e, resetLabels);
    }
  });

  return (
    <Dialog title={`Reset the password of ${user.username}`} onClose={onClose}>
      {saved ? (
        <>
          <SecretValue label={`New password for ${user.username}`} value={saved} />
          <p>
            It will not be shown again: copy it now and give it to {user.username}. They were logged out everywhere, their API tokens were revoked, and they log
            in with this password from now on.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} noValidate className="dialog-form">
          <p>
            {user.username} will be logged out everywhere, their API tokens will be revoked, and they must use the new password next time. Their past answers
            are not touched.
          </p>
          <label>
            New password
            <input
              autoComplete="off"
              spellCheck={false}
              {...form.register('password')}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? errorId : undefined}
            />
            <span className="hint">A random one is filled in; you may type your own (at least 10 characters).</span>
          </label>
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
          <div className="actions">
            <button type="button" onClick={() => form.setValue('password', generatePassword())}>
              Generate another
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={isSubmitting}>
              {isSubmitting ? 'Resetting…' : 'Reset password'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function ActiveDialog({ user, onClose, onDone }: { user: User; onClose: () => void; onDone: (user: User) => void }) {
  const update = useUpdateUser();
  const deactivating = user.active;
  const verb = deactivating ? 'Deactivate' : 'Reactivate';
  const error = update.error ? errorMessage(update.error) : null;
  const busy = update.isPending;

  const confirm = () => update.mutate({ username: user.username, active: !deactivating }, { onSuccess: onDone });

  return (
    <Dialog title={`${verb} ${user.username}?`} onClose={onClose}>
      {deactivating ? (
        <p>
          {user.username} will be logged out at once and can no longer log in or use their API tokens. Their past answers stay: the rankings they submitted
          remain in the projects and in exports. You can reactivate them later.
        </p>
      ) : (
        <p>{user.username} will be able to log in again with their current password. Their past answers are where they were.</p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={busy} onClick={confirm}>
          {verb}
        </button>
      </div>
    </Dialog>
  );
}
