/**
 * How customers and their cards are named on screen. A customer may have no
 * name at all (only an email or phone), so every label falls back in turn.
 */
const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

interface Named {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
}

export function customerName(customer: Named): string {
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ');
  return name || customer.email || customer.phone || customer.id;
}

export function brandName(brand: string): string {
  return BRANDS[brand] ?? 'Card';
}

/** "Visa •••• 4242", as printed on screen. */
export function cardLabel(card: { brand: string; last4: string }): string {
  return `${brandName(card.brand)} •••• ${card.last4}`;
}

/** "Visa ending 4242", for accessible names (screen readers spell out the dots). */
export function cardSpoken(card: { brand: string; last4: string }): string {
  return `${brandName(card.brand)} ending ${card.last4}`;
}

/** "03/2030", or a dash for a method that does not expire. */
export function expiryLabel(card: { expMonth?: number | null; expYear?: number | null }): string {
  if (!card.expMonth || !card.expYear) return '—';
  return `${String(card.expMonth).padStart(2, '0')}/${card.expYear}`;
}
