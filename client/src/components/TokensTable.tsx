import type { UseMutationResult } from '@tanstack/react-query';
import type { ApiToken, OwnedApiToken } from '#shared/users.ts';
import { errorMessage } from '../lib/api.ts';
import { Dialog } from './Dialog.tsx';
import { RelativeTime } from './RelativeTime.tsx';

/** One's own tokens (Account page) or every user's (Users page, for an admin), which also name their owner. */
type Token = ApiToken | OwnedApiToken;

const isOwned = (token: Token): token is OwnedApiToken => 'username' in token;

/** "alice’s token “ci”" for an admin's list, "the token “ci”" for one's own. */
export const tokenTitle = (token: Token) => `${isOwned(token) ? `${token.username}’s` : 'the'} token “${token.name}”`;

const statusText: Record<OwnedApiToken['status'], string> = {
  active: 'Active',
  suspended: 'Suspended: its user is deactivated',
  revoked: 'Revoked',
};

/** A list of API tokens with when each was made and last used, and a Revoke button on each one still in force. */
export function TokensTable<T extends Token>({ tokens, label, onRevoke }: { tokens: T[]; label: string; onRevoke: (token: T) => void }) {
  const withOwner = tokens.some(isOwned);
  return (
    <table aria-label={label} className="boxed">
      <thead>
        <tr>
          {withOwner && <th scope="col">User</th>}
          <th scope="col">Name</th>
          <th scope="col">Token</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Status</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => {
          const status = isOwned(t) ? t.status : t.revokedAt ? 'revoked' : 'active';
          return (
            <tr key={t.id} className={status === 'active' ? undefined : 'inactive'}>
              {withOwner && <td>{isOwned(t) && t.username}</td>}
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
                {statusText[status]} {t.revokedAt && <RelativeTime iso={t.revokedAt} />}
              </td>
              <td>
                {status !== 'revoked' && (
                  <button type="button" onClick={() => onRevoke(t)} aria-label={`Revoke ${tokenTitle(t)}`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Asks before revoking a token, with what follows, and shows why a revocation failed. */
export function RevokeTokenDialog({
  token,
  consequence,
  revoke,
  onClose,
  onRevoked,
}: {
  token: Token;
  consequence: string;
  revoke: UseMutationResult<unknown, Error, string>;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const title = tokenTitle(token);
  return (
    <Dialog title={`Revoke ${title}?`} onClose={onClose}>
      <p>
        Anything using this token ({token.prefix}…) is refused from its next request on. {consequence}
      </p>
      {revoke.error && (
        <p role="alert" className="error">
          {errorMessage(revoke.error)}
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
