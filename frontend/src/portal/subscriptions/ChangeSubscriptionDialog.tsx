/**
 * Change a subscription's quantity or unit price (ADMIN). With "Prorate",
 * the rest of the current period is credited at the old price and charged
 * at the new one: an upgrade is charged now as its own sale, a downgrade
 * becomes credit off the next charges. The preview below the fields asks
 * the API what exactly that would do today (subscriptionChangePreview).
 */
import { useState } from 'react';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import { newIdempotencyKey } from '../transactions/labels';
import { ActionConfirm } from '../transactions/ActionConfirm';
import { errorFor } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { amountProblem, fromMinorUnits, toMinorUnits } from '../ui/money';
import { useAction } from '../ui/useAction';
import { ChangePreview } from './ChangePreview';
import type { SubscriptionDialogProps } from './fields';
import { unitWord } from './fields';

/** The API's largest quantity (billing/changes.py MAX_QUANTITY). */
const MAX_QUANTITY = 10000;

const UpdateSubscription = graphql(`
  mutation SubscriptionChangePrice($input: UpdateSubscriptionInput!) {
    updateSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export function ChangeSubscriptionDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const { locale } = useViewer();
  const run = useAction(UpdateSubscription, (data) => data.updateSubscription);
  const currency = s.unitPrice.currency;
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [quantityText, setQuantityText] = useState(String(s.quantity));
  const [priceText, setPriceText] = useState(s.unitPrice.amount);
  // Only an ACTIVE order is prorated (a paused or past-due one has no running period to split).
  const canProrate = s.status === 'ACTIVE';
  const [prorate, setProrate] = useState(canProrate);
  const [problems, setProblems] = useState<{ quantity?: string; unitPrice?: string; form?: string }>({});

  const quantity = /^\d+$/.test(quantityText.trim()) ? Number(quantityText.trim()) : null;
  const quantityProblem =
    quantity === null || quantity < 1 || quantity > MAX_QUANTITY ? `Enter a whole number from 1 to ${MAX_QUANTITY}.` : null;
  const priceProblem = amountProblem(priceText, currency, { allowZero: true });
  const priceUnits = priceProblem ? null : toMinorUnits(priceText, currency);
  const unitPrice = priceUnits === null ? null : fromMinorUnits(priceUnits, currency);
  const changedQuantity = quantity !== null && quantity !== s.quantity;
  const changedPrice = priceUnits !== null && priceUnits !== toMinorUnits(s.unitPrice.amount, currency);
  const valid = !quantityProblem && !priceProblem;

  const submit = async () => {
    if (!valid) return setProblems({ quantity: quantityProblem ?? undefined, unitPrice: priceProblem ?? undefined });
    if (!changedQuantity && !changedPrice) return setProblems({ form: 'Change the quantity or the unit price first.' });
    setProblems({});
    const payload = await run.run({
      input: {
        subscriptionId: s.id,
        quantity: changedQuantity ? quantity : null,
        unitPrice: changedPrice ? unitPrice : null,
        prorate: canProrate && prorate,
        idempotencyKey,
      },
    });
    if (payload) onDone('The price or quantity was changed.');
  };

  return (
    <ActionConfirm
      title="Change price or quantity"
      confirmLabel="Save change"
      action={run}
      placed={['quantity', 'unitPrice']}
      failure={problems.form}
      onClose={onClose}
      onConfirm={() => void submit()}
    >
      <p>
        “{s.description}” charges {s.quantity} × {s.unitPrice.formatted} every {unitWord(s.unit)}
        {s.nextChargeDate ? `; next on ${formatDate(s.nextChargeDate, locale)}` : ''}.
      </p>
      <div className="form-grid">
        <TextField
          label="Quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_QUANTITY}
          step={1}
          value={quantityText}
          onChange={(event) => {
            setQuantityText(event.target.value);
            setProblems({});
          }}
          error={problems.quantity ?? errorFor(run.errors, 'quantity')}
        />
        <TextField
          label="Unit price"
          inputMode="decimal"
          autoComplete="off"
          value={priceText}
          onChange={(event) => {
            setPriceText(event.target.value);
            setProblems({});
          }}
          error={problems.unitPrice ?? errorFor(run.errors, 'unitPrice')}
          hint={currency}
        />
      </div>
      <CheckboxField
        label="Prorate the current period"
        checked={canProrate && prorate}
        disabled={!canProrate}
        onChange={(event) => setProrate(event.target.checked)}
      />
      {!canProrate ? <p className="muted">Only an active subscription is prorated; the new amount applies from the next charge.</p> : null}
      <ChangePreview
        subscriptionId={s.id}
        quantity={valid && (changedQuantity || changedPrice) ? quantity : null}
        unitPrice={valid && (changedQuantity || changedPrice) ? unitPrice : null}
        prorate={canProrate && prorate}
        unit={s.unit}
        nextChargeDate={s.nextChargeDate ?? null}
      />
    </ActionConfirm>
  );
}
