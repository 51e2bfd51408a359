/** Every sale of the account, newest first by the sale's date, filtered by status, each opening the transaction drawer. */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import type { TransactionStatus } from '../gql/graphql';
import { SelectField } from '../ui/Field';
import { humanize } from '../ui/format';
import { Empty, Loading, QueryError } from '../ui/States';
import { TransactionDrawer } from './TransactionDrawer';
import { Pager, TransactionTable, useCursorPages } from './TransactionTable';

/** Rows per page. */
const PAGE_SIZE = 25;

const STATUSES: readonly TransactionStatus[] = [
  'PAID',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'PENDING',
  'DECLINED',
  'FAILED',
  'VOIDED',
  'WRITTEN_OFF',
];

const TransactionsPageQuery = graphql(`
  query TransactionsPage($first: Int!, $after: String, $status: TransactionStatus) {
    transactions(first: $first, after: $after, status: $status, orderBy: TRANSACTION_DATE) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...TransactionRow
          customer {
            id
            firstName
            lastName
            email
          }
        }
      }
    }
  }
`);

export function TransactionsPage() {
  const [params, setParams] = useSearchParams();
  const given = params.get('status');
  const status = STATUSES.find((s) => s === given) ?? null;
  const pages = useCursorPages();
  const [openId, setOpenId] = useState<string | null>(null);
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: TransactionsPageQuery,
    variables: { first: PAGE_SIZE, after: pages.after, status },
  });
  const connection = data?.transactions;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  return (
    <section className="page" aria-labelledby="transactions-title">
      <div className="page-header">
        <h1 id="transactions-title">Transactions</h1>
        {connection ? <span className="muted">{connection.totalCount} in all</span> : null}
      </div>
      <div className="section">
        <div className="tx-filters">
          <SelectField
            label="Status"
            value={status ?? ''}
            onChange={(event) => {
              pages.reset();
              const next = new URLSearchParams(params);
              if (event.target.value) next.set('status', event.target.value);
              else next.delete('status');
              setParams(next, { replace: true });
            }}
          >
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </SelectField>
          {fetching && data ? <span className="muted">Updating…</span> : null}
        </div>
        {fetching && !data ? <Loading label="Loading transactions…" /> : null}
        {error ? <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} /> : null}
        {connection && !rows.length ? (
          <Empty>{status ? `No ${humanize(status).toLowerCase()} transactions.` : 'No transactions yet.'}</Empty>
        ) : null}
        {rows.length ? (
          <TransactionTable rows={rows} onOpen={setOpenId} caption="Transactions, newest first" showCustomer />
        ) : null}
        {connection ? (
          <Pager
            label="Transactions pages"
            page={pages.page}
            hasNext={connection.pageInfo.hasNextPage}
            onNext={() => pages.next(connection.pageInfo.endCursor)}
            onPrevious={pages.previous}
          />
        ) : null}
      </div>
      <TransactionDrawer transactionId={openId} onClose={() => setOpenId(null)} onOpen={setOpenId} />
    </section>
  );
}
