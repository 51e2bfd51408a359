/**
 * One sale in a drawer: what it is, what happened to it, and the actions the
 * API says are available now (`availableActions`): the portal never decides
 * them itself. Each action opens its own confirm dialog, rendered beside the
 * drawer (not inside it) so Escape closes only the dialog on top.
 */
import { Link } from 'react-router';
import { useQuery } from 'urql';

import { useCan, useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { TransactionActionKind, TransactionDetailsFragment } from '../gql/graphql';
import { Dialog } from '../ui/Dialog';
import { formatDateTime, humanize } from '../ui/format';
import { Empty, Loading, Notice, QueryError } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { useTransactionAction } from './TransactionActions';
import { ACTION_LABELS } from './TransactionConfirm';
import { isPositive } from './TransactionTable';
import { PAID_WITH_LABELS, REFUND_REASON_LABELS, cardLabel, personName } from './labels';
import { resultWords } from '../sales/outcome';
import './transactions.css';

export const TransactionDetails = graphql(`
  fragment TransactionDetails on Transaction {
    id
    status
    origin
    transactionDate
    createdAt
    resultCode
    declineCode
    resultMessage
    externalId
    markedPaidAt
    paidWith
    reference
    note
    subtotal {
      ...PaymentsMoney
    }
    discount {
      ...PaymentsMoney
    }
    total {
      ...PaymentsMoney
    }
    amountRefunded {
      ...PaymentsMoney
    }
    refundableAmount {
      ...PaymentsMoney
    }
    availableActions {
      action
      allowed
      reason
      maxAmount {
        ...PaymentsMoney
      }
    }
    customer {
      id
      email
      firstName
      lastName
    }
    lines {
      description
      quantity
      kind
      unit
      paymentCount
      paymentNumber
      unitPrice {
        formatted
      }
      discount {
        ...PaymentsMoney
      }
      total {
        formatted
      }
    }
    paymentMethod {
      id
      brand
      last4
      expMonth
      expYear
    }
    gateway {
      id
      name
      kind
      testMode
    }
    invoice {
      id
      number
      url
      issuedAt
      lastSentAt
    }
    commission {
      amount {
        formatted
      }
      gross {
        formatted
      }
      ratePercent
      rateAmount {
        formatted
      }
      computedAt
      partner {
        id
        name
      }
    }
    refunds {
      id
      status
      reason
      reasonCode
      createdAt
      throughGateway
      failureMessage
      amount {
        formatted
      }
      createdBy {
        id
        email
      }
    }
    events {
      kind
      note
      createdAt
      amount {
        formatted
      }
      actor {
        id
        email
      }
      actorApiKey
    }
    replacesTransaction {
      id
      status
      transactionDate
      total {
        formatted
      }
    }
  }
`);

export const TransactionDrawerQuery = graphql(`
  query TransactionDrawer($id: ID!) {
    transaction(id: $id) {
      ...TransactionDetails
    }
  }
`);

interface DrawerProps {
  /** The sale to show; null keeps the drawer closed. */
  transactionId: string | null;
  onClose: () => void;
  /** Open another sale in the same drawer (the one this one replaces). */
  onOpen?: (id: string) => void;
}

export function TransactionDrawer({ transactionId, onClose, onOpen }: DrawerProps) {
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: TransactionDrawerQuery,
    variables: { id: transactionId ?? '' },
    pause: !transactionId,
  });
  const transaction = data?.transaction ?? null;
  const { done, dialog, start, reset } = useTransactionAction(transaction, () => reexecute({ requestPolicy: 'network-only' }));
  const close = () => {
    reset();
    onClose();
  };
  return (
    <>
      <Dialog title="Transaction details" open={Boolean(transactionId)} onClose={close} drawer>
        {done ? <Notice tone="success">{done}</Notice> : null}
        {fetching && !transaction ? <Loading /> : null}
        {error && !transaction ? <QueryError error={error} /> : null}
        {!fetching && !error && !transaction ? <Empty>This transaction does not exist.</Empty> : null}
        {transaction ? (
          <p className="tx-page-link">
            <Link to={`/transactions/${transaction.id}`}>Open as a page</Link>
          </p>
        ) : null}
        {transaction ? (
          <TransactionBody transaction={transaction} onAction={start} onOpen={onOpen} />
        ) : null}
      </Dialog>
      {dialog}
    </>
  );
}

/** Who did something to a sale: a staff member, an API key (by its appId), or paydesk itself. */
function actorWords(event: { actor?: { email: string } | null; actorApiKey?: string | null }): string {
  if (event.actor) return event.actor.email;
  if (event.actorApiKey) return `API key ${event.actorApiKey}`;
  return 'paydesk (automatic)';
}

export function TransactionBody({
  transaction: t,
  onAction,
  onOpen,
}: {
  transaction: TransactionDetailsFragment;
  onAction: (kind: TransactionActionKind) => void;
  onOpen: ((id: string) => void) | undefined;
}) {
  const { locale } = useViewer();
  const staff = useCan('REP');
  const allowed = staff ? t.availableActions.filter((a) => a.allowed) : [];
  const unavailable = staff ? t.availableActions.filter((a) => !a.allowed && a.reason) : [];
  const outside = t.origin === 'LOGGED' || Boolean(t.markedPaidAt);
  return (
    <div className="tx-drawer">
      <div className="tx-summary">
        <strong>{t.total.formatted}</strong>
        <StatusBadge status={t.status} />
        <span className="muted">{formatDateTime(t.transactionDate, locale)}</span>
      </div>

      {allowed.length ? (
        <div className="tx-actions" role="group" aria-label="Transaction actions">
          {allowed.map((a) => (
            <button
              key={a.action}
              type="button"
              className={a.action === 'REFUND' || a.action === 'VOID' ? 'btn btn-primary' : 'btn btn-secondary'}
              onClick={() => onAction(a.action)}
            >
              {ACTION_LABELS[a.action].button}
            </button>
          ))}
        </div>
      ) : null}
      {unavailable.length ? (
        <details className="tx-unavailable muted">
          <summary>Why other actions are unavailable</summary>
          <ul>
            {unavailable.map((a) => (
              <li key={a.action}>
                {ACTION_LABELS[a.action].button}: {a.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <section aria-labelledby="tx-overview">
        <h3 id="tx-overview">Overview</h3>
        <dl className="facts">
          <dt>Status</dt>
          <dd>{humanize(t.status)}</dd>
          <dt>Customer</dt>
          <dd>
            <Link to={`/customers/${t.customer.id}`}>{personName(t.customer)}</Link>
          </dd>
          <dt>Origin</dt>
          <dd>{t.origin === 'LOGGED' ? 'Logged (recorded, not charged here)' : 'Charged'}</dd>
          {t.markedPaidAt ? (
            <>
              <dt>Paid</dt>
              <dd>Marked paid outside paydesk, paid {formatDateTime(t.markedPaidAt, locale)}</dd>
            </>
          ) : null}
          {outside ? <PaidOutsideFacts transaction={t} /> : null}
          {/* A sale marked paid was paid another way: the declined or failed attempt's result no longer applies. */}
          {t.resultCode && !t.markedPaidAt ? (
            <>
              <dt>Result</dt>
              <dd>{resultWords(t)}</dd>
            </>
          ) : null}
          {t.resultMessage && !t.markedPaidAt ? (
            <>
              <dt>Message</dt>
              <dd>{t.resultMessage}</dd>
            </>
          ) : null}
          {t.origin === 'LOGGED' ? null : (
            <>
              <dt>{t.markedPaidAt ? 'Card tried' : 'Card'}</dt>
              <dd>{cardLabel(t.paymentMethod, t.origin)}</dd>
            </>
          )}
          {t.gateway && !t.markedPaidAt ? (
            <>
              <dt>Gateway</dt>
              <dd>
                {t.gateway.name}
                {t.gateway.testMode ? <span className="muted"> (test mode)</span> : null}
              </dd>
            </>
          ) : null}
          {t.externalId && !t.markedPaidAt ? (
            <>
              <dt>Gateway id</dt>
              <dd className="mono">{t.externalId}</dd>
            </>
          ) : null}
          <dt>Invoice</dt>
          <dd>
            {t.invoice ? (
              <>
                <a href={t.invoice.url} target="_blank" rel="noreferrer">
                  Invoice {t.invoice.number}
                </a>
                {t.invoice.lastSentAt ? (
                  <span className="muted"> · sent {formatDateTime(t.invoice.lastSentAt, locale)}</span>
                ) : null}
              </>
            ) : (
              'None'
            )}
          </dd>
          {t.replacesTransaction ? (
            <>
              <dt>Replaces</dt>
              <dd>
                {onOpen ? (
                  <button type="button" className="btn btn-link" onClick={() => onOpen(t.replacesTransaction!.id)}>
                    {t.replacesTransaction.total.formatted} of {formatDateTime(t.replacesTransaction.transactionDate, locale)}
                  </button>
                ) : (
                  <span>
                    {t.replacesTransaction.total.formatted} of {formatDateTime(t.replacesTransaction.transactionDate, locale)}
                  </span>
                )}{' '}
                <span className="muted">({humanize(t.replacesTransaction.status)})</span>
              </dd>
            </>
          ) : null}
          <dt>Id</dt>
          <dd className="mono">{t.id}</dd>
        </dl>
      </section>

      <section aria-labelledby="tx-lines">
        <h3 id="tx-lines">Lines</h3>
        {t.lines.length ? (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Description</th>
                  <th scope="col" className="num">
                    Qty
                  </th>
                  <th scope="col" className="num">
                    Unit price
                  </th>
                  <th scope="col" className="num hide-narrow">
                    Discount
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.lines.map((line, index) => (
                  <tr key={index}>
                    <td>
                      {line.description}
                      <div className="muted tx-small">{lineKind(line)}</div>
                    </td>
                    <td className="num">{line.quantity}</td>
                    <td className="num">{line.unitPrice.formatted}</td>
                    <td className="num hide-narrow">{isPositive(line.discount) ? `−${line.discount.formatted}` : '—'}</td>
                    <td className="num">{line.total.formatted}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>No lines.</Empty>
        )}
        <dl className="facts tx-totals">
          <dt>Subtotal</dt>
          <dd>{t.subtotal.formatted}</dd>
          <dt>Discount</dt>
          <dd>{isPositive(t.discount) ? `−${t.discount.formatted}` : t.discount.formatted}</dd>
          <dt>Total</dt>
          <dd>
            <strong>{t.total.formatted}</strong>
          </dd>
          <dt>Refunded</dt>
          <dd>{t.amountRefunded.formatted}</dd>
          <dt>Refundable</dt>
          <dd>{t.refundableAmount.formatted}</dd>
        </dl>
      </section>

      {t.commission ? (
        <section aria-labelledby="tx-commission">
          <h3 id="tx-commission">Commission</h3>
          <dl className="facts">
            <dt>Partner</dt>
            <dd>{t.commission.partner.name}</dd>
            <dt>Owed</dt>
            <dd>{t.commission.amount.formatted}</dd>
            <dt>Before refunds</dt>
            <dd>{t.commission.gross.formatted}</dd>
            <dt>Rate</dt>
            <dd>{t.commission.ratePercent ? `${t.commission.ratePercent}%` : (t.commission.rateAmount?.formatted ?? '—')}</dd>
            <dt>Computed</dt>
            <dd>{formatDateTime(t.commission.computedAt, locale)}</dd>
          </dl>
        </section>
      ) : null}

      <section aria-labelledby="tx-refunds">
        <h3 id="tx-refunds">Refunds</h3>
        {t.refunds.length ? (
          <ul className="tx-list">
            {t.refunds.map((refund) => (
              <li key={refund.id}>
                <div className="tx-list-head">
                  <strong>{refund.amount.formatted}</strong>
                  <StatusBadge status={refund.status} />
                </div>
                <div className="muted tx-small">
                  {formatDateTime(refund.createdAt, locale)} · by {refund.createdBy?.email ?? 'an API key'}
                  {refund.throughGateway ? '' : ' · recorded only'}
                </div>
                {refund.reasonCode ? <div>{REFUND_REASON_LABELS[refund.reasonCode]}</div> : null}
                {refund.reason ? <div>{refund.reason}</div> : null}
                {refund.failureMessage ? <div className="field-error">{refund.failureMessage}</div> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No refunds.</p>
        )}
      </section>

      <section aria-labelledby="tx-events">
        <h3 id="tx-events">Events</h3>
        {t.events.length ? (
          <ul className="tx-list">
            {t.events.map((event, index) => (
              <li key={index}>
                <div className="tx-list-head">
                  <span>
                    {humanize(event.kind)}
                    {event.amount ? ` · ${event.amount.formatted}` : ''}
                  </span>
                  <span className="muted tx-small">{formatDateTime(event.createdAt, locale)}</span>
                </div>
                {event.note ? <div>{event.note}</div> : null}
                <div className="muted tx-small">{actorWords(event)}</div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No events.</p>
        )}
      </section>
    </div>
  );
}

/** How a sale paid outside paydesk was paid: the way, the reference and staff's note, where said. */
function PaidOutsideFacts({ transaction: t }: { transaction: TransactionDetailsFragment }) {
  return (
    <>
      <dt>Paid with</dt>
      <dd>{t.paidWith ? PAID_WITH_LABELS[t.paidWith] : 'Not said'}</dd>
      {t.reference ? (
        <>
          <dt>Reference</dt>
          <dd className="mono">{t.reference}</dd>
        </>
      ) : null}
      {t.note ? (
        <>
          <dt>Payment note</dt>
          <dd>{t.note}</dd>
        </>
      ) : null}
    </>
  );
}

/** What a line is, so "1 × $150.00 = $100.00" on a plan's first payment reads right. */
function lineKind(line: TransactionDetailsFragment['lines'][number]): string {
  const every = line.unit ? ` every ${line.unit.toLowerCase()}` : '';
  if (line.kind === 'SUBSCRIPTION') return `Subscription${every}`;
  if (line.kind === 'PAYMENT_PLAN') {
    if (line.paymentNumber && line.paymentCount) {
      const then = line.paymentNumber < line.paymentCount ? `; then ${line.unitPrice.formatted}${line.quantity !== 1 ? ` × ${line.quantity}` : ''}${every}` : '';
      return `Payment plan: payment ${line.paymentNumber} of ${line.paymentCount}${then}`;
    }
    return `Payment plan${line.paymentCount ? `, ${line.paymentCount} payments` : ''}${every}`;
  }
  return 'One-off';
}
