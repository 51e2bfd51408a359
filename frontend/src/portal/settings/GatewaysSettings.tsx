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
import { errorFor } from '../ui/errors';
import { CheckboxField, SelectField, TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';
import { DefaultBadge, SettingsTable } from './SettingsTable';
import { useDraft, useProblems } from './useDraft';

graphql(`
  fragment SettingsGatewayFields on Gateway {
    id
    number
    name
    kind
    testMode
    isDefault
    createdAt
    currencies
  }
`);

const SettingsGatewaysQueryDoc = graphql(`
  query SettingsGateways {
    gateways {
      ...SettingsGatewayFields
    }
  }
`);

const SettingsAddGateway = graphql(`
  mutation SettingsAddGateway($input: AddGatewayInput!) {
    addGateway(input: $input) {
      gateway {
        ...SettingsGatewayFields
      }
      userErrors {
        ...UserErrorFields
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
        ...UserErrorFields
      }
    }
  }
`);

type Gateway = SettingsGatewaysQuery['gateways'][number];

export function GatewaysSettings() {
  const [result, reexecute] = useQuery({ query: SettingsGatewaysQueryDoc });
  const [adding, setAdding] = useState(false);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const gateways = result.data?.gateways ?? [];
  return (
    <SettingsSection id="settings-gateways-title" title="Gateways" action={{ label: 'Add gateway', onClick: () => setAdding(true) }}>
      <p className="muted">Sales go to the default gateway unless a request names another. Credentials are encrypted and never shown again.</p>
      <QueryStates result={result} count={gateways.length} empty="No gateways yet. Add one to take payments." />
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
    </SettingsSection>
  );
}

const COLUMNS = [{ label: '#', className: 'num' }, 'Name', 'Kind', 'Mode', { label: 'Currencies', className: 'num' }, { label: 'Created', className: 'hide-narrow' }];

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
      <SettingsTable columns={COLUMNS}>
        {gateways.map((gateway) => (
          <tr key={gateway.id}>
            <td className="num muted">{gateway.number}</td>
            <td>
              {gateway.name} <DefaultBadge isDefault={gateway.isDefault} />
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
      </SettingsTable>
    </>
  );
}

const ADD_FIELDS = ['kind', 'name', 'credentials', 'credentials.secretKey', 'makeDefault'];

type Kind = 'sandbox' | 'stripe';

function AddGatewayDialog({ onClose, onAdded }: { onClose: () => void; onAdded: () => void }) {
  const [draft, set] = useDraft({ kind: 'sandbox' as Kind, name: '', secretKey: '', makeDefault: false });
  const { problems, accept } = useProblems();
  const action = useAction(SettingsAddGateway, (data) => data.addGateway);
  const stripe = draft.kind === 'stripe';

  const submit = async () => {
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = 'Enter a name.';
    if (stripe && !draft.secretKey.trim()) found.secretKey = 'Enter the Stripe secret key.';
    if (!accept(found)) return;
    const payload = await action.run({
      input: {
        kind: draft.kind,
        name: draft.name.trim(),
        credentials: stripe ? { secretKey: draft.secretKey.trim() } : null,
        makeDefault: draft.makeDefault,
      },
    });
    if (payload) onAdded();
  };

  return (
    <FormDialog title="Add gateway" submitLabel="Add gateway" action={action} fields={ADD_FIELDS} onClose={onClose} onSubmit={submit}>
      <SelectField label="Kind" value={draft.kind} onChange={(e) => set('kind', e.target.value as Kind)} error={errorFor(action.errors, 'kind')}>
        <option value="sandbox">Sandbox (test cards, no real money)</option>
        <option value="stripe">Stripe</option>
      </SelectField>
      <TextField
        label="Name"
        value={draft.name}
        onChange={(e) => set('name', e.target.value)}
        error={problems.name ?? errorFor(action.errors, 'name')}
        hint="A name staff recognise, e.g. Stripe (EU)."
      />
      {stripe ? (
        <TextField
          label="Secret key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={draft.secretKey}
          onChange={(e) => set('secretKey', e.target.value)}
          error={problems.secretKey ?? errorFor(action.errors, 'credentials.secretKey') ?? errorFor(action.errors, 'credentials')}
          hint="Stripe secret or restricted key (sk_… or rk_…). It is encrypted and never shown again."
        />
      ) : null}
      <CheckboxField label="Make default" checked={draft.makeDefault} onChange={(e) => set('makeDefault', e.target.checked)} />
    </FormDialog>
  );
}
