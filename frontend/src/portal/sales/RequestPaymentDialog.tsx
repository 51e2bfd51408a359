/**
 * "Request payment": a link to a hosted checkout page for a plain amount or
 * for products (the grid, or a saved offer), optionally emailed; then the
 * link with a copy button. Nothing is charged here, so Enter may submit.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { FormDialog } from '../ui/FormDialog';
import { graphql } from '../gql';
import type { CreatePaymentRequestInput } from '../gql/graphql';
import { LinkBox } from '../ui/CopyButton';
import type { UserError } from '../ui/errors';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { formatDate, today } from '../ui/format';
import { amountProblem } from '../ui/money';
import { FormErrors, Loading, Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';
import { SalesDialogData } from './data';
import { checkRows, toLineInputs } from './grid';
import { ProductGrid, gridPaths } from './ProductGrid';
import { CurrencySelect, OfferSelect } from './SaleFields';
import { useSaleLines } from './useSaleLines';

export const RequestPaymentCreate = graphql(`
  mutation RequestPaymentCreate($input: CreatePaymentRequestInput!) {
    createPaymentRequest(input: $input) {
      paymentRequest {
        id
        status
        url
        description
        expiresAt
        lastSentAt
        amount {
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

type Mode = 'AMOUNT' | 'PRODUCTS';

/** The end of a picked day in the browser's zone, as the API's DateTime. */
function endOfDay(day: string): string | null {
  return day ? new Date(`${day}T23:59:59`).toISOString() : null;
}

export function RequestPaymentDialog({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const viewer = useViewer();
  const [{ data, error, fetching }] = useQuery({ query: SalesDialogData, variables: { id: customerId } });
  const [mode, setMode] = useState<Mode>('AMOUNT');
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [expires, setExpires] = useState('');
  const [sendEmail, setSendEmail] = useState(false);
  const [allowCoupon, setAllowCoupon] = useState(false);
  const [checked, setChecked] = useState<UserError[]>([]);
  const create = useAction(RequestPaymentCreate, (d) => d.createPaymentRequest);
  const [made, setMade] = useState<{ url: string; amount: string; emailed: boolean; expiresAt: string } | null>(null);

  const products = data?.products ?? [];
  const offers = data?.offers ?? [];
  const { rows, setRows, offer, offerId, currency, setCurrency, applyOffer } = useSaleLines(products, offers, viewer.defaultCurrency, mode === 'PRODUCTS');
  const errors = [...checked, ...create.errors];

  const submit = async () => {
    const found: UserError[] = [];
    if (mode === 'AMOUNT') {
      const problem = amountProblem(amount, currency);
      if (problem) found.push({ field: ['input', 'amount', 'amount'], code: 'INVALID', message: problem });
    } else if (!offerId) found.push(...checkRows(rows, currency));
    if (expires && expires < today()) found.push({ field: ['input', 'expiresAt'], code: 'INVALID', message: 'Pick a day from today on.' });
    setChecked(found);
    if (found.length) return;
    const input: CreatePaymentRequestInput = {
      customerId,
      description: description.trim() || null,
      expiresAt: endOfDay(expires),
      sendEmail,
      allowCoupon,
      ...(mode === 'AMOUNT' ? { amount: { amount: amount.trim(), currency } } : { currency, offerId, lines: offerId ? null : toLineInputs(rows) }),
    };
    const payload = await create.run({ input });
    const request = payload?.paymentRequest;
    if (request) setMade({ url: request.url, amount: request.amount.formatted, emailed: sendEmail, expiresAt: request.expiresAt });
  };

  const shown = ['amount', 'amount.amount', 'amount.currency', 'currency', 'description', 'expiresAt', ...(mode === 'PRODUCTS' ? gridPaths(rows) : [])];
  return (
    <FormDialog
      title="Request payment"
      open
      onClose={onClose}
      wide={mode === 'PRODUCTS'}
      onSubmit={() => void submit()}
      submitLabel="Create payment request"
      busy={create.busy}
      disabled={!data}
      done={
        made ? (
          <>
            <Notice tone="success">
              Payment request for {made.amount} created{made.emailed ? ' and emailed to the customer' : ''}. The link works until {formatDate(made.expiresAt, viewer.locale)}.
            </Notice>
            <h3>Payment link</h3>
            <LinkBox url={made.url} />
          </>
        ) : null
      }
    >
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data ? (
        <>
          <fieldset>
            <legend>Ask for</legend>
            <div className="choices">
              <label>
                <input type="radio" name="sales-request-mode" checked={mode === 'AMOUNT'} onChange={() => { setMode('AMOUNT'); setChecked([]); }} />
                Enter a sum
              </label>
              <label>
                <input type="radio" name="sales-request-mode" checked={mode === 'PRODUCTS'} onChange={() => { setMode('PRODUCTS'); setChecked([]); }} />
                Pick products or a saved offer
              </label>
            </div>
          </fieldset>
          {mode === 'AMOUNT' ? (
            <div className="form-grid">
              <TextField label="Amount" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} error={errorFor(errors, 'amount.amount') ?? errorFor(errors, 'amount')} />
              <CurrencySelect value={currency} onChange={setCurrency} error={errorFor(errors, 'amount.currency') ?? errorFor(errors, 'currency')} more={[currency]} />
            </div>
          ) : (
            <>
              <div className="sales-lines-header">
                <OfferSelect offers={offers} value={offer?.id ?? ''} onPick={applyOffer} />
                <CurrencySelect value={currency} onChange={setCurrency} error={errorFor(errors, 'currency')} more={[currency, ...products.map((p) => p.price.currency), ...offers.map((o) => o.currency)]} />
              </div>
              <ProductGrid rows={rows} onChange={(next) => { setRows(next); setChecked([]); }} products={products} currency={currency} errors={errors} />
            </>
          )}
          <TextField label="Description (optional)" value={description} onChange={(event) => setDescription(event.target.value)} error={errorFor(errors, 'description')} hint="Shown to the customer on the payment page." />
          <TextField label="Expires on (optional)" type="date" min={today()} value={expires} onChange={(event) => setExpires(event.target.value)} error={errorFor(errors, 'expiresAt')} hint="Left empty, the link works for seven days." />
          <CheckboxField label="Email it to the customer" checked={sendEmail} onChange={(event) => setSendEmail(event.target.checked)} />
          <CheckboxField label="Let the customer use a coupon" checked={allowCoupon} onChange={(event) => setAllowCoupon(event.target.checked)} />
          <FormErrors errors={unplaced(errors, shown)} failure={create.failure} />
        </>
      ) : null}
    </FormDialog>
  );
}
