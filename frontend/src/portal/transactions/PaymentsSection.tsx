/** The customer's payments: newest first by the sale's date, a page at a time, each opening the transaction drawer. */
import { useId, useState } from 'react';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import { Empty, Loading, QueryError } from '../ui/States';
import { TransactionDrawer } from './TransactionDrawer';
import { Pager, TransactionTable, useCursorPages } from './TransactionTable';

/** Rows per page: enough to see recent history, small enough to stay quick. */
const PAGE_SIZE = 10;

const PaymentsSectionQuery = graphql(`
  query PaymentsSection($id: ID!, $first: Int!, $after: String) {
    customer(id: $id) {
      id
      transactions(first: $first, after: $after, orderBy: TRANSACTION_DATE) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            ...TransactionRow
          }
        }
      }
    }
  }
`);

export function PaymentsSection({ customerId }: { customerId: string }) {
  const headingId = useId();
  const pages = useCursorPages();
  const [openId, setOpenId] = useState<string | null>(null);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: PaymentsSectionQuery,
    variables: { id: customerId, first: PAGE_SIZE, after: pages.after },
  });
  const connection = data?.customer?.transactions;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="section" aria-labelledby={headingId}>
      <div className="section-header">
        <h2 id={headingId}>Payments</h2>
        {connection ? <span className="muted">{connection.totalCount} in all</span> : null}
      </div>
      {fetching && !data ? <Loading label="Loading payments…" /> : null}
      {error ? <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} /> : null}
      {connection && !rows.length ? <Empty>No payments yet.</Empty> : null}
      {rows.length ? <TransactionTable rows={rows} onOpen={setOpenId} caption="Payments, newest first" /> : null}
      {connection ? (
        <Pager
          label="Payments pages"
          page={pages.page}
          hasNext={connection.pageInfo.hasNextPage}
          onNext={() => pages.next(connection.pageInfo.endCursor)}
          onPrevious={pages.previous}
        />
      ) : null}
      <TransactionDrawer transactionId={openId} onClose={() => setOpenId(null)} onOpen={setOpenId} />
    </section>
  );
}
