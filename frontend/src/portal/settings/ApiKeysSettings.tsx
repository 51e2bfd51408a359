/**
 * Partner API keys: list, create, revoke. A new key's secret is in the
 * createApiKey payload only; it is shown once, in the dialog that made it,
 * and lives only in that dialog's component: closing the dialog unmounts it,
 * so the secret is in no state, URL, storage or cache afterwards.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { SelectField } from '../ui/Field';
import { formatDateTime, humanize } from '../ui/format';
import { Empty, FormErrors, Loading, Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsApiKeysQueryDoc = graphql(`
  query SettingsApiKeys {
    apiKeys {
      appId
      role
      createdAt
      lastUsedAt
      revokedAt
    }
  }
`);

const SettingsCreateApiKey = graphql(`
  mutation SettingsCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      apiKey {
        appId
        role
        createdAt
        lastUsedAt
        revokedAt
      }
      secret
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SettingsRevokeApiKey = graphql(`
  mutation SettingsRevokeApiKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) {
      apiKey {
        appId
        revokedAt
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export function ApiKeysSettings() {
  const { locale } = useViewer();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsApiKeysQueryDoc });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const keys = data?.apiKeys ?? [];
  return (
    <section className="section" aria-labelledby="settings-api-keys-title">
      <div className="section-header">
        <h2 id="settings-api-keys-title">API keys</h2>
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create API key
        </Button>
      </div>
      <p className="muted">
        Partners call the GraphQL API with an app id (the <code>Api-Appid</code> header) and its secret (the <code>Api-Key</code> header). A key acts with its role.
      </p>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !keys.length ? <Empty>No API keys yet.</Empty> : null}
      {keys.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">App id</th>
                <th scope="col">Role</th>
                <th scope="col" className="hide-narrow">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Revoked</th>
                <th scope="col">
                  <span className="settings-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.appId}>
                  <td className="mono">{key.appId}</td>
                  <td>{humanize(key.role)}</td>
                  <td className="hide-narrow">{formatDateTime(key.createdAt, locale)}</td>
                  <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt, locale) : 'Never'}</td>
                  <td>{key.revokedAt ? <span className="badge badge-neutral">Revoked {formatDateTime(key.revokedAt, locale)}</span> : 'Active'}</td>
                  <td>
                    {key.revokedAt ? null : (
                      <Button className="btn-small" variant="danger" aria-label={`Revoke ${key.appId}`} onClick={() => setRevoking(key.appId)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating ? <CreateApiKeyDialog onClose={() => setCreating(false)} onCreated={refresh} /> : null}
      {revoking ? (
        <RevokeApiKey
          appId={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={() => {
            setRevoking(null);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

/** Asks for a role, creates the key, then shows its secret this once. */
function CreateApiKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const viewer = useViewer();
  const [role, setRole] = useState<Role>('ADMIN');
  const [issued, setIssued] = useState<{ appId: string; secret: string } | null>(null);
  const action = useAction(SettingsCreateApiKey, (data) => data.createApiKey);

  const create = async () => {
    const payload = await action.run({ input: { role } });
    if (payload?.apiKey && payload.secret) {
      setIssued({ appId: payload.apiKey.appId, secret: payload.secret });
      onCreated();
    }
  };

  if (issued) {
    return (
      <Dialog title="API key created" open onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
        <Notice tone="warning">Copy the secret now and keep it somewhere safe. It cannot be shown again: paydesk keeps only a hash of it.</Notice>
        <p>
          <strong>App id</strong> (<code>Api-Appid</code> header)
        </p>
        <div className="settings-secret">
          <input readOnly value={issued.appId} aria-label="App id" onFocus={(event) => event.currentTarget.select()} />
          <CopyButton text={issued.appId} label="Copy app id" />
        </div>
        <p>
          <strong>Secret</strong> (<code>Api-Key</code> header)
        </p>
        <div className="settings-secret">
          <input
            readOnly
            value={issued.secret}
            aria-label="Secret"
            autoComplete="off"
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton text={issued.secret} label="Copy secret" />
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog
      title="Create API key"
      open
      onClose={onClose}
      onSubmit={() => void create()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Create API key
          </Button>
        </>
      }
    >
      <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} error={errorFor(action.errors, 'role')} hint="What calls made with this key may do.">
        {viewer.role === 'OWNER' ? <option value="OWNER">Owner</option> : null}
        <option value="ADMIN">Admin: everything but owners</option>
        <option value="REP">Rep: customers, cards, sales</option>
        <option value="VIEWER">Viewer: reads only</option>
      </SelectField>
      <FormErrors errors={unplaced(action.errors, ['role'])} failure={action.failure} />
    </Dialog>
  );
}

function RevokeApiKey({ appId, onClose, onRevoked }: { appId: string; onClose: () => void; onRevoked: () => void }) {
  const action = useAction(SettingsRevokeApiKey, (data) => data.revokeApiKey);
  return (
    <Confirm
      title="Revoke API key"
      open
      onClose={onClose}
      onConfirm={() => void action.run({ input: { appId } }).then((payload) => payload && onRevoked())}
      confirmLabel="Revoke key"
      busy={action.busy}
      danger
      errors={action.errors}
      failure={action.failure}
    >
      <p>
        Calls made with <span className="mono">{appId}</span> stop working at once and for good. This cannot be undone.
      </p>
    </Confirm>
  );
}
