/**
 * The product grid as data: the rows staff edit, the API's OfferLineInput
 * they become, and a client-side subtotal in exact minor units (used only
 * until the server's salePreview answers; never floats).
 *
 * Rows keep what was typed as text, so a half-typed price stays on screen;
 * `toLineInputs` sends prices as the decimal strings typed and leaves the
 * checking to the API, whose userErrors name the row ("lines.0.unitPrice").
 */
import type { BillingUnit, LineKind, OfferLineInput } from '../gql/graphql';
import type { UserError } from '../ui/errors';
import { amountProblem, formatMoney, fromMinorUnits, toMinorUnits } from '../ui/money';

export interface GridRow {
  /** Stable React key; not sent. */
  key: string;
  productId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  kind: LineKind;
  unit: BillingUnit;
  paymentCount: string;
  firstPayment: string;
}

export interface GridProduct {
  id: string;
  name: string;
  price: { amount: string; currency: string; formatted: string };
}

export interface GridOffer {
  id: string;
  name: string;
  currency: string;
  lines: readonly {
    description: string;
    quantity: number;
    unitPrice: { amount: string };
    kind: LineKind;
    unit?: BillingUnit | null;
    paymentCount?: number | null;
    firstPayment?: { amount: string } | null;
    product?: { id: string } | null;
  }[];
}

let nextKey = 0;
const newKey = () => `row-${++nextKey}`;

export function emptyRow(): GridRow {
  return { key: newKey(), productId: '', description: '', quantity: '1', unitPrice: '', kind: 'SINGLE', unit: 'MONTH', paymentCount: '', firstPayment: '' };
}

/** A row for a product just picked: its name and price, still editable. */
export function withProduct(row: GridRow, product: GridProduct | undefined): GridRow {
  if (!product) return { ...row, productId: '' };
  return { ...row, productId: product.id, description: product.name, unitPrice: product.price.amount };
}

export function rowsFromOffer(offer: GridOffer): GridRow[] {
  return offer.lines.map((line) => ({
    key: newKey(),
    productId: line.product?.id ?? '',
    description: line.description,
    quantity: String(line.quantity),
    unitPrice: line.unitPrice.amount,
    kind: line.kind,
    unit: line.unit ?? 'MONTH',
    paymentCount: line.paymentCount == null ? '' : String(line.paymentCount),
    firstPayment: line.firstPayment?.amount ?? '',
  }));
}

/** A row nobody has touched yet (no product, description or price): not sent. */
export function isBlank(row: GridRow): boolean {
  return !row.productId && !row.description.trim() && !row.unitPrice.trim();
}

/** Whole numbers as typed; anything else goes as 0 so the API names the field. */
function int(text: string): number {
  return /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : 0;
}

export function toLineInput(row: GridRow): OfferLineInput {
  const recurring = row.kind !== 'SINGLE';
  const plan = row.kind === 'PAYMENT_PLAN';
  return {
    productId: row.productId || null,
    description: row.description.trim() || null,
    quantity: int(row.quantity),
    unitPrice: row.unitPrice.trim() || null,
    kind: row.kind,
    unit: recurring ? row.unit : null,
    paymentCount: plan ? int(row.paymentCount) : null,
    firstPayment: plan ? row.firstPayment.trim() || null : null,
  };
}

/**
 * The rows that are sent, with the index each had on screen, so an error on
 * ["input", "lines", "1", ...] finds its row even when a blank row was skipped.
 */
export function sentRows(rows: readonly GridRow[]): { row: GridRow; index: number }[] {
  return rows.map((row, index) => ({ row, index })).filter(({ row }) => !isBlank(row));
}

export function toLineInputs(rows: readonly GridRow[]): OfferLineInput[] {
  return sentRows(rows).map(({ row }) => toLineInput(row));
}

/** Whether the grid still says exactly what the offer says (then its id is sent instead). */
export function sameAsOffer(rows: readonly GridRow[], offer: GridOffer): boolean {
  return JSON.stringify(toLineInputs(rows)) === JSON.stringify(toLineInputs(rowsFromOffer(offer)));
}

/**
 * Errors found before asking the API, on the same paths it would use. Paths
 * are the API's (positions among sent rows).
 */
export function checkRows(rows: readonly GridRow[], currency: string): UserError[] {
  const errors: UserError[] = [];
  const sent = sentRows(rows);
  if (!sent.length) errors.push({ field: ['input', 'lines'], code: 'REQUIRED', message: 'Add at least one line.' });
  sent.forEach(({ row }, position) => {
    const at = (name: string, message: string) => errors.push({ field: ['input', 'lines', String(position), name], code: 'INVALID', message });
    if (!row.productId && !row.description.trim()) at('description', 'Enter a description or pick a product.');
    const quantity = int(row.quantity);
    if (quantity < 1 || quantity > 10000) at('quantity', 'Enter a quantity from 1 to 10000.');
    const price = row.unitPrice.trim();
    if (!row.productId || price) {
      const problem = amountProblem(price, currency, { allowZero: true });
      if (problem) at('unitPrice', problem);
    }
    if (row.kind === 'PAYMENT_PLAN') {
      const count = int(row.paymentCount);
      if (count < 2 || count > 360) at('paymentCount', 'Enter 2 to 360 payments.');
      if (row.firstPayment.trim()) {
        const problem = amountProblem(row.firstPayment, currency, { allowZero: true });
        if (problem) at('firstPayment', problem);
      }
    }
  });
  return errors;
}

/** What the first charge of one row comes to, in minor units (null when it cannot be read). */
function rowNow(row: GridRow, currency: string, products: readonly GridProduct[]): bigint | null {
  const price = row.unitPrice.trim() || products.find((p) => p.id === row.productId)?.price.amount || '';
  const unit = toMinorUnits(price, currency);
  const quantity = BigInt(int(row.quantity));
  if (unit === null) return null;
  if (row.kind === 'PAYMENT_PLAN' && row.firstPayment.trim()) return toMinorUnits(row.firstPayment, currency);
  return unit * quantity;
}

/**
 * What one row charges now and what follows, in words, for the line's own
 * total: "Due now $100.00: payment 1 of 6, then 5 × $150.00 every month".
 * Exact minor units; before any discount (the total bar has the priced sale).
 */
export function rowSummary(row: GridRow, currency: string, products: readonly GridProduct[], locale?: string): string | null {
  if (isBlank(row)) return null;
  const now = rowNow(row, currency, products);
  if (now === null) return null;
  const money = (units: bigint) => formatMoney({ amount: fromMinorUnits(units, currency), currency }, locale);
  const price = row.unitPrice.trim() || products.find((p) => p.id === row.productId)?.price.amount || '';
  const each = (toMinorUnits(price, currency) ?? 0n) * BigInt(int(row.quantity));
  const every = UNIT_WORDS[row.unit] ?? row.unit.toLowerCase();
  if (row.kind === 'SUBSCRIPTION') return `Due now ${money(now)}, then ${money(each)} every ${every}`;
  if (row.kind === 'PAYMENT_PLAN') {
    const count = int(row.paymentCount);
    if (count < 1) return `Due now ${money(now)}: the first payment of the plan`;
    const rest = count - 1;
    const then = rest > 0 ? `, then ${rest} × ${money(each)} every ${every}` : '';
    return `Due now ${money(now)}: payment 1 of ${count}${then}`;
  }
  return `Line total ${money(now)}`;
}

const UNIT_WORDS: Record<string, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month', QUARTER: 'quarter', YEAR: 'year' };

/** The grid's subtotal as a decimal string, or null while a row cannot be read. */
export function clientSubtotal(rows: readonly GridRow[], currency: string, products: readonly GridProduct[]): string | null {
  let sum = 0n;
  for (const { row } of sentRows(rows)) {
    const now = rowNow(row, currency, products);
    if (now === null) return null;
    sum += now;
  }
  return fromMinorUnits(sum, currency);
}
