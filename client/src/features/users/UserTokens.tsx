import { useId, useState } from 'react';
import type { OwnedApiToken } from '#shared/users.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { RelativeTime } from '../../components/RelativeTime.tsx';
import { errorMessage } from '../../lib/api.ts';
import { useAllTokens } from './api/get-all-tokens.ts';
import { useRevokeAnyToken } from './api/revoke-any-token.ts';

const everyone = '';

/** Every user's API tokens, for an admin: whose each is, when it was last used, and revoking any of them. */
export function UserTokens() {
  const id = useId();
  const { data: tokens, error: loadError } = useAllTokens();
  const [owner, setOwner] = useState(everyone);
  const [revoking, setRevoking] = useState<OwnedApiToken | null>(null);
  const [notice, setNotice] = useState('');
  // The list comes sorted by user, so these are too.
  const owners = [...new Set(tokens?.map((t) => t.username))];
  const shown = tokens?.filter((t) => owner === everyone || t.username === owner);

  return (
    <section aria-labelledby={`${id}-title`} className="user-tokens">
      <h2 id={`${id}-title`}>API tokens</h2>
      <p>
        Scripts use these instead of a password. Each acts as its user, with their role, until it is revoked; users make their own on their Account page, and{' '}
        <code>npx ordinal tokens create &lt;username&gt;</code> makes one on the server machine. A token not used for a long time is usually safe to revoke.
      </p>
      {loadError && (
        <p role="alert" className="error">
          {errorMessage(loadError)}
        </p>
      )}
      {!tokens && !loadError && <p className="muted">Loading…</p>}
      {tokens?.length === 0 && <p className="muted">No user has an API token.</p>}
      {tokens && tokens.length > 0 && (
        <>
          <label className="owner-filter">
            Show the tokens of
            <select value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value={everyone}>every user</option>
              {owners.map((username) => (
                <option key={username} value={username}>
                  {username}
                </option>
              ))}
            </select>
          </label>
          <p role="status" className="notice-line">
            {notice}
          </p>
          <TokensTable tokens={shown!} onRevoke={setRevoking} />
        </>
      )}
      {revoking && (
        <RevokeDialog
          token={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            setNotice(`Revoked ${revoking.username}’s token “${revoking.name}”: anything using it is refused from now on.`);
          }}
        />
      )}
    </section>
  );
}

const statusText: Record<OwnedApiToken['status'], string> = {
  active: 'Active',
  suspended: 'Suspended: its user is deactivated',
  revoked: 'Revoked',
};

function TokensTable({ tokens, onRevoke }: { tokens: OwnedApiToken[]; onRevoke: (token: OwnedApiToken) => void }) {
  return (
    <table aria-label="API tokens of every user" className="users-table">
      <thead>
        <tr>
          <th scope="col">User</th>
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
          <tr key={t.id} className={t.status === 'active' ? undefined : 'inactive'}>
            <td>{t.username}</td>
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
              {statusText[t.status]} {t.revokedAt && <RelativeTime iso={t.revokedAt} />}
            </td>
            <td>
              {t.status !== 'revoked' && (
                <button type="button" onClick={() => onRevoke(t)} aria-label={`Revoke ${t.username}’s token “${t.name}”`}>
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

function RevokeDialog({ token, onClose, onRevoked }: { token: OwnedApiToken; onClose: () => void; onRevoked: () => void }) {
  const revoke = useRevokeAnyToken();
  const error = revoke.error ? errorMessage(revoke.error) : null;

  return (
    <Dialog title={`Revoke ${token.username}’s token “${token.name}”?`} onClose={onClose}>
      <p>
        Anything using this token ({token.prefix}…) is refused from its next request on. This cannot be undone: {token.username} can create a new token on their
        Account page.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={revoke.isPending} onClick={() => revoke.mutate(token.id, { onSuccess: onRevoked })}>
          Revoke token
        </button>
      </div>
    </Dialog>
  );
}
