/** Small words and keys the payments screens share. */
import type { PaidWith, RefundReason } from '../gql/graphql';

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** How a sale paid outside paydesk was paid, in words. */
export const PAID_WITH_LABELS: Record<PaidWith, string> = {
  CASH: 'Cash',
  CHEQUE: 'Cheque',
  BANK_TRANSFER: 'Bank transfer',
  CARD_ELSEWHERE: 'Card on another system',
  OTHER: 'Other',
};

/** Why a refund was made, in words. */
export const REFUND_REASON_LABELS: Record<RefundReason, string> = {
  REQUESTED_BY_CUSTOMER: 'Requested by the customer',
  DUPLICATE: 'Duplicate payment',
  FRAUDULENT: 'Fraudulent payment',
  OTHER: 'Other',
};

/**
 * How a sale was paid, for a table's "Paid with" column: the card for a
 * charge; "Marked paid" or "Logged" (with how, when said) for a sale paid
 * outside paydesk, never the card of an attempt that no longer applies.
 */
export function paidHowLabel(sale: {
  origin: string;
  markedPaidAt?: string | null;
  paidWith?: PaidWith | null;
  paymentMethod?: { brand: string; last4: string } | null;
}): string {
  const how = sale.paidWith ? ` · ${PAID_WITH_LABELS[sale.paidWith]}` : '';
  if (sale.markedPaidAt) return `Marked paid${how}`;
  if (sale.origin === 'LOGGED') return `Logged${how}`;
  return cardLabel(sale.paymentMethod, sale.origin);
}

/** "Visa •••• 4242" for a card; a sale recorded without one says "Logged". */
export function cardLabel(card: { brand: string; last4: string } | null | undefined, origin?: string): string {
  if (card) return `${BRANDS[card.brand] ?? 'Card'} •••• ${card.last4}`;
  return origin === 'LOGGED' ? 'Logged' : '—';
}

/**
 * A key for one opened dialog of a money-moving action, so a retry after a
 * network error cannot move money twice. crypto.randomUUID exists only in
 * secure contexts; a desk served over plain http on a LAN still gets a
 * random key from getRandomValues, which works everywhere.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The day `days` after a YYYY-MM-DD day, as YYYY-MM-DD (calendar arithmetic, no time zone). */
export function addDays(day: string, days: number): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const next = new Date(Date.UTC(year, month - 1, date + days));
  return next.toISOString().slice(0, 10);
}

/** "Ana Lima", else the email, else the id. */
export function personName(person: { id: string; firstName?: string | null; lastName?: string | null; email?: string | null }): string {
  return [person.firstName, person.lastName].filter(Boolean).join(' ') || person.email || person.id;
}
