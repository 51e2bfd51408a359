/**
 * Referral partners: list, add, edit. A partner earns a percent of each paid
 * sale of the customers they referred, or a fixed amount per sale in one
 * currency. A new rate applies to later sales (re-run a sale's commission
 * from its transaction to apply it there).
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SettingsPartnersQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { errorFor } from '../ui/errors';
import { TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { amountProblem } from '../ui/money';
import { useAction } from '../ui/useAction';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';
import { SettingsTable } from './SettingsTable';
import { useDraft, useProblems } from './useDraft';

graphql(`
  fragment SettingsPartnerFields on Partner {
    id
    name
    email
    commissionPercent
    commissionAmount {
      amount
      currency
      formatted
    }
    createdAt
    updatedAt
  }
`);

const SettingsPartnersQueryDoc = graphql(`
  query SettingsPartners {
    partners {
      ...SettingsPartnerFields
    }
  }
`);

const SettingsCreatePartner = graphql(`
  mutation SettingsCreatePartner($input: CreatePartnerInput!) {
    createPartner(input: $input) {
      partner {
        ...SettingsPartnerFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsUpdatePartner = graphql(`
  mutation SettingsUpdatePartner($input: UpdatePartnerInput!) {
    updatePartner(input: $input) {
      partner {
        ...SettingsPartnerFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Partner = SettingsPartnersQuery['partners'][number];

function rateText(partner: Partner): string {
  if (partner.commissionPercent != null) return `${partner.commissionPercent}% of each paid sale`;
  if (partner.commissionAmount) return `${partner.commissionAmount.formatted} per paid sale`;
  return '—';
}

const COLUMNS = ['Name', 'Email', 'Commission', { label: 'Added', className: 'hide-narrow' }];

export function PartnersSettings() {
  const { locale } = useViewer();
  const [result, reexecute] = useQuery({ query: SettingsPartnersQueryDoc });
  const [editing, setEditing] = useState<Partner | 'new' | null>(null);
  const partners = result.data?.partners ?? [];
  return (
    <SettingsSection id="settings-partners-title" title="Partners" action={{ label: 'New partner', onClick: () => setEditing('new') }}>
      <p className="muted">Referral partners earn a commission on the paid sales of the customers they referred (set on the customer).</p>
      <QueryStates result={result} count={partners.length} empty="No referral partners yet." />
      {partners.length ? (
        <SettingsTable columns={COLUMNS}>
          {partners.map((partner) => (
            <tr key={partner.id}>
              <td>{partner.name}</td>
              <td>{partner.email ?? '—'}</td>
              <td>{rateText(partner)}</td>
              <td className="hide-narrow">{formatDate(partner.createdAt, locale)}</td>
              <td>
                <Button className="btn-small" aria-label={`Edit ${partner.name}`} onClick={() => setEditing(partner)}>
                  Edit
                </Button>
              </td>
            </tr>
          ))}
        </SettingsTable>
      ) : null}
      {editing ? (
        <PartnerDialog
          partner={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
    </SettingsSection>
  );
}

type RateKind = 'percent' | 'amount';

const FIELDS = ['name', 'email', 'commissionPercent', 'commissionAmount', 'commissionAmount.amount', 'commissionAmount.currency'];

/** "New partner" when `partner` is null, else "Edit partner". */
function PartnerDialog({ partner, onClose, onSaved }: { partner: Partner | null; onClose: () => void; onSaved: () => void }) {
  const viewer = useViewer();
  const [draft, set] = useDraft({
    name: partner?.name ?? '',
    email: partner?.email ?? '',
    kind: (partner?.commissionAmount ? 'amount' : 'percent') as RateKind,
    percent: partner?.commissionPercent ?? '',
    amount: partner?.commissionAmount?.amount ?? '',
    currency: partner?.commissionAmount?.currency ?? viewer.defaultCurrency,
  });
  const { name, email, kind, percent, amount, currency } = draft;
  const { problems, accept } = useProblems();
  const create = useAction(SettingsCreatePartner, (data) => data.createPartner);
  const update = useAction(SettingsUpdatePartner, (data) => data.updatePartner);
  const action = partner ? update : create;

  const submit = async () => {
    const found: Record<string, string> = {};
    const code = currency.trim().toUpperCase();
    if (!name.trim()) found.name = 'Enter a name.';
    if (kind === 'percent' && !/^\d+(\.\d{1,2})?$/.test(percent.trim())) found.percent = 'Enter a percent such as 10 or 12.5.';
    if (kind === 'amount') {
      if (!/^[A-Z]{3}$/.test(code)) found.currency = 'Enter a three-letter currency code, e.g. USD.';
      else {
        const problem = amountProblem(amount, code);
        if (problem) found.amount = problem;
      }
    }
    if (!accept(found)) return;
    const rate =
      kind === 'percent'
        ? { commissionPercent: percent.trim(), commissionAmount: null }
        : { commissionPercent: null, commissionAmount: { amount: amount.trim(), currency: code } };
    const payload = partner
      ? await update.run({ input: { id: partner.id, name: name.trim(), email: email.trim(), ...rate } })
      : await create.run({ input: { name: name.trim(), email: email.trim() || null, ...rate } });
    if (payload) onSaved();
  };

  const errors = action.errors;
  return (
    <FormDialog
      title={partner ? 'Edit partner' : 'New partner'}
      submitLabel={partner ? 'Save partner' : 'Create partner'}
      action={action}
      fields={FIELDS}
      onClose={onClose}
      onSubmit={submit}
    >
      <TextField label="Name" value={name} maxLength={200} onChange={(e) => set('name', e.target.value)} error={problems.name ?? errorFor(errors, 'name')} />
      <TextField label="Email" type="email" value={email} onChange={(e) => set('email', e.target.value)} error={errorFor(errors, 'email')} hint="Optional." />
      <fieldset>
        <legend>Commission</legend>
        <div className="choices">
          <label>
            <input type="radio" name="settings-rate" checked={kind === 'percent'} onChange={() => set('kind', 'percent')} /> Percent of each paid sale
          </label>
          <label>
            <input type="radio" name="settings-rate" checked={kind === 'amount'} onChange={() => set('kind', 'amount')} /> Fixed amount per paid sale
          </label>
        </div>
        {kind === 'percent' ? (
          <TextField
            label="Commission percent"
            inputMode="decimal"
            value={percent}
            onChange={(e) => set('percent', e.target.value)}
            error={problems.percent ?? errorFor(errors, 'commissionPercent')}
            hint="More than 0 and at most 100, e.g. 12.5."
          />
        ) : (
          <div className="form-grid">
            <TextField
              label="Commission amount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => set('amount', e.target.value)}
              error={problems.amount ?? errorFor(errors, 'commissionAmount.amount') ?? errorFor(errors, 'commissionAmount')}
              hint="Sales in another currency earn nothing."
            />
            <TextField
              label="Commission currency"
              value={currency}
              maxLength={3}
              onChange={(e) => set('currency', e.target.value.toUpperCase())}
              error={problems.currency ?? errorFor(errors, 'commissionAmount.currency')}
            />
          </div>
        )}
      </fieldset>
      {partner ? <p className="muted">A new rate applies to later sales; re-run a sale's commission from its transaction to apply it there.</p> : null}
    </FormDialog>
  );
}
