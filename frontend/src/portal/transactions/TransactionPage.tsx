/**
 * One sale on its own page, `/transactions/:transactionId`: the address can
 * be shared and survives a reload. It shows what the drawer shows (the
 * customer linked, results in plain words, the available actions) and runs
 * the same action dialogs. Another account's sale is Not found, exactly like
 * a missing one.
 */
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from 'urql';

import { NotFound } from '../NotFound';
import { humanize } from '../ui/format';
import { Loading, Notice, QueryError } from '../ui/States';
import { useTransactionAction } from './TransactionActions';
import { TransactionBody, TransactionDrawerQuery } from './TransactionDrawer';
import { personName } from './labels';
import './transactions.css';

export function TransactionPage() {
  const { transactionId = '' } = useParams();
  const navigate = useNavigate();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: TransactionDrawerQuery, variables: { id: transactionId } });
  const transaction = data?.transaction ?? null;
  const { done, dialog, start } = useTransactionAction(transaction, () => reexecute({ requestPolicy: 'network-only' }));
  if (fetching && !data) return <Loading label="Loading the transaction…" />;
  if (error && !data) return <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  if (!transaction) return <NotFound />;
  return (
    <section className="page" aria-labelledby="transaction-title">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/transactions">Transactions</Link> ›{' '}
        <Link to={`/customers/${transaction.customer.id}`}>{personName(transaction.customer)}</Link>
      </nav>
      <div className="page-header">
        <h1 id="transaction-title">
          {transaction.total.formatted} · {humanize(transaction.status)}
        </h1>
      </div>
      {done ? <Notice tone="success">{done}</Notice> : null}
      <div className="section">
        <TransactionBody transaction={transaction} onAction={start} onOpen={(id) => navigate(`/transactions/${id}`)} />
      </div>
      {dialog}
    </section>
  );
}
