/**
 * The total of the sale being put together, for the sticky total bar and the
 * "Charge $12.34" button. The server prices it with salePreview exactly as
 * chargeNow would (coupon, discount spread, currency rules), asked 300 ms
 * after the last change so typing does not send a request per key. Until the
 * grid can be read (or while the first answer is on its way) a client-side
 * sum in exact minor units stands in, marked as an estimate.
 *
 * `fetching` is true while the shown numbers may not match the grid any
 * more; the dialog keeps its charge button disabled then, so the amount on
 * the button is always the amount the server will charge.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SalePreviewInput } from '../gql/graphql';
import type { UserError } from '../ui/errors';
import type { MoneyLike } from '../ui/money';
import { amountProblem, formatMoney, fromMinorUnits, toMinorUnits } from '../ui/money';
import type { GridProduct, GridRow } from './grid';
import { checkRows, clientSubtotal, sentRows, toLineInput, toLineInputs } from './grid';
import { recurringText } from './total';

export const SaleTotalPreview = graphql(`
  query SaleTotalPreview($input: SalePreviewInput!) {
    salePreview(input: $input) {
      preview {
        currency
        subtotal {
          amount
          currency
          formatted
        }
        discount {
          amount
          currency
          formatted
        }
        couponDiscount {
          amount
          formatted
        }
        total {
          amount
          currency
          formatted
        }
        couponCode
        lines {
          description
          quantity
          unitPrice {
            amount
            currency
          }
          kind
          unit
          paymentCount
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Quiet time after the last change before the server is asked. */
const DEBOUNCE_MS = 300;

export interface SaleTotalInput {
  customerId: string;
  offerId: string | null;
  rows: readonly GridRow[];
  products: readonly GridProduct[];
  currency: string;
  couponCode: string;
  discount: string;
  /** Days of free trial for the recurring lines (null: none): they cost nothing now. */
  trialDays?: number | null;
}

export interface SaleTotal {
  subtotal: string | null;
  discount: string | null;
  /** The applied coupon's code, when the server took it. */
  couponCode: string | null;
  total: string | null;
  totalMoney: MoneyLike | null;
  recurring: string[];
  /** Problems the server found while pricing, on chargeNow's paths. */
  errors: UserError[];
  /** The client-side sum: a coupon is not counted in it. */
  estimate: boolean;
  fetching: boolean;
}

/** The preview's input, or null while the grid cannot be read yet. */
function previewInput(input: SaleTotalInput): SalePreviewInput | null {
  const { rows, currency, offerId } = input;
  if (!offerId && checkRows(rows, currency).length) return null;
  if (input.discount.trim() && amountProblem(input.discount, currency)) return null;
  return {
    customerId: input.customerId,
    offerId,
    lines: offerId ? null : toLineInputs(rows),
    currency,
    couponCode: input.couponCode.trim() || null,
    discount: input.discount.trim() ? { amount: input.discount.trim(), currency } : null,
    ...(input.trialDays ? { trialDays: input.trialDays } : {}),
  };
}

export function useSaleTotal(input: SaleTotalInput): SaleTotal {
  const { locale } = useViewer();
  const request = previewInput(input);
  const requestKey = JSON.stringify(request);
  const [askedKey, setAskedKey] = useState(requestKey);
  useEffect(() => {
    const timer = window.setTimeout(() => setAskedKey(requestKey), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [requestKey]);
  const asked = useMemo(() => JSON.parse(askedKey) as SalePreviewInput | null, [askedKey]);
  const [{ data, error, fetching, operation }] = useQuery({
    query: SaleTotalPreview,
    variables: { input: asked ?? { customerId: input.customerId } },
    pause: !asked,
  });
  // The answer for what was asked last; an older one is not shown as current.
  const answered = data && operation && JSON.stringify(operation.variables.input) === askedKey ? data.salePreview : null;
  const last = useRef<{ key: string; result: NonNullable<typeof answered> } | null>(null);
  if (answered && request) last.current = { key: askedKey, result: answered };
  // A preview that could not be fetched does not hold the sale up: chargeNow prices it anyway.
  const failed = Boolean(error) && !fetching && askedKey === requestKey;
  const shown = request && !failed ? last.current?.result : null;
  const current = Boolean(request) && !fetching && (last.current?.key === requestKey || failed);
  const preview = shown?.preview;

  if (preview) {
    const format = (money: { formatted: string }) => money.formatted;
    const hasDiscount = toMinorUnits(preview.discount.amount, preview.currency) !== 0n;
    const lines = preview.lines.map((line) => ({ kind: line.kind, unit: line.unit, quantity: line.quantity, unitPrice: line.unitPrice.amount, paymentCount: line.paymentCount }));
    return {
      subtotal: format(preview.subtotal),
      discount: hasDiscount ? format(preview.discount) : null,
      couponCode: preview.couponCode ?? null,
      total: format(preview.total),
      totalMoney: { amount: preview.total.amount, currency: preview.total.currency },
      recurring: recurringText(lines, preview.currency, locale),
      errors: current ? [...(shown?.userErrors ?? [])] : [],
      estimate: false,
      fetching: !current,
    };
  }
  const estimate = clientTotal(input, locale);
  return { ...estimate, errors: current && shown ? [...shown.userErrors] : [], fetching: Boolean(request) && !current };
}

/** The grid summed here, without the coupon: a stand-in until the server answers. */
function clientTotal(input: SaleTotalInput, locale: string): Omit<SaleTotal, 'errors' | 'fetching'> {
  const { rows, currency, products } = input;
  const format = (amount: string) => formatMoney({ amount, currency }, locale);
  const subtotal = sentRows(rows).length ? clientSubtotal(rows, currency, products) : null;
  const off = input.discount.trim() ? toMinorUnits(input.discount, currency) : 0n;
  const subUnits = subtotal === null ? null : toMinorUnits(subtotal, currency);
  const totalUnits = subUnits === null || off === null ? null : subUnits - off > 0n ? subUnits - off : 0n;
  const total = totalUnits === null ? null : fromMinorUnits(totalUnits, currency);
  const lines = sentRows(rows).map(({ row }) => {
    const line = toLineInput(row);
    const price = line.unitPrice ?? products.find((p) => p.id === row.productId)?.price.amount ?? '';
    return { kind: line.kind ?? 'SINGLE', unit: line.unit, quantity: line.quantity ?? 1, unitPrice: String(price), paymentCount: line.paymentCount };
  });
  return {
    subtotal: subtotal === null ? null : format(subtotal),
    discount: off ? format(fromMinorUnits(off, currency)) : null,
    couponCode: null,
    total: total === null ? null : format(total),
    totalMoney: total === null ? null : { amount: total, currency },
    recurring: recurringText(lines, currency, locale),
    estimate: true,
  };
}
