/**
 * Payment gateways: list, add (sandbox or Stripe) and pick the default.
 * Credentials go to the API once, in addGateway, and are never shown: the
 * API returns none, and the secret key field lives only while its dialog is
 * open.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SettingsGatewaysQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, SelectField, TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { Empty, FormErrors, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsGatewaysQueryDoc = graphql(`
  query SettingsGateways {
    gateways {
      id
      name
      kind
      testMode
      isDefault
      createdAt
      currencies
    }
  }
`);

const SettingsAddGateway = graphql(`
  mutation SettingsAddGateway($input: AddGatewayInput!) {
    addGateway(input: $input) {
      gateway {
        id
        name
        kind
        testMode
        isDefault
        createdAt
        currencies
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SettingsSetDefaultGateway = graphql(`
  mutation SettingsSetDefaultGateway($input: SetDefaultGatewayInput!) {
    setDefaultGateway(input: $input) {
      gateway {
        id
        isDefault
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Gateway = SettingsGatewaysQuery['gateways'][number];

export function GatewaysSettings() {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsGatewaysQueryDoc });
  const [adding, setAdding] = useState(false);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const gateways = data?.gateways ?? [];
  return (
    <section className="section" aria-labelledby="settings-gateways-title">
      <div className="section-header">
        <h2 id="settings-gateways-title">Gateways</h2>
        <Button variant="primary" onClick={() => setAdding(true)}>
          Add gateway
        </Button>
      </div>
      <p className="muted">Sales go to the default gateway unless a request names another. Credentials are encrypted and never shown again.</p>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !gateways.length ? <Empty>No gateways yet. Add one to take payments.</Empty> : null}
      {gateways.length ? <GatewaysTable gateways={gateways} onChanged={refresh} /> : null}
      {adding ? (
        <AddGatewayDialog
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

function GatewaysTable({ gateways, onChanged }: { gateways: readonly Gateway[]; onChanged: () => void }) {
  const { locale } = useViewer();
  const action = useAction(SettingsSetDefaultGateway, (data) => data.setDefaultGateway);
  const [pending, setPending] = useState<string | null>(null);
  const makeDefault = async (id: string) => {
    setPending(id);
    const payload = await action.run({ input: { gatewayId: id } });
    setPending(null);
    if (payload) onChanged();
  };
  return (
    <>
      <FormErrors errors={action.errors} failure={action.failure} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Mode</th>
              <th scope="col" className="num">Currencies</th>
              <th scope="col" className="hide-narrow">Created</th>
              <th scope="col">
                <span className="settings-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {gateways.map((gateway) => (
              <tr key={gateway.id}>
                <td>
                  {gateway.name} {gateway.isDefault ? <span className="badge badge-good">Default</span> : null}
                </td>
                <td>{gateway.kind === 'stripe' ? 'Stripe' : gateway.kind === 'sandbox' ? 'Sandbox' : gateway.kind}</td>
                <td>{gateway.testMode ? <span className="badge badge-warn">Test mode</span> : <span className="badge badge-good">Live</span>}</td>
                <td className="num" title={gateway.currencies.join(', ')}>
                  {gateway.currencies.length}
                </td>
                <td className="hide-narrow">{formatDate(gateway.createdAt, locale)}</td>
                <td>
                  {gateway.isDefault ? null : (
                    <Button
                      className="btn-small"
                      aria-label={`Make default: ${gateway.name}`}
                      busy={pending === gateway.id}
                      disabled={action.busy}
                      onClick={() => void makeDefault(gateway.id)}
                    >
                      Make default
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const ADD_FIELDS = ['kind', 'name', 'credentials', 'credentials.secretKey', 'makeDefault'];

function AddGatewayDialog({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }) {
  const [kind, setKind] = useState<'sandbox' | 'stripe'>('sandbox');
  const [name, setName] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const action = useAction(SettingsAddGateway, (data) => data.addGateway);

  const submit = async () => {
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Enter a name.';
    if (kind === 'stripe' && !secretKey.trim()) found.secretKey = 'Enter the Stripe secret key.';
    setProblems(found);
    if (Object.keys(found).length) return;
    const payload = await action.run({
      input: {
        kind,
        name: name.trim(),
        credentials: kind === 'stripe' ? { secretKey: secretKey.trim() } : null,
        makeDefault,
      },
    });
    if (payload) onAdded();
  };

  return (
    <Dialog
      title="Add gateway"
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Add gateway
          </Button>
        </>
      }
    >
      <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'sandbox' | 'stripe')} error={errorFor(action.errors, 'kind')}>
        <option value="sandbox">Sandbox (test cards, no real money)</option>
        <option value="stripe">Stripe</option>
      </SelectField>
      <TextField
        label="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={problems.name ?? errorFor(action.errors, 'name')}
        hint="A name staff recognise, e.g. Stripe (EU)."
      />
      {kind === 'stripe' ? (
        <TextField
          label="Secret key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={secretKey}
          onChange={(e) => setSecretKey(e.target.value)}
          error={problems.secretKey ?? errorFor(action.errors, 'credentials.secretKey') ?? errorFor(action.errors, 'credentials')}
          hint="Stripe secret or restricted key (sk_… or rk_…). It is encrypted and never shown again."
        />
      ) : null}
      <CheckboxField label="Make default" checked={makeDefault} onChange={(e) => setMakeDefault(e.target.checked)} />
      <FormErrors errors={unplaced(action.errors, ADD_FIELDS)} failure={action.failure} />
    </Dialog>
  );
}
