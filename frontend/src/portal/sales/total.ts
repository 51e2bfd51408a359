/**
 * The words under a sale's total for its recurring lines ("then $9.99 per
 * month"), from lines with a kind, unit, quantity and unit price: the
 * server's preview lines once they are known, the grid's rows before.
 * Sums are exact minor units; only the display goes through Intl.
 */
import type { BillingUnit, LineKind } from '../gql/graphql';
import { formatMoney, fromMinorUnits, toMinorUnits } from '../ui/money';
import { UNIT_LABELS } from './ProductGrid';

export interface RecurringLine {
  kind: LineKind;
  unit?: BillingUnit | null;
  quantity: number;
  unitPrice: string;
  paymentCount?: number | null;
}

const ORDER: BillingUnit[] = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];

export function recurringText(lines: readonly RecurringLine[], currency: string, locale?: string): string[] {
  const money = (units: bigint) => formatMoney({ amount: fromMinorUnits(units, currency), currency }, locale);
  const perUnit = new Map<BillingUnit, bigint>();
  const plans: string[] = [];
  for (const line of lines) {
    if (line.kind === 'SINGLE' || !line.unit) continue;
    const price = toMinorUnits(line.unitPrice, currency);
    if (price === null) continue;
    const each = price * BigInt(line.quantity);
    if (line.kind === 'SUBSCRIPTION') perUnit.set(line.unit, (perUnit.get(line.unit) ?? 0n) + each);
    else if (line.paymentCount && line.paymentCount > 1) {
      const rest = line.paymentCount - 1;
      plans.push(`then ${rest} ${rest === 1 ? 'payment' : 'payments'} of ${money(each)} per ${UNIT_LABELS[line.unit]}`);
    }
  }
  const subscriptions = ORDER.filter((unit) => perUnit.has(unit)).map((unit) => `then ${money(perUnit.get(unit) ?? 0n)} per ${UNIT_LABELS[unit]}`);
  return [...subscriptions, ...plans];
}
