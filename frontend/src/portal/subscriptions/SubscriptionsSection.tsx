/**
 * The customer's subscriptions and payment plans: what each charges, when,
 * and where it stands (paused, cancelling, past due), with the actions the
 * viewer's role may run. REP: pause, resume, move the next charge date, pay
 * a plan off; ADMIN and up also cancel and change price or quantity.
 */
import { useId, useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SubscriptionDetailsFragment } from '../gql/graphql';
import { cardLabel } from '../transactions/labels';
import { isPositive } from '../transactions/TransactionTable';
import { formatDate, formatDateTime, today } from '../ui/format';
import { formatMoney, fromMinorUnits, toMinorUnits } from '../ui/money';
import { Empty, Loading, Notice, QueryError } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { isOpen, unitWord } from './fields';
import type { Outcome } from './RetryNow';
import { RetryNow } from './RetryNow';
import { SubscriptionActions } from './SubscriptionActions';
import { SubscriptionPayments } from './SubscriptionPayments';
import './subscriptions.css';

const SubscriptionsSectionQuery = graphql(`
  query SubscriptionsSection($id: ID!) {
    customer(id: $id) {
      id
      subscriptions {
        ...SubscriptionDetails
      }
    }
  }
`);

export function SubscriptionsSection({ customerId }: { customerId: string }) {
  const headingId = useId();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SubscriptionsSectionQuery, variables: { id: customerId } });
  const subscriptions = data?.customer?.subscriptions ?? [];
  return (
    <section className="section" aria-labelledby={headingId}>
      <div className="section-header">
        <h2 id={headingId}>Subscriptions and payment plans</h2>
      </div>
      {fetching && !data ? <Loading label="Loading subscriptions…" /> : null}
      {error ? <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} /> : null}
      {data && !subscriptions.length ? <Empty>No subscriptions or payment plans.</Empty> : null}
      {subscriptions.length ? (
        <ul className="sub-list">
          {subscriptions.map((subscription) => (
            <SubscriptionItem key={subscription.id} subscription={subscription} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function SubscriptionItem({ subscription: s }: { subscription: SubscriptionDetailsFragment }) {
  const { locale } = useViewer();
  const titleId = useId();
  const [done, setDone] = useState<Outcome | null>(null);
  const said = (text: string) => setDone({ tone: 'success', text });
  const [showPayments, setShowPayments] = useState(false);
  const plan = s.kind === 'PAYMENT_PLAN';
  return (
    <li className="sub-item">
      <article aria-labelledby={titleId}>
        <div className="sub-head">
          <h3 id={titleId}>{s.description}</h3>
          <StatusBadge status={s.status} />
          <span className="muted">{plan ? 'Payment plan' : 'Subscription'}</span>
        </div>
        {s.dunning || s.status === 'PAST_DUE' ? (
          <div className="sub-dunning">
            <Notice tone="warning">{dunningText(s, locale)}</Notice>
            <RetryNow subscription={s} onDone={setDone} />
          </div>
        ) : null}
        <dl className="facts">
          <dt>Amount</dt>
          <dd>
            <span className="sub-amount">{amountPerUnit(s, locale)}</span>
            {s.quantity !== 1 ? (
              <span className="muted">
                {' '}
                ({s.quantity} × {s.unitPrice.formatted})
              </span>
            ) : null}
          </dd>
          <dt>Next charge</dt>
          <dd>{nextChargeText(s, locale)}</dd>
          {plan && isOpen(s.status) ? (
            <>
              <dt>Payments remaining</dt>
              <dd>{s.paymentsRemaining ?? '—'}</dd>
              <dt>Balance remaining</dt>
              <dd>{s.balanceRemaining?.formatted ?? '—'}</dd>
            </>
          ) : null}
          {s.status === 'PAUSED' ? (
            <>
              <dt>Paused</dt>
              <dd>
                {s.pausedAt ? `Since ${formatDate(s.pausedAt, locale)}; ` : ''}
                {s.resumeOn ? `resumes on ${formatDate(s.resumeOn, locale)}` : 'until resumed'}
              </dd>
            </>
          ) : null}
          {s.trialEndsOn ? (
            <>
              <dt>Free trial</dt>
              <dd>{trialText(s.trialEndsOn, locale)}</dd>
            </>
          ) : null}
          {s.cancelAt ? (
            <>
              <dt>Cancels on</dt>
              <dd>{formatDate(s.cancelAt, locale)}</dd>
            </>
          ) : null}
          {isPositive(s.credit) ? (
            <>
              <dt>Credit</dt>
              <dd>{s.credit.formatted} off the next charges</dd>
            </>
          ) : null}
          <dt>Card</dt>
          <dd>{cardLabel(s.paymentMethod)}</dd>
          <dt>Started</dt>
          <dd>{formatDate(s.createdAt, locale)}</dd>
        </dl>
        {done ? <Notice tone={done.tone}>{done.text}</Notice> : null}
        <div className="sub-actions">
          <SubscriptionActions
            subscription={s}
            onDone={said}
            onStart={() => setDone(null)}
          />
          <button
            type="button"
            className="btn btn-secondary btn-small"
            aria-expanded={showPayments}
            onClick={() => setShowPayments((shown) => !shown)}
          >
            {showPayments ? 'Hide payments' : 'View payments'}
          </button>
        </div>
        {showPayments ? <SubscriptionPayments subscriptionId={s.id} title={s.description} /> : null}
      </article>
    </li>
  );
}

/** "$19.98 per month": quantity × unit price, exact in minor units. */
function amountPerUnit(s: SubscriptionDetailsFragment, locale: string): string {
  const units = toMinorUnits(s.unitPrice.amount, s.unitPrice.currency);
  const each = unitWord(s.unit);
  if (units === null) return `${s.unitPrice.formatted} × ${s.quantity} per ${each}`;
  const total = formatMoney({ amount: fromMinorUnits(units * BigInt(s.quantity), s.unitPrice.currency), currency: s.unitPrice.currency }, locale);
  return `${total} per ${each}`;
}

/** The next charge as the runner will make it: the day it resumes onto while paused, none once ended. */
/** "Until 14 Mar 2026" while the trial runs (its first charge is that day), "Ended ..." after. */
function trialText(trialEndsOn: string, locale: string): string {
  return `${trialEndsOn > today() ? 'Until' : 'Ended'} ${formatDate(trialEndsOn, locale)}`;
}

function nextChargeText(s: { status: string; nextChargeDate?: string | null }, locale: string): string {
  if (s.status === 'PAUSED') return s.nextChargeDate ? `${formatDate(s.nextChargeDate, locale)} (when it resumes)` : 'None while paused';
  if (!s.nextChargeDate) return isOpen(s.status) ? '—' : 'None';
  return formatDate(s.nextChargeDate, locale);
}

/** Where a declined order stands: its attempts, and when the runner tries again (a new card: at once). */
function dunningText(s: SubscriptionDetailsFragment, locale: string): string {
  const next = s.nextAttemptAt ? `the next attempt is ${formatDateTime(s.nextAttemptAt, locale)}` : 'no retry is scheduled';
  if (!s.dunning) return `Past due: the last charge failed; ${next}.`;
  const attempts = `${s.dunning.attempts} ${s.dunning.attempts === 1 ? 'attempt' : 'attempts'}`;
  return `Payment failed: ${attempts} since ${formatDate(s.dunning.since, locale)}; ${next}.`;
}
