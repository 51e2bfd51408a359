/** The account's name, defaults and the REP refund limit (updateAccount). */
import { useState } from 'react';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import type { SettingsAccountQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { amountProblem } from '../ui/money';
import { FormErrors, Loading, Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsAccountQueryDoc = graphql(`
  query SettingsAccount {
    viewer {
      account {
        id
        name
        defaultCurrency
        timezone
        locale
        emailInvoices
        repRefundLimit {
          amount
          currency
          formatted
        }
      }
    }
  }
`);

const SettingsUpdateAccount = graphql(`
  mutation SettingsUpdateAccount($input: UpdateAccountInput!) {
    updateAccount(input: $input) {
      account {
        id
        name
        defaultCurrency
        timezone
        locale
        emailInvoices
        repRefundLimit {
          amount
          currency
          formatted
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Account = SettingsAccountQuery['viewer']['account'];

const FIELDS = ['name', 'defaultCurrency', 'timezone', 'locale', 'emailInvoices', 'repRefundLimit'];

export function AccountSettings() {
  const [{ data, error, fetching }] = useQuery({ query: SettingsAccountQueryDoc });
  const account = data?.viewer.account;
  return (
    <section className="section" aria-labelledby="settings-account-title">
      <div className="section-header">
        <h2 id="settings-account-title">Account</h2>
      </div>
      {error ? <QueryError error={error} /> : null}
      {fetching && !account ? <Loading /> : null}
      {account ? <AccountForm key={account.id} account={account} /> : null}
    </section>
  );
}

/** Time zones the browser knows, offered as suggestions (any IANA name is accepted). */
function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function AccountForm({ account }: { account: Account }) {
  const [name, setName] = useState(account.name);
  const [currency, setCurrency] = useState(account.defaultCurrency);
  const [timezone, setTimezone] = useState(account.timezone);
  const [locale, setLocale] = useState(account.locale);
  const [emailInvoices, setEmailInvoices] = useState(account.emailInvoices);
  const [limit, setLimit] = useState(account.repRefundLimit?.amount ?? '0');
  const [limitProblem, setLimitProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction(SettingsUpdateAccount, (data) => data.updateAccount);

  const save = async () => {
    setSaved(false);
    const code = currency.trim().toUpperCase();
    const problem = amountProblem(limit, code, { allowZero: true });
    setLimitProblem(problem);
    if (problem) return;
    const payload = await action.run({
      input: {
        name: name.trim(),
        defaultCurrency: code,
        timezone: timezone.trim(),
        locale: locale.trim(),
        emailInvoices,
        repRefundLimit: limit.trim(),
      },
    });
    if (payload) setSaved(true);
  };

  return (
    <form
      className="settings-form"
      aria-label="Account settings"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <TextField label="Account name" value={name} onChange={(e) => setName(e.target.value)} error={errorFor(action.errors, 'name')} hint="Shown to payers on hosted pages and invoices." required />
      <div className="form-grid">
        <TextField
          label="Default currency"
          value={currency}
          maxLength={3}
          autoCapitalize="characters"
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
          error={errorFor(action.errors, 'defaultCurrency')}
          hint="ISO 4217 code, e.g. USD."
        />
        <TextField
          label="Time zone"
          value={timezone}
          list="settings-timezones"
          onChange={(e) => setTimezone(e.target.value)}
          error={errorFor(action.errors, 'timezone')}
          hint="Decides billing days, e.g. America/New_York."
        />
        <TextField label="Locale" value={locale} onChange={(e) => setLocale(e.target.value)} error={errorFor(action.errors, 'locale')} hint="Formats money and dates, e.g. en-US." />
      </div>
      <datalist id="settings-timezones">
        {timeZones().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      <CheckboxField label="Email invoices to customers" checked={emailInvoices} onChange={(e) => setEmailInvoices(e.target.checked)} />
      <TextField
        label={`REP refund limit (${currency.trim().toUpperCase() || account.defaultCurrency})`}
        value={limit}
        inputMode="decimal"
        onChange={(e) => setLimit(e.target.value)}
        error={limitProblem ?? errorFor(action.errors, 'repRefundLimit')}
        hint="The largest refund a REP may give, in the default currency. 0: REPs may not refund. Admins and owners refund without limit."
      />
      <FormErrors errors={unplaced(action.errors, FIELDS)} failure={action.failure} />
      {saved ? <Notice tone="success">Account settings saved.</Notice> : null}
      <div className="settings-form-actions">
        <Button type="submit" variant="primary" busy={action.busy}>
          Save account settings
        </Button>
      </div>
    </form>
  );
}
