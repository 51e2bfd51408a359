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
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { amountProblem } from '../ui/money';
import { Empty, FormErrors, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsPartnersQueryDoc = graphql(`
  query SettingsPartners {
    partners {
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
  }
`);

const SettingsCreatePartner = graphql(`
  mutation SettingsCreatePartner($input: CreatePartnerInput!) {
    createPartner(input: $input) {
      partner {
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
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SettingsUpdatePartner = graphql(`
  mutation SettingsUpdatePartner($input: UpdatePartnerInput!) {
    updatePartner(input: $input) {
      partner {
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
      userErrors {
        field
        code
        message
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

export function PartnersSettings() {
  const { locale } = useViewer();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsPartnersQueryDoc });
  const [editing, setEditing] = useState<Partner | 'new' | null>(null);
  const partners = data?.partners ?? [];
  return (
    <section className="section" aria-labelledby="settings-partners-title">
      <div className="section-header">
        <h2 id="settings-partners-title">Partners</h2>
        <Button variant="primary" onClick={() => setEditing('new')}>
          New partner
        </Button>
      </div>
      <p className="muted">Referral partners earn a commission on the paid sales of the customers they referred (set on the customer).</p>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !partners.length ? <Empty>No referral partners yet.</Empty> : null}
      {partners.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Commission</th>
                <th scope="col" className="hide-narrow">Added</th>
                <th scope="col">
                  <span className="settings-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
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
    </section>
  );
}

type RateKind = 'percent' | 'amount';

const FIELDS = ['name', 'email', 'commissionPercent', 'commissionAmount', 'commissionAmount.amount', 'commissionAmount.currency'];

/** "New partner" when `partner` is null, else "Edit partner". */
function PartnerDialog({ partner, onClose, onSaved }: { partner: Partner | null; onClose: () => void; onSaved: () => void }) {
  const viewer = useViewer();
  const [name, setName] = useState(partner?.name ?? '');
  const [email, setEmail] = useState(partner?.email ?? '');
  const [kind, setKind] = useState<RateKind>(partner?.commissionAmount ? 'amount' : 'percent');
  const [percent, setPercent] = useState(partner?.commissionPercent ?? '');
  const [amount, setAmount] = useState(partner?.commissionAmount?.amount ?? '');
  const [currency, setCurrency] = useState(partner?.commissionAmount?.currency ?? viewer.defaultCurrency);
  const [problems, setProblems] = useState<Record<string, string>>({});
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
    setProblems(found);
    if (Object.keys(found).length) return;
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
    <Dialog
      title={partner ? 'Edit partner' : 'New partner'}
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            {partner ? 'Save partner' : 'Create partner'}
          </Button>
        </>
      }
    >
      <TextField label="Name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} error={problems.name ?? errorFor(errors, 'name')} />
      <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errorFor(errors, 'email')} hint="Optional." />
      <fieldset>
        <legend>Commission</legend>
        <div className="choices">
          <label>
            <input type="radio" name="settings-rate" checked={kind === 'percent'} onChange={() => setKind('percent')} /> Percent of each paid sale
          </label>
          <label>
            <input type="radio" name="settings-rate" checked={kind === 'amount'} onChange={() => setKind('amount')} /> Fixed amount per paid sale
          </label>
        </div>
        {kind === 'percent' ? (
          <TextField
            label="Commission percent"
            inputMode="decimal"
            value={percent}
            onChange={(e) => setPercent(e.target.value)}
            error={problems.percent ?? errorFor(errors, 'commissionPercent')}
            hint="More than 0 and at most 100, e.g. 12.5."
          />
        ) : (
          <div className="form-grid">
            <TextField
              label="Commission amount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              error={problems.amount ?? errorFor(errors, 'commissionAmount.amount') ?? errorFor(errors, 'commissionAmount')}
              hint="Sales in another currency earn nothing."
            />
            <TextField
              label="Commission currency"
              value={currency}
              maxLength={3}
              onChange={(e) => setCurrency(e.target.value.toUpperCase())}
              error={problems.currency ?? errorFor(errors, 'commissionAmount.currency')}
            />
          </div>
        )}
      </fieldset>
      {partner ? <p className="muted">A new rate applies to later sales; re-run a sale's commission from its transaction to apply it there.</p> : null}
      <FormErrors errors={unplaced(errors, FIELDS)} failure={action.failure} />
    </Dialog>
  );
}
