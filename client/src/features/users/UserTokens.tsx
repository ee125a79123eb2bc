import { useId, useState } from 'react';
import type { OwnedApiToken } from '#shared/users.ts';
import { RevokeTokenDialog, TokensTable, tokenTitle } from '../../components/TokensTable.tsx';
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
  const revoke = useRevokeAnyToken();
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
          <TokensTable tokens={shown!} label="API tokens of every user" onRevoke={setRevoking} />
        </>
      )}
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          consequence={`This cannot be undone: ${revoking.username} can create a new token on their Account page.`}
          revoke={revoke}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            setNotice(`Revoked ${tokenTitle(revoking)}: anything using it is refused from now on.`);
          }}
        />
      )}
    </section>
  );
}
