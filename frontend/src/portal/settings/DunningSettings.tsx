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
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, SelectField, TextField } from '../ui/Field';
import { FormErrors, Loading, Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsDunningQueryDoc = graphql(`
  query SettingsDunning {
    viewer {
      account {
        id
        dunningPolicy {
          retryDays
          finalAction
          tryOtherCards
          emailCardLink
          hardDeclineCodes
        }
      }
    }
  }
`);

const SettingsUpdateDunningPolicy = graphql(`
  mutation SettingsUpdateDunningPolicy($input: UpdateDunningPolicyInput!) {
    updateDunningPolicy(input: $input) {
      account {
        id
        dunningPolicy {
          retryDays
          finalAction
          tryOtherCards
          emailCardLink
          hardDeclineCodes
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

type Policy = SettingsDunningQuery['viewer']['account']['dunningPolicy'];

const FIELDS = ['retryDays', 'finalAction', 'tryOtherCards', 'emailCardLink'];

/** "1, 3, 7" as [1, 3, 7]; null when a part is not a whole number. An empty text is no retries. */
export function parseRetryDays(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.every((part) => /^\d+$/.test(part))) return null;
  return parts.map((part) => Number.parseInt(part, 10));
}

export function DunningSettings() {
  const [{ data, error, fetching }] = useQuery({ query: SettingsDunningQueryDoc });
  const account = data?.viewer.account;
  return (
    <section className="section" aria-labelledby="settings-dunning-title">
      <div className="section-header">
        <h2 id="settings-dunning-title">Dunning</h2>
      </div>
      <p className="muted">When a subscription or payment plan installment is declined, paydesk retries it on these days after the first decline.</p>
      {error ? <QueryError error={error} /> : null}
      {fetching && !account ? <Loading /> : null}
      {account ? <DunningForm key={account.id} policy={account.dunningPolicy} /> : null}
    </section>
  );
}

function DunningForm({ policy }: { policy: Policy }) {
  const [days, setDays] = useState(policy.retryDays.join(', '));
  const [finalAction, setFinalAction] = useState<DunningFinalAction>(policy.finalAction);
  const [tryOtherCards, setTryOtherCards] = useState(policy.tryOtherCards);
  const [emailCardLink, setEmailCardLink] = useState(policy.emailCardLink);
  const [daysProblem, setDaysProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction(SettingsUpdateDunningPolicy, (data) => data.updateDunningPolicy);

  const save = async () => {
    setSaved(false);
    const retryDays = parseRetryDays(days);
    setDaysProblem(retryDays ? null : 'Enter whole days separated by commas, e.g. 1, 3, 7.');
    if (!retryDays) return;
    const payload = await action.run({ input: { retryDays, finalAction, tryOtherCards, emailCardLink } });
    if (payload) setSaved(true);
  };

  return (
    <form
      className="settings-form"
      aria-label="Dunning policy"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <TextField
        label="Retry days"
        value={days}
        inputMode="numeric"
        onChange={(e) => setDays(e.target.value)}
        error={daysProblem ?? errorFor(action.errors, 'retryDays')}
        hint="Days after the first decline, increasing, 1 to 60, at most 10, e.g. 1, 3, 7. Empty: no retries."
      />
      <SelectField label="When retries run out" value={finalAction} onChange={(e) => setFinalAction(e.target.value as DunningFinalAction)} error={errorFor(action.errors, 'finalAction')}>
        <option value="KEEP_PAST_DUE">Keep past due</option>
        <option value="CANCEL">Cancel</option>
        <option value="WRITE_OFF">Write off</option>
      </SelectField>
      <CheckboxField label="Try other cards on file" checked={tryOtherCards} onChange={(e) => setTryOtherCards(e.target.checked)} />
      <CheckboxField label="Email a card-request link after each decline" checked={emailCardLink} onChange={(e) => setEmailCardLink(e.target.checked)} />
      <h3 id="settings-hard-declines">Hard declines</h3>
      <p className="muted">These decline codes skip the retries: the card cannot work again.</p>
      <ul className="settings-tags" aria-labelledby="settings-hard-declines">
        {policy.hardDeclineCodes.map((code) => (
          <li key={code}>
            <span className="badge badge-neutral mono">{code}</span>
          </li>
        ))}
      </ul>
      <FormErrors errors={unplaced(action.errors, FIELDS)} failure={action.failure} />
      {saved ? <Notice tone="success">Dunning policy saved.</Notice> : null}
      <div className="settings-form-actions settings-form-actions-spaced">
        <Button type="submit" variant="primary" busy={action.busy}>
          Save dunning policy
        </Button>
      </div>
    </form>
  );
}
