/** The account's name, defaults and the REP refund limit (updateAccount). */
import { useState } from 'react';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import type { SettingsAccountFieldsFragment } from '../gql/graphql';
import { errorFor } from '../ui/errors';
import { CheckboxField, SelectField, TextField } from '../ui/Field';
import { amountProblem } from '../ui/money';
import { useAction } from '../ui/useAction';
import { QueryStates, SettingsSection } from './SettingsSection';
import { SettingsForm } from './SettingsForm';
import { useDraft } from './useDraft';

graphql(`
  fragment SettingsAccountFields on Account {
    id
    name
    defaultCurrency
    timezone
    locale
    emailInvoices
    renewalReminderDays
    emailPlanCompleted
    repRefundLimit {
      amount
      currency
      formatted
    }
  }
`);

const SettingsAccountQueryDoc = graphql(`
  query SettingsAccount {
    viewer {
      account {
        ...SettingsAccountFields
      }
    }
    accountSettingChoices {
      currencies {
        value
        label
      }
      timeZones
      locales {
        value
        label
      }
    }
  }
`);

const SettingsUpdateAccount = graphql(`
  mutation SettingsUpdateAccount($input: UpdateAccountInput!) {
    updateAccount(input: $input) {
      account {
        ...SettingsAccountFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const FIELDS = ['name', 'defaultCurrency', 'timezone', 'locale', 'emailInvoices', 'renewalReminderDays', 'emailPlanCompleted', 'repRefundLimit'];

export function AccountSettings() {
  const [result] = useQuery({ query: SettingsAccountQueryDoc });
  const account = result.data?.viewer.account;
  return (
    <SettingsSection id="settings-account-title" title="Account">
      <QueryStates result={result} />
      {account && result.data ? <AccountForm key={account.id} account={account} choices={result.data.accountSettingChoices} /> : null}
    </SettingsSection>
  );
}

interface Choices {
  currencies: readonly { value: string; label: string }[];
  timeZones: readonly string[];
  locales: readonly { value: string; label: string }[];
}

/** The options of a picker, the current value kept even if the list no longer has it. */
function options(choices: readonly { value: string; label: string }[], current: string) {
  const list = choices.some((c) => c.value === current) || !current ? choices : [{ value: current, label: current }, ...choices];
  return list.map((choice) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  ));
}

function AccountForm({ account, choices }: { account: SettingsAccountFieldsFragment; choices: Choices }) {
  const [draft, set] = useDraft({
    name: account.name,
    currency: account.defaultCurrency,
    timezone: account.timezone,
    locale: account.locale,
    emailInvoices: account.emailInvoices,
    reminderDays: account.renewalReminderDays != null ? String(account.renewalReminderDays) : '',
    emailPlanCompleted: account.emailPlanCompleted,
    limit: account.repRefundLimit?.amount ?? '0',
  });
  const [limitProblem, setLimitProblem] = useState<string | null>(null);
  const action = useAction(SettingsUpdateAccount, (data) => data.updateAccount);
  const code = draft.currency.trim().toUpperCase();

  const save = async () => {
    const problem = amountProblem(draft.limit, code, { allowZero: true });
    setLimitProblem(problem);
    if (problem) return false;
    const payload = await action.run({
      input: {
        name: draft.name.trim(),
        defaultCurrency: code,
        timezone: draft.timezone.trim(),
        locale: draft.locale.trim(),
        emailInvoices: draft.emailInvoices,
        renewalReminderDays: draft.reminderDays.trim() ? Number(draft.reminderDays.trim()) : null,
        emailPlanCompleted: draft.emailPlanCompleted,
        repRefundLimit: draft.limit.trim(),
      },
    });
    return Boolean(payload);
  };

  return (
    <SettingsForm label="Account settings" submitLabel="Save account settings" savedText="Account settings saved." action={action} fields={FIELDS} onSave={save}>
      <TextField
        label="Account name"
        value={draft.name}
        onChange={(e) => set('name', e.target.value)}
        error={errorFor(action.errors, 'name')}
        hint="Shown to payers on hosted pages and invoices."
        required
      />
      <div className="form-grid">
        <SelectField
          label="Default currency"
          value={draft.currency}
          onChange={(e) => set('currency', e.target.value)}
          error={errorFor(action.errors, 'defaultCurrency')}
          hint="For sales that name no currency."
        >
          {options(choices.currencies.map((c) => ({ value: c.value, label: `${c.value} · ${c.label}` })), draft.currency)}
        </SelectField>
        <SelectField
          label="Time zone"
          value={draft.timezone}
          onChange={(e) => set('timezone', e.target.value)}
          error={errorFor(action.errors, 'timezone')}
          hint="Decides billing days and the dates staff see."
        >
          {options(choices.timeZones.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') })), draft.timezone)}
        </SelectField>
        <SelectField
          label="Locale"
          value={draft.locale}
          onChange={(e) => set('locale', e.target.value)}
          error={errorFor(action.errors, 'locale')}
          hint="Formats money and dates."
        >
          {options(choices.locales.map((l) => ({ value: l.value, label: `${l.label} · ${l.value}` })), draft.locale)}
        </SelectField>
      </div>
      <CheckboxField label="Email invoices to customers" checked={draft.emailInvoices} onChange={(e) => set('emailInvoices', e.target.checked)} />
      <TextField
        label="Renewal reminder (days before)"
        inputMode="numeric"
        value={draft.reminderDays}
        onChange={(e) => set('reminderDays', e.target.value)}
        error={errorFor(action.errors, 'renewalReminderDays')}
        hint="Email subscribers this many days (1 to 60) before each renewal charge. Empty: no reminder."
      />
      <CheckboxField label="Email customers when a payment plan is paid in full" checked={draft.emailPlanCompleted} onChange={(e) => set('emailPlanCompleted', e.target.checked)} />
      <TextField
        label={`REP refund limit (${code || account.defaultCurrency})`}
        value={draft.limit}
        inputMode="decimal"
        onChange={(e) => set('limit', e.target.value)}
        error={limitProblem ?? errorFor(action.errors, 'repRefundLimit')}
        hint="The largest refund a REP may give, in the default currency. 0: REPs may not refund. Admins and owners refund without limit."
      />
    </SettingsForm>
  );
}
