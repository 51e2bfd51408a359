/** The sales of one subscription or plan (the one that opened it, then each installment and change). */
import { useState } from 'react';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import { TransactionDrawer } from '../transactions/TransactionDrawer';
import { TransactionTable } from '../transactions/TransactionTable';
import { Empty, Loading, QueryError } from '../ui/States';

const SubscriptionPaymentsQuery = graphql(`
  query SubscriptionPayments($id: ID!) {
    subscription(id: $id) {
      id
      customer {
        id
      }
      transactions {
        ...TransactionRow
      }
    }
  }
`);

export function SubscriptionPayments({ subscriptionId, title }: { subscriptionId: string; title: string }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const [{ data, error, fetching }] = useQuery({ query: SubscriptionPaymentsQuery, variables: { id: subscriptionId } });
  const rows = data?.subscription?.transactions ?? [];
  return (
    <div className="sub-payments">
      {fetching && !data ? <Loading label="Loading payments…" /> : null}
      {error ? <QueryError error={error} /> : null}
      {data && !rows.length ? <Empty>No payments yet.</Empty> : null}
      {rows.length ? <TransactionTable rows={rows} onOpen={setOpenId} caption={`Payments of ${title}, oldest first`} /> : null}
      <TransactionDrawer transactionId={openId} onClose={() => setOpenId(null)} onOpen={setOpenId} />
    </div>
  );
}
