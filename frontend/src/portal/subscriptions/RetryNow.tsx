/**
 * "Retry now" on an order waiting on a declined installment (REP and up):
 * retryInstallment charges it at once through the billing runner's own path
 * (never twice, even racing the runner), with a key made once per click.
 */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import type { SubscriptionDetailsFragment } from '../gql/graphql';
import { declineWhy } from '../sales/outcome';
import { newIdempotencyKey } from '../transactions/labels';
import { Button } from '../ui/Button';
import { FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';

const RetryInstallment = graphql(`
  mutation SubscriptionRetryInstallment($input: RetryInstallmentInput!) {
    retryInstallment(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      transaction {
        id
        status
        declineCode
        total {
          formatted
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export type Outcome = { tone: 'success' | 'warning'; text: string };

/** What the retry did, in the tone it deserves: paid is good news, another decline is not. */
function outcomeOf(sale: { status: string; declineCode?: string | null; total: { formatted: string } }): Outcome {
  if (sale.status === 'PAID') return { tone: 'success', text: `Retried: ${sale.total.formatted} was paid.` };
  if (sale.status === 'DECLINED') return { tone: 'warning', text: `Retried: declined again (${declineWhy(sale.declineCode)}). Nothing was charged.` };
  return { tone: 'warning', text: `Retried: the payment is ${sale.status.toLowerCase()}.` };
}

/** The button; `onDone` gets the outcome, shown by the order (a paid retry ends this banner). */
export function RetryNow({ subscription: s, onDone }: { subscription: SubscriptionDetailsFragment; onDone: (outcome: Outcome) => void }) {
  const rep = useCan('REP');
  const run = useAction(RetryInstallment, (data) => data.retryInstallment);
  const [key, setKey] = useState(newIdempotencyKey);
  if (!rep) return null;
  const retry = async () => {
    const payload = await run.run({ input: { subscriptionId: s.id, idempotencyKey: key } });
    setKey(newIdempotencyKey());
    if (payload?.transaction) onDone(outcomeOf(payload.transaction));
  };
  return (
    <>
      <Button busy={run.busy} onClick={() => void retry()}>
        Retry now
      </Button>
      <FormErrors errors={run.errors} failure={run.failure} />
    </>
  );
}
