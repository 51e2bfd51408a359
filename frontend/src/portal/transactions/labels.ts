/** Small words and keys the payments screens share. */

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

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
