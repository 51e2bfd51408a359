/**
 * The dunning policy: when a declined installment is retried and what
 * happens when the retries run out (updateDunningPolicy). Retry days are
 * typed as "1, 3, 7" and sent as a list of integers; the API checks the
 * range and order and answers at `retryDays`.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import type { DunningFinalAction, SettingsDunningQuery } from '../gql/graphql';
import { errorFor } from '../ui/errors';
import { CheckboxField, SelectField, TextField } from '../ui/Field';
import { useAction } from '../ui/useAction';
import { QueryStates, SettingsSection } from './SettingsSection';
import { SettingsForm } from './SettingsForm';
import { useDraft } from './useDraft';

graphql(`
  fragment SettingsDunningAccount on Account {
    id
    dunningPolicy {
      retryDays
      finalAction
      tryOtherCards
      emailCardLink
      hardDeclineCodes
    }
  }
`);

const SettingsDunningQueryDoc = graphql(`
  query SettingsDunning {
    viewer {
      account {
        ...SettingsDunningAccount
      }
    }
  }
`);

const SettingsUpdateDunningPolicy = graphql(`
  mutation SettingsUpdateDunningPolicy($input: UpdateDunningPolicyInput!) {
    updateDunningPolicy(input: $input) {
      account {
        ...SettingsDunningAccount
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Policy = SettingsDunningQuery['viewer']['account']['dunningPolicy'];

const FIELDS = ['retryDays', 'finalAction', 'tryOtherCards', 'emailCardLink'];

/** "1, 3, 7" as [1, 3, 7]; null when a part is not a whole number. An empty text is no retries. */
export function parseRetryDays(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.every((part) => /^\d+$/.test(part))) return null;
  return parts.map((part) => Number.parseInt(part, 10));
}

export function DunningSettings() {
  const [result] = useQuery({ query: SettingsDunningQueryDoc });
  const account = result.data?.viewer.account;
  return (
    <SettingsSection id="settings-dunning-title" title="Dunning">
      <p className="muted">When a subscription or payment plan installment is declined, paydesk retries it on these days after the first decline.</p>
      <QueryStates result={result} />
      {account ? <DunningForm key={account.id} policy={account.dunningPolicy} /> : null}
    </SettingsSection>
  );
}

function DunningForm({ policy }: { policy: Policy }) {
  const [draft, set] = useDraft({
    days: policy.retryDays.join(', '),
    finalAction: policy.finalAction,
    tryOtherCards: policy.tryOtherCards,
    emailCardLink: policy.emailCardLink,
  });
  const [daysProblem, setDaysProblem] = useState<string | null>(null);
  const action = useAction(SettingsUpdateDunningPolicy, (data) => data.updateDunningPolicy);

  const save = async () => {
    const retryDays = parseRetryDays(draft.days);
    setDaysProblem(retryDays ? null : 'Enter whole days separated by commas, e.g. 1, 3, 7.');
    if (!retryDays) return false;
    const { finalAction, tryOtherCards, emailCardLink } = draft;
    const payload = await action.run({ input: { retryDays, finalAction, tryOtherCards, emailCardLink } });
    return Boolean(payload);
  };

  return (
    <SettingsForm label="Dunning policy" submitLabel="Save dunning policy" savedText="Dunning policy saved." action={action} fields={FIELDS} onSave={save} spaced>
      <TextField
        label="Retry days"
        value={draft.days}
        inputMode="numeric"
        onChange={(e) => set('days', e.target.value)}
        error={daysProblem ?? errorFor(action.errors, 'retryDays')}
        hint="Days after the first decline, increasing, 1 to 60, at most 10, e.g. 1, 3, 7. Empty: no retries."
      />
      <SelectField
        label="When retries run out"
        value={draft.finalAction}
        onChange={(e) => set('finalAction', e.target.value as DunningFinalAction)}
        error={errorFor(action.errors, 'finalAction')}
      >
        <option value="KEEP_PAST_DUE">Keep past due</option>
        <option value="CANCEL">Cancel</option>
        <option value="WRITE_OFF">Write off</option>
      </SelectField>
      <CheckboxField label="Try other cards on file" checked={draft.tryOtherCards} onChange={(e) => set('tryOtherCards', e.target.checked)} />
      <CheckboxField label="Email a card-request link after each decline" checked={draft.emailCardLink} onChange={(e) => set('emailCardLink', e.target.checked)} />
      <h3 id="settings-hard-declines">Hard declines</h3>
      <p className="muted">These decline codes skip the retries: the card cannot work again.</p>
      <ul className="settings-tags" aria-labelledby="settings-hard-declines">
        {policy.hardDeclineCodes.map((code) => (
          <li key={code}>
            <span className="badge badge-neutral mono">{code}</span>
          </li>
        ))}
      </ul>
    </SettingsForm>
  );
}
