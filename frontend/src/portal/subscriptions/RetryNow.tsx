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

export function RetryNow({ subscription: s, onDone }: { subscription: SubscriptionDetailsFragment; onDone: (message: string) => void }) {
  const rep = useCan('REP');
  const run = useAction(RetryInstallment, (data) => data.retryInstallment);
  const [key, setKey] = useState(newIdempotencyKey);
  if (!rep) return null;
  const retry = async () => {
    const payload = await run.run({ input: { subscriptionId: s.id, idempotencyKey: key } });
    setKey(newIdempotencyKey());
    const sale = payload?.transaction;
    if (!sale) return;
    if (sale.status === 'PAID') onDone(`Retried: ${sale.total.formatted} was paid.`);
    else if (sale.status === 'DECLINED') onDone(`Retried: declined again (${declineWhy(sale.declineCode)}). Nothing was charged.`);
    else onDone(`Retried: the payment is ${sale.status.toLowerCase()}.`);
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
