/**
 * "Create coupon" (ADMIN and up): a percentage or an amount off, optionally
 * only for this customer, with an optional expiry and redemption cap.
 */
import { useState } from 'react';

import { useViewer } from '../auth/viewer';
import { FormDialog } from '../ui/FormDialog';
import { graphql } from '../gql';
import type { CreateCouponInput } from '../gql/graphql';
import type { UserError } from '../ui/errors';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { formatDate, today } from '../ui/format';
import { amountProblem } from '../ui/money';
import { FormErrors, Notice } from '../ui/States';
import { useAction } from '../ui/useAction';
import { CurrencySelect } from './SaleFields';

export const CreateCouponDialogCreate = graphql(`
  mutation CreateCouponDialogCreate($input: CreateCouponInput!) {
    createCoupon(input: $input) {
      coupon {
        id
        code
        percentOff
        amountOff {
          amount
          currency
          formatted
        }
        expiresAt
        maxRedemptions
        timesRedeemed
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

type Kind = 'PERCENT' | 'AMOUNT';

interface Made {
  code: string;
  off: string;
  expiresAt: string | null | undefined;
  maxRedemptions: number | null | undefined;
  onlyThisCustomer: boolean;
}

export function CreateCouponDialog({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const viewer = useViewer();
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<Kind>('PERCENT');
  const [percent, setPercent] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(viewer.defaultCurrency);
  const [expires, setExpires] = useState('');
  const [maxRedemptions, setMaxRedemptions] = useState('');
  const [onlyThisCustomer, setOnlyThisCustomer] = useState(true);
  const [checked, setChecked] = useState<UserError[]>([]);
  const [made, setMade] = useState<Made | null>(null);
  const create = useAction(CreateCouponDialogCreate, (d) => d.createCoupon);
  const errors = [...checked, ...create.errors];

  const submit = async () => {
    const found: UserError[] = [];
    const at = (path: string[], message: string) => found.push({ field: ['input', ...path], code: 'INVALID', message });
    if (!/^[A-Za-z0-9_-]{3,64}$/.test(code.trim())) at(['code'], 'Use 3 to 64 letters, digits, - and _.');
    if (kind === 'PERCENT' && !/^\d{1,3}(\.\d{1,2})?$/.test(percent.trim())) at(['percentOff'], 'Enter a percentage like 10 or 12.5.');
    if (kind === 'AMOUNT') {
      const problem = amountProblem(amount, currency);
      if (problem) at(['amountOff', 'amount'], problem);
    }
    if (maxRedemptions.trim() && !/^[1-9]\d{0,8}$/.test(maxRedemptions.trim())) at(['maxRedemptions'], 'Enter a whole number, at least 1.');
    if (expires && expires < today()) at(['expiresAt'], 'Pick a day from today on.');
    setChecked(found);
    if (found.length) return;
    const input: CreateCouponInput = {
      code: code.trim(),
      customerId: onlyThisCustomer ? customerId : null,
      percentOff: kind === 'PERCENT' ? percent.trim() : null,
      amountOff: kind === 'AMOUNT' ? { amount: amount.trim(), currency } : null,
      expiresAt: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
      maxRedemptions: maxRedemptions.trim() ? Number(maxRedemptions.trim()) : null,
    };
    const payload = await create.run({ input });
    const coupon = payload?.coupon;
    if (coupon) {
      setMade({
        code: coupon.code,
        off: coupon.amountOff ? `${coupon.amountOff.formatted} off` : `${coupon.percentOff ?? ''}% off`,
        expiresAt: coupon.expiresAt,
        maxRedemptions: coupon.maxRedemptions,
        onlyThisCustomer: Boolean(coupon.customer),
      });
    }
  };

  return (
    <FormDialog
      title="Create coupon"
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      submitLabel="Create coupon"
      busy={create.busy}
      done={
        made ? (
          <>
            <Notice tone="success">
              Coupon <strong className="mono">{made.code}</strong> created: {made.off}.
            </Notice>
            <dl className="facts">
              <dt>Code</dt>
              <dd className="mono">{made.code}</dd>
              <dt>Discount</dt>
              <dd>{made.off}</dd>
              <dt>Expires</dt>
              <dd>{made.expiresAt ? formatDate(made.expiresAt, viewer.locale) : 'Never'}</dd>
              <dt>Uses</dt>
              <dd>{made.maxRedemptions ? `At most ${made.maxRedemptions}` : 'Unlimited'}</dd>
              <dt>Who may use it</dt>
              <dd>{made.onlyThisCustomer ? 'Only this customer' : 'Any customer'}</dd>
            </dl>
          </>
        ) : null
      }
    >
      <TextField label="Coupon code" value={code} onChange={(event) => setCode(event.target.value)} error={errorFor(errors, 'code')} autoComplete="off" hint="3 to 64 letters, digits, - and _; customers type it ignoring case." />
      <fieldset>
        <legend>Discount</legend>
        <div className="choices">
          <label>
            <input type="radio" name="sales-coupon-kind" checked={kind === 'PERCENT'} onChange={() => setKind('PERCENT')} />
            Percentage
          </label>
          <label>
            <input type="radio" name="sales-coupon-kind" checked={kind === 'AMOUNT'} onChange={() => setKind('AMOUNT')} />
            Fixed amount
          </label>
        </div>
        {kind === 'PERCENT' ? (
          <TextField label="Percent off" inputMode="decimal" value={percent} onChange={(event) => setPercent(event.target.value)} error={errorFor(errors, 'percentOff')} />
        ) : (
          <div className="form-grid">
            <TextField label="Amount off" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} error={errorFor(errors, 'amountOff.amount') ?? errorFor(errors, 'amountOff')} />
            <CurrencySelect value={currency} onChange={setCurrency} error={errorFor(errors, 'amountOff.currency')} />
          </div>
        )}
      </fieldset>
      <div className="form-grid">
        <TextField label="Expires on (optional)" type="date" min={today()} value={expires} onChange={(event) => setExpires(event.target.value)} error={errorFor(errors, 'expiresAt')} />
        <TextField label="Maximum uses (optional)" inputMode="numeric" value={maxRedemptions} onChange={(event) => setMaxRedemptions(event.target.value)} error={errorFor(errors, 'maxRedemptions')} />
      </div>
      <CheckboxField label="Only for this customer" checked={onlyThisCustomer} onChange={(event) => setOnlyThisCustomer(event.target.checked)} />
      <FormErrors errors={unplaced(errors, ['code', 'percentOff', 'amountOff', 'amountOff.amount', 'amountOff.currency', 'expiresAt', 'maxRedemptions'])} failure={create.failure} />
    </FormDialog>
  );
}
