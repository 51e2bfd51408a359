/**
 * "Log transaction / Charge": build a sale in the product grid (or from a
 * saved offer), then charge a card now or record a sale paid elsewhere.
 * Mounted once per opening, so its idempotency key is made once per opening
 * too: a retry after a lost answer returns the first result, never a second
 * charge. Only a definite DECLINED or FAILED (no money moved) makes a fresh
 * key, because trying another card is a new attempt with another input.
 * Enter does not submit here: charging takes a deliberate press.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { ChargeNowInput, LogTransactionInput, OfferLineInput } from '../gql/graphql';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import type { UserError } from '../ui/errors';
import { errorFor, unplaced } from '../ui/errors';
import { SelectField, TextField } from '../ui/Field';
import { today } from '../ui/format';
import { amountProblem } from '../ui/money';
import { FormErrors, Loading, Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';
import type { CardChoiceValue } from './CardChoice';
import { CardChoice, choiceErrors, choiceInput, choicePaths, initialChoice } from './CardChoice';
import { SalesDialogData, currencyChoices } from './data';
import type { GridOffer, GridRow } from './grid';
import { checkRows, emptyRow, rowsFromOffer, sameAsOffer, sentRows, toLineInputs } from './grid';
import type { Outcome } from './outcome';
import { describeCharge } from './outcome';
import { ProductGrid, gridPaths } from './ProductGrid';
import { SaveOffer } from './SaveOffer';
import { TotalBar } from './TotalBar';
import { useSaleTotal } from './useSaleTotal';

export const SaleDialogCharge = graphql(`
  mutation SaleDialogCharge($input: ChargeNowInput!) {
    chargeNow(input: $input) {
      transaction {
        id
        status
        origin
        total {
          amount
          currency
          formatted
        }
        resultCode
        declineCode
        resultMessage
        customer {
          id
        }
        paymentMethod {
          id
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const SaleDialogLog = graphql(`
  mutation SaleDialogLog($input: LogTransactionInput!) {
    logTransaction(input: $input) {
      transaction {
        id
        status
        origin
        total {
          amount
          currency
          formatted
        }
        customer {
          id
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Mode = 'CHARGE' | 'LOG';

interface SaleDialogProps {
  customerId: string;
  onClose: () => void;
  /** The dialog is done: show this outcome on the page. */
  onDone: (outcome: Outcome) => void;
}

const SHOWN = ['currency', 'couponCode', 'discount', 'discount.amount', 'discount.currency', 'transactionDate', ...choicePaths];

/** An ISO instant for a picked day: now for today, else midday of that day in the browser's zone. */
function dayToDateTime(day: string): string | null {
  if (!day || day === today()) return null;
  return new Date(`${day}T12:00:00`).toISOString();
}

export function SaleDialog({ customerId, onClose, onDone }: SaleDialogProps) {
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: SalesDialogData, variables: { id: customerId } });
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [rows, setRows] = useState<GridRow[]>(() => [emptyRow()]);
  const [offer, setOffer] = useState<GridOffer | null>(null);
  const [currencyPicked, setCurrencyPicked] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('CHARGE');
  const [choice, setChoice] = useState<CardChoiceValue | null>(null);
  const [day, setDay] = useState(today());
  const [discount, setDiscount] = useState('');
  const [couponCode, setCouponCode] = useState('');
  const [checked, setChecked] = useState<UserError[]>([]);
  const [decline, setDecline] = useState<string | null>(null);
  const [offerNotice, setOfferNotice] = useState<string | null>(null);
  const charge = useAction(SaleDialogCharge, (d) => d.chargeNow);
  const log = useAction(SaleDialogLog, (d) => d.logTransaction);

  const products = data?.products ?? [];
  const offers = data?.offers ?? [];
  const cards = data?.customer?.paymentMethods ?? [];
  const productCurrency = sentRows(rows)
    .map(({ row }) => products.find((p) => p.id === row.productId)?.price.currency)
    .find(Boolean);
  const currency = currencyPicked ?? offer?.currency ?? productCurrency ?? viewer.defaultCurrency;
  const cardChoice = choice ?? initialChoice(cards);
  const offerId = offer && sameAsOffer(rows, offer) ? offer.id : null;
  const total = useSaleTotal({ customerId, offerId, rows, products, currency, couponCode, discount });
  const action = mode === 'CHARGE' ? charge : log;
  const errors = [...checked, ...action.errors, ...total.errors];

  const applyOffer = (id: string) => {
    const picked = offers.find((o) => o.id === id) ?? null;
    setOffer(picked);
    setCurrencyPicked(null);
    setChecked([]);
    if (picked) setRows(rowsFromOffer(picked));
  };

  const check = (): UserError[] => {
    const found = offerId ? [] : checkRows(rows, currency);
    if (discount.trim()) {
      const problem = amountProblem(discount, currency);
      if (problem) found.push({ field: ['input', 'discount', 'amount'], code: 'INVALID', message: problem });
    }
    if (mode === 'LOG') {
      sentRows(rows).forEach(({ row }, position) => {
        if (row.kind !== 'SINGLE') found.push({ field: ['input', 'lines', String(position), 'kind'], code: 'INVALID', message: 'A logged sale is one-off only: charge it now to start a subscription or plan.' });
      });
    } else {
      found.push(...choiceErrors(cardChoice));
    }
    return found;
  };

  const common = (): { customerId: string; offerId: string | null; lines: OfferLineInput[] | null; currency: string; couponCode: string | null; discount: { amount: string; currency: string } | null; idempotencyKey: string } => ({
    customerId,
    offerId,
    lines: offerId ? null : toLineInputs(rows),
    currency,
    couponCode: couponCode.trim() || null,
    discount: discount.trim() ? { amount: discount.trim(), currency } : null,
    idempotencyKey: key,
  });

  const submit = async () => {
    if (action.busy) return;
    const found = check();
    setChecked(found);
    setDecline(null);
    if (found.length) return;
    if (mode === 'CHARGE') {
      const input: ChargeNowInput = { ...common(), ...choiceInput(cardChoice, cards) };
      const payload = await charge.run({ input });
      if (!payload?.transaction) return;
      const outcome = describeCharge(payload.transaction);
      if (outcome.close) onDone(outcome);
      else {
        setDecline(outcome.text);
        setKey(crypto.randomUUID());
      }
    } else {
      const input: LogTransactionInput = { ...common(), transactionDate: dayToDateTime(day) };
      const payload = await log.run({ input });
      if (payload?.transaction) onDone(describeCharge(payload.transaction, 'Logged'));
    }
  };

  const amount = total.total ? ` ${total.total}` : '';
  const submitLabel = mode === 'CHARGE' ? `Charge${amount}` : `Log${amount}`;
  const footer = (
    <>
      <TotalBar total={total} />
      <Button onClick={onClose}>Cancel</Button>
      <Button variant="primary" busy={action.busy} disabled={!data || total.fetching} onClick={() => void submit()}>
        {submitLabel}
      </Button>
    </>
  );

  return (
    <Dialog title="Log transaction / Charge" open onClose={onClose} wide footer={footer}>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading label="Loading products and cards…" /> : null}
      {data ? (
        <div className="sales-form">
          <section aria-labelledby="sales-lines-heading">
            <div className="sales-lines-header">
              <h3 id="sales-lines-heading">Products</h3>
              <SelectField label="Apply saved offer" value={offer?.id ?? ''} onChange={(event) => applyOffer(event.target.value)} hint={offer && !offerId ? 'Changed since it was applied: the lines are charged as shown.' : undefined}>
                <option value="">{offers.length ? 'Choose an offer…' : 'No saved offers yet'}</option>
                {offers.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name} ({o.currency})
                  </option>
                ))}
              </SelectField>
            </div>
            <ProductGrid rows={rows} onChange={(next) => { setRows(next); setChecked([]); }} products={products} currency={currency} errors={errors} oneOffOnly={mode === 'LOG'} />
            <SaveOffer
              rows={rows}
              currency={currency}
              onSaved={(saved) => {
                setOffer(saved);
                setRows(rowsFromOffer(saved));
                setOfferNotice(`Saved the offer “${saved.name}”. It is now in “Apply saved offer”.`);
                refetch({ requestPolicy: 'network-only' });
              }}
            />
            {offerNotice ? <Notice tone="success">{offerNotice}</Notice> : null}
          </section>

          <div className="form-grid">
            <TextField label={`Discount (${currency}, optional)`} inputMode="decimal" value={discount} onChange={(event) => setDiscount(event.target.value)} error={errorFor(errors, 'discount.amount') ?? errorFor(errors, 'discount')} />
            <TextField label="Coupon code (optional)" value={couponCode} onChange={(event) => setCouponCode(event.target.value)} error={errorFor(errors, 'couponCode')} autoComplete="off" />
            <SelectField label="Currency" value={currency} onChange={(event) => setCurrencyPicked(event.target.value)} error={errorFor(errors, 'currency')}>
              {currencyChoices(viewer.defaultCurrency, currency, ...products.map((p) => p.price.currency), ...offers.map((o) => o.currency)).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
          </div>

          <fieldset>
            <legend>I would like to…</legend>
            <div className="choices">
              <label>
                <input type="radio" name="sales-mode" checked={mode === 'LOG'} onChange={() => { setMode('LOG'); setChecked([]); setDecline(null); }} />
                Log transaction (don't charge card)
              </label>
              <label>
                <input type="radio" name="sales-mode" checked={mode === 'CHARGE'} onChange={() => { setMode('CHARGE'); setChecked([]); }} />
                Charge now
              </label>
            </div>
          </fieldset>

          {mode === 'CHARGE' ? (
            <CardChoice cards={cards} value={cardChoice} onChange={setChoice} errors={errors} />
          ) : (
            <TextField label="Transaction date" type="date" max={today()} value={day} onChange={(event) => setDay(event.target.value)} error={errorFor(errors, 'transactionDate')} hint="When it was paid elsewhere. Only one-off lines can be logged." />
          )}

          {decline ? (
            <div className="notice notice-error" role="alert">
              <p>
                <strong>Not charged.</strong> {decline}
              </p>
            </div>
          ) : null}
          <FormErrors errors={dedupe(unplaced(errors, [...SHOWN, ...gridPaths(rows)]))} failure={action.failure} />
        </div>
      ) : null}
    </Dialog>
  );
}

function dedupe(errors: UserError[]): UserError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const id = `${(e.field ?? []).join('.')}:${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
