/**
 * Partner API keys: list, create, revoke. A new key's secret is in the
 * createApiKey payload only; it is shown once, in the dialog that made it,
 * and lives only in that dialog's component: closing the dialog unmounts it,
 * so the secret is in no state, URL, storage or cache afterwards. The classic
 * API's addresses are shown beside them, since the same keys call it.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { Button } from '../ui/Button';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { errorFor } from '../ui/errors';
import { SelectField } from '../ui/Field';
import { formatDateTime, humanize } from '../ui/format';
import { Notice } from '../ui/States';
import { useAction } from '../ui/useAction';
import { ConfirmMutation } from './ConfirmMutation';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';
import { SettingsTable } from './SettingsTable';

graphql(`
  fragment SettingsApiKeyFields on ApiKey {
    appId
    role
    createdAt
    lastUsedAt
    revokedAt
  }
`);

const SettingsApiKeysQueryDoc = graphql(`
  query SettingsApiKeys {
    apiKeys {
      ...SettingsApiKeyFields
    }
  }
`);

const SettingsCreateApiKey = graphql(`
  mutation SettingsCreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      apiKey {
        ...SettingsApiKeyFields
      }
      secret
      userErrors {
        ...UserErrorFields
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
        ...UserErrorFields
      }
    }
  }
`);

const COLUMNS = ['App id', 'Role', { label: 'Created', className: 'hide-narrow' }, 'Last used', 'Revoked'];

export function ApiKeysSettings() {
  const { locale } = useViewer();
  const [result, reexecute] = useQuery({ query: SettingsApiKeysQueryDoc });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const keys = result.data?.apiKeys ?? [];
  return (
    <SettingsSection id="settings-api-keys-title" title="API keys" action={{ label: 'Create API key', onClick: () => setCreating(true) }}>
      <p className="muted">
        Partners call the GraphQL API with an app id (the <code>Api-Appid</code> header) and its secret (the <code>Api-Key</code> header). A key acts with its role.
      </p>
      <ClassicApiUrls origin={window.location.origin} />
      <QueryStates result={result} count={keys.length} empty="No API keys yet." />
      {keys.length ? (
        <SettingsTable columns={COLUMNS}>
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
        </SettingsTable>
      ) : null}
      {creating ? <CreateApiKeyDialog onClose={() => setCreating(false)} onCreated={refresh} /> : null}
      {revoking ? (
        <ConfirmMutation
          document={SettingsRevokeApiKey}
          pick={(data) => data.revokeApiKey}
          variables={{ input: { appId: revoking } }}
          title="Revoke API key"
          confirmLabel="Revoke key"
          onClose={() => setRevoking(null)}
          onDone={() => {
            setRevoking(null);
            refresh();
          }}
        >
          <p>
            Calls made with <span className="mono">{revoking}</span> stop working at once and for good. This cannot be undone.
          </p>
        </ConfirmMutation>
      ) : null}
    </SettingsSection>
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
        <SecretBox label="App id" value={issued.appId} copyLabel="Copy app id" />
        <p>
          <strong>Secret</strong> (<code>Api-Key</code> header)
        </p>
        <SecretBox label="Secret" value={issued.secret} copyLabel="Copy secret" />
      </Dialog>
    );
  }
  return (
    <FormDialog title="Create API key" submitLabel="Create API key" action={action} fields={['role']} onClose={onClose} onSubmit={create}>
      <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)} error={errorFor(action.errors, 'role')} hint="What calls made with this key may do.">
        {viewer.role === 'OWNER' ? <option value="OWNER">Owner</option> : null}
        <option value="ADMIN">Admin: everything but owners</option>
        <option value="REP">Rep: customers, cards, sales</option>
        <option value="VIEWER">Viewer: reads only</option>
      </SelectField>
    </FormDialog>
  );
}

/**
 * Where classic Payments API integrations post, on this server: the same keys work there
 * (docs/classic-api.md). The origin is the portal's own, so it is the address partners reach.
 */
export function ClassicApiUrls({ origin }: { origin: string }) {
  return (
    <dl className="settings-classic-api">
      <dt>Classic API, payments.php</dt>
      <dd>
        <SecretBox label="payments.php URL" value={`${origin}/payments.php`} copyLabel="Copy payments.php URL" />
      </dd>
      <dt>
        Classic API base (<code>/1/transaction/processManual</code>, <code>/1/objects</code>)
      </dt>
      <dd>
        <SecretBox label="Classic API base URL" value={`${origin}/1/`} copyLabel="Copy base URL" />
      </dd>
    </dl>
  );
}

/** A read-only value to select or copy. */
function SecretBox({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="settings-secret">
      <input readOnly value={value} aria-label={label} autoComplete="off" spellCheck={false} onFocus={(event) => event.currentTarget.select()} />
      <CopyButton text={value} label={copyLabel} />
    </div>
  );
}
