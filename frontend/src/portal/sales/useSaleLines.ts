/**
 * The lines of a sale being put together in the product grid: the rows, the
 * saved offer applied (sent as `offerId` only while the rows still match it),
 * and the currency: the one picked, else the offer's or the first product's,
 * else the account's.
 */
import { useState } from 'react';

import type { GridOffer, GridProduct, GridRow } from './grid';
import { emptyRow, rowsFromOffer, sameAsOffer, sentRows } from './grid';

export function useSaleLines(products: readonly GridProduct[], offers: readonly GridOffer[], defaultCurrency: string, usesLines = true) {
  const [rows, setRows] = useState<GridRow[]>(() => [emptyRow()]);
  const [offer, setOffer] = useState<GridOffer | null>(null);
  const [currencyPicked, setCurrency] = useState<string | null>(null);
  const productCurrency = sentRows(rows)
    .map(({ row }) => products.find((p) => p.id === row.productId)?.price.currency)
    .find(Boolean);
  const currency = currencyPicked ?? (usesLines ? (offer?.currency ?? productCurrency) : undefined) ?? defaultCurrency;
  const offerId = usesLines && offer && sameAsOffer(rows, offer) ? offer.id : null;
  const applyOffer = (id: string) => {
    const picked = offers.find((o) => o.id === id) ?? null;
    setOffer(picked);
    setCurrency(null);
    if (picked) setRows(rowsFromOffer(picked));
  };
  return { rows, setRows, offer, setOffer, offerId, currency, setCurrency, applyOffer };
}
