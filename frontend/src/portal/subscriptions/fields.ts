/** What every subscription screen and mutation selects, so a mutation's result refreshes the list. */
import { graphql } from '../gql';

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
    createdAt
    unitPrice {
      amount
      currency
      formatted
    }
    credit {
      amount
      currency
      formatted
    }
    balanceRemaining {
      amount
      currency
      formatted
    }
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
