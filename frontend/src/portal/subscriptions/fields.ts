/** What every subscription screen and mutation selects, so a mutation's result refreshes the list. */
import { graphql } from '../gql';
import type { SubscriptionDetailsFragment } from '../gql/graphql';

export const SubscriptionDetails = graphql(`
  fragment SubscriptionDetails on Subscription {
    id
    kind
    description
    quantity
    unit
    status
    paymentsRemaining
    nextChargeDate
    cancelAt
    pausedAt
    resumeOn
    trialEndsOn
    createdAt
    unitPrice {
      ...PaymentsMoney
    }
    credit {
      ...PaymentsMoney
    }
    balanceRemaining {
      ...PaymentsMoney
    }
    nextAttemptAt
    dunning {
      attempts
      since
      nextRetryAt
    }
    paymentMethod {
      id
      brand
      last4
    }
    customer {
      id
    }
  }
`);

const UNITS: Record<string, [string, string]> = {
  DAY: ['day', 'daily'],
  WEEK: ['week', 'weekly'],
  MONTH: ['month', 'monthly'],
  QUARTER: ['quarter', 'quarterly'],
  YEAR: ['year', 'yearly'],
};

/** "month" for MONTH. */
export function unitWord(unit: string): string {
  return UNITS[unit]?.[0] ?? unit.toLowerCase();
}

/** "subscription" or "payment plan", for titles and buttons. */
export function kindNoun(kind: string): string {
  return kind === 'PAYMENT_PLAN' ? 'payment plan' : 'subscription';
}

/** Still billing (or able to): not cancelled or completed. */
export function isOpen(status: string): boolean {
  return status !== 'CANCELLED' && status !== 'COMPLETED';
}

/** A YYYY-MM-DD day, as a date field gives it. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

/** What every subscription action's dialog gets from its button. */
export interface SubscriptionDialogProps {
  subscription: SubscriptionDetailsFragment;
  onClose: () => void;
  /** After success, with a sentence saying what happened. */
  onDone: (message: string) => void;
}
