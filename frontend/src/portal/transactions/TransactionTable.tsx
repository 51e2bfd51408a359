/**
 * The table of sales shown on a customer, on a subscription and on the
 * Transactions page. Each row has a "View" button (a real button, so the
 * keyboard reaches it) that opens the transaction drawer, where the row's
 * actions live; clicking anywhere on the row does the same for the mouse.
 */
import { useState } from 'react';
import { Link } from 'react-router';

import { graphql } from '../gql';
import type { TransactionRowFragment } from '../gql/graphql';
import { useViewer } from '../auth/viewer';
import { formatDate, humanize } from '../ui/format';
import { toMinorUnits } from '../ui/money';
import { StatusBadge } from '../ui/StatusBadge';
import { paidHowLabel, personName } from './labels';
import './transactions.css';

export const TransactionRow = graphql(`
  fragment TransactionRow on Transaction {
    id
    status
    origin
    transactionDate
    markedPaidAt
    paidWith
    total {
      ...PaymentsMoney
    }
    amountRefunded {
      ...PaymentsMoney
    }
    paymentMethod {
      id
      brand
      last4
    }
  }
`);

export type TransactionRowCustomer = { id: string; firstName?: string | null; lastName?: string | null; email?: string | null };

interface TableProps {
  rows: readonly (TransactionRowFragment & { customer?: TransactionRowCustomer })[];
  onOpen: (id: string) => void;
  caption: string;
  showCustomer?: boolean;
}

export function TransactionTable({ rows, onOpen, caption, showCustomer = false }: TableProps) {
  const { locale } = useViewer();
  return (
    <div className="table-wrap">
      <table className={showCustomer ? 'table tx-table tx-table-customers' : 'table tx-table'}>
        <caption className="tx-caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            {showCustomer ? <th scope="col">Customer</th> : null}
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Paid with</th>
            <th scope="col" className="hide-narrow">
              Origin
            </th>
            <th scope="col">
              <span className="tx-visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const date = formatDate(row.transactionDate, locale);
            return (
              <tr key={row.id} className="row-link" onClick={() => onOpen(row.id)}>
                <td className="tx-c-date">{date}</td>
                {showCustomer ? (
                  <td className="tx-c-customer">
                    {row.customer ? (
                      <Link to={`/customers/${row.customer.id}`} onClick={(event) => event.stopPropagation()}>
                        {personName(row.customer)}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                ) : null}
                <td className="tx-c-status">
                  <StatusBadge status={row.status} />
                </td>
                <td className="num tx-c-amount">
                  {row.total.formatted}
                  {isPositive(row.amountRefunded) ? (
                    <div className="muted tx-small">{row.amountRefunded.formatted} refunded</div>
                  ) : null}
                </td>
                <td className="tx-c-card">{paidHowLabel(row)}</td>
                <td className="hide-narrow">{humanize(row.origin)}</td>
                <td className="tx-c-view">
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    aria-label={`View ${row.total.formatted} ${humanize(row.status).toLowerCase()} on ${date}`}
                    onClick={(event) => {
                      event.stopPropagation();
                      onOpen(row.id);
                    }}
                  >
                    View
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Whether an API amount is above zero (exact, no float). */
export function isPositive(money: { amount: string; currency: string }): boolean {
  return (toMinorUnits(money.amount, money.currency) ?? 0n) > 0n;
}

/** The `after` cursors of the pages that led to this one; the first page has none. */
export function useCursorPages(): {
  after: string | null;
  page: number;
  next: (endCursor: string | null | undefined) => void;
  previous: () => void;
  reset: () => void;
} {
  const [stack, setStack] = useState<string[]>([]);
  return {
    after: stack.at(-1) ?? null,
    page: stack.length + 1,
    next: (endCursor) => {
      if (endCursor) setStack((cursors) => [...cursors, endCursor]);
    },
    previous: () => setStack((cursors) => cursors.slice(0, -1)),
    reset: () => setStack([]),
  };
}

/** Next/Previous through keyset pages: a stack of the `after` cursors that led here. */
export function Pager({
  page,
  hasNext,
  onNext,
  onPrevious,
  label,
}: {
  page: number;
  hasNext: boolean;
  onNext: () => void;
  onPrevious: () => void;
  label: string;
}) {
  if (page === 1 && !hasNext) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="btn btn-secondary btn-small" disabled={page === 1} onClick={onPrevious}>
        Previous
      </button>
      <span className="muted">Page {page}</span>
      <button type="button" className="btn btn-secondary btn-small" disabled={!hasNext} onClick={onNext}>
        Next
      </button>
    </nav>
  );
}
