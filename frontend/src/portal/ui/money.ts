/**
 * Money in the portal. The API sends amounts as decimal strings with their
 * ISO 4217 currency (and a `formatted` string in the account's locale); the
 * portal never turns an amount into a float. Digits per currency come from
 * the browser's ISO 4217 data through Intl (JPY 0, USD 2, KWD 3).
 */
export interface MoneyLike {
  amount: string;
  currency: string;
}

export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units of a decimal string, or null when it is not a valid amount in that currency. */
export function toMinorUnits(text: string, currency: string): bigint | null {
  const digits = currencyDigits(currency);
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return null;
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > digits) return null;
  const units = BigInt(whole + fraction.padEnd(digits, '0'));
  return sign === '-' ? -units : units;
}

/** A decimal string of minor units in that currency ("1234" USD gives "12.34"). */
export function fromMinorUnits(units: bigint, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = digits ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Why an amount typed for a currency is not acceptable, or null when it is. */
export function amountProblem(text: string, currency: string, { allowZero = false } = {}): string | null {
  if (text.trim() === '') return 'Enter an amount.';
  const units = toMinorUnits(text, currency);
  const digits = currencyDigits(currency);
  if (units === null) {
    return digits === 0
      ? `${currency} amounts have no decimals.`
      : `Enter an amount like ${fromMinorUnits(BigInt(10 ** (digits + 1)) + 1n, currency)}.`;
  }
  if (units < 0n || (!allowZero && units === 0n)) return 'Enter an amount above zero.';
  return null;
}

/** An amount formatted for the locale, with the currency's own digits (exact: no float). */
export function formatMoney(money: MoneyLike, locale?: string): string {
  const units = toMinorUnits(money.amount, money.currency);
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
  if (units === null) return `${money.amount} ${money.currency}`;
  // Intl formats decimal strings exactly (no float) where the browser supports it.
  return format.format(fromMinorUnits(units, money.currency) as unknown as number);
}
