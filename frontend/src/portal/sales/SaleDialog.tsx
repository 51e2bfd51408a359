/**
 * "Log transaction / Charge": build a sale in the product grid (or from a
 * saved offer), then charge a card now or record a sale paid elsewhere.
 * Mounted once per opening, so its idempotency key is made once per opening
 * too (see useChargeAttempt).
 * Enter does not submit here: charging takes a deliberate press.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { ChargeNowInput, LogTransactionInput, OfferLineInput } from '../gql/graphql';
import { Button } from '../ui/Button';
import { PAID_OUTSIDE_PATHS, PaidOutsideFields, paidOutsideInput, usePaidOutside } from '../transactions/PaidOutsideFields';
import { Dialog } from '../ui/Dialog';
import type { UserError } from '../ui/errors';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { today } from '../ui/format';
import { amountProblem } from '../ui/money';
import { FormErrors, Loading, Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';
import type { CardChoiceValue } from './CardChoice';
import { CardChoice, choiceErrors, choiceInput, choicePaths, initialChoice } from './CardChoice';
import { SalesDialogData } from './data';
import { checkRows, rowsFromOffer, sentRows, toLineInputs } from './grid';
import type { Outcome } from './outcome';
import { describeCharge } from './outcome';
import { ProductGrid, gridPaths } from './ProductGrid';
import { CurrencySelect, OfferSelect } from './SaleFields';
import { SaveOffer } from './SaveOffer';
import { TotalBar } from './TotalBar';
import { DeclineNotice, useChargeAttempt } from './useChargeAttempt';
import { useSaleLines } from './useSaleLines';
import { useSaleTotal } from './useSaleTotal';

export const SaleDialogCharge = graphql(`
  mutation SaleDialogCharge($input: ChargeNowInput!) {
    chargeNow(input: $input) {
      transaction {
        ...SalesChargeFields
        origin
      }
      userErrors {
        ...UserErrorFields
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
        ...UserErrorFields
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

const SHOWN = ['currency', 'couponCode', 'trialDays', 'discount', 'discount.amount', 'discount.currency', 'transactionDate', ...PAID_OUTSIDE_PATHS, ...choicePaths];

/** An ISO instant for a picked day: now for today, else midday of that day in the browser's zone. */
function dayToDateTime(day: string): string | null {
  if (!day || day === today()) return null;
  return new Date(`${day}T12:00:00`).toISOString();
}

export function SaleDialog({ customerId, onClose, onDone }: SaleDialogProps) {
  const viewer = useViewer();
  const [{ data, error, fetching }, refetch] = useQuery({ query: SalesDialogData, variables: { id: customerId } });
  const [mode, setMode] = useState<Mode>('CHARGE');
  const [choice, setChoice] = useState<CardChoiceValue | null>(null);
  const [day, setDay] = useState(today());
  const [paid, setPaid] = usePaidOutside();
  const [discount, setDiscount] = useState('');
  const [couponCode, setCouponCode] = useState('');
  const [trial, setTrial] = useState('');
  const [checked, setChecked] = useState<UserError[]>([]);
  const attempt = useChargeAttempt(onDone);
  const [offerNotice, setOfferNotice] = useState<string | null>(null);
  const charge = useAction(SaleDialogCharge, (d) => d.chargeNow);
  const log = useAction(SaleDialogLog, (d) => d.logTransaction);

  const products = data?.products ?? [];
  const offers = data?.offers ?? [];
  const cards = data?.customer?.paymentMethods ?? [];
  const { rows, setRows, offer, setOffer, offerId, currency, setCurrency, applyOffer } = useSaleLines(products, offers, viewer.defaultCurrency);
  const cardChoice = choice ?? initialChoice(cards);
  const recurring = sentRows(rows).some(({ row }) => row.kind !== 'SINGLE');
  const trialDays = mode === 'CHARGE' && recurring ? parseTrial(trial) : null;
  const total = useSaleTotal({ customerId, offerId, rows, products, currency, couponCode, discount, trialDays: trialDays ?? null });
  const action = mode === 'CHARGE' ? charge : log;
  const errors = [...checked, ...action.errors, ...total.errors];

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
      if (recurring && trialDays === undefined) {
        found.push({ field: ['input', 'trialDays'], code: 'INVALID', message: 'Enter whole days from 0 to 730, or leave it empty.' });
      }
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
    idempotencyKey: attempt.key,
  });

  const submit = async () => {
    if (action.busy) return;
    const found = check();
    setChecked(found);
    attempt.clearDecline();
    if (found.length) return;
    if (mode === 'CHARGE') {
      const input: ChargeNowInput = { ...common(), ...choiceInput(cardChoice, cards), trialDays: trialDays || null };
      const payload = await charge.run({ input });
      if (payload?.transaction) attempt.settle(payload.transaction);
    } else {
      const input: LogTransactionInput = { ...common(), transactionDate: dayToDateTime(day), ...paidOutsideInput(paid) };
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
              <OfferSelect
                offers={offers}
                value={offer?.id ?? ''}
                onPick={(id) => {
                  applyOffer(id);
                  setChecked([]);
                }}
                hint={offer && !offerId ? 'Changed since it was applied: the lines are charged as shown.' : undefined}
              />
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
            <CurrencySelect value={currency} onChange={setCurrency} error={errorFor(errors, 'currency')} more={[currency, ...products.map((p) => p.price.currency), ...offers.map((o) => o.currency)]} />
          </div>

          <fieldset>
            <legend>I would like to…</legend>
            <div className="choices">
              <label>
                <input type="radio" name="sales-mode" checked={mode === 'LOG'} onChange={() => { setMode('LOG'); setChecked([]); attempt.clearDecline(); }} />
                Log transaction (don't charge card)
              </label>
              <label>
                <input type="radio" name="sales-mode" checked={mode === 'CHARGE'} onChange={() => { setMode('CHARGE'); setChecked([]); }} />
                Charge now
              </label>
            </div>
          </fieldset>

          {mode === 'CHARGE' ? (
            <>
              {recurring ? (
                <div className="form-grid">
                  <TextField
                    label="Free trial (days, optional)"
                    inputMode="numeric"
                    value={trial}
                    onChange={(event) => setTrial(event.target.value)}
                    error={errorFor(errors, 'trialDays')}
                    hint="Subscriptions and plans start charging after the trial; one-off lines are charged now."
                  />
                </div>
              ) : null}
              <DeclineNotice text={attempt.decline} />
              <CardChoice cards={cards} value={cardChoice} onChange={setChoice} errors={errors} />
            </>
          ) : (
            <div className="form-grid">
              <TextField label="Transaction date" type="date" max={today()} value={day} onChange={(event) => setDay(event.target.value)} error={errorFor(errors, 'transactionDate')} hint="When it was paid elsewhere. Only one-off lines can be logged." />
              <PaidOutsideFields value={paid} onChange={setPaid} errors={errors} />
            </div>
          )}

          <FormErrors errors={dedupe(unplaced(errors, [...SHOWN, ...gridPaths(rows)]))} failure={action.failure} />
        </div>
      ) : null}
    </Dialog>
  );
}

/** Whole days 0 to 730 from the trial field: null when empty, undefined when it is not such a number. */
function parseTrial(text: string): number | null | undefined {
  const value = text.trim();
  if (!value) return null;
  if (!/^\d{1,3}$/.test(value) || Number(value) > 730) return undefined;
  return Number(value);
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
