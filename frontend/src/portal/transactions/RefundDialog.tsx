/**
 * Refund all or part of a sale. The amount starts at the most that may be
 * refunded now (the action's maxAmount: the refundable amount, or less for a
 * REP under the account's limit), is checked for the currency's digits and
 * that maximum before it is sent, and goes out as a decimal string with an
 * idempotency key made once per opening of this dialog.
 */
import { useState } from 'react';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import { errorFor } from '../ui/errors';
import type { RefundReason } from '../gql/graphql';
import { SelectField, TextField } from '../ui/Field';
import { amountProblem, formatMoney, fromMinorUnits, toMinorUnits } from '../ui/money';
import { useAction } from '../ui/useAction';
import type { ActionProps } from './TransactionConfirm';
import { NoteField, TransactionConfirm } from './TransactionConfirm';
import { REFUND_REASON_LABELS, newIdempotencyKey } from './labels';
import { useCheckedText } from './useCheckedText';

const RefundTransaction = graphql(`
  mutation TransactionRefund($input: RefundTransactionInput!) {
    refundTransaction(input: $input) {
      transaction {
        ...TransactionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export function RefundDialog({ transaction, onClose, onDone }: ActionProps) {
  const { locale } = useViewer();
  const refund = useAction(RefundTransaction, (data) => data.refundTransaction);
  const max = transaction.availableActions.find((a) => a.action === 'REFUND')?.maxAmount ?? transaction.refundableAmount;
  const currency = transaction.total.currency;
  const [idempotencyKey] = useState(newIdempotencyKey);
  const amount = useCheckedText(max.amount);
  const [reason, setReason] = useState('');
  const [reasonCode, setReasonCode] = useState<RefundReason | ''>('');

  const submit = async () => {
    const units = toMinorUnits(amount.text, currency);
    const maxUnits = toMinorUnits(max.amount, max.currency) ?? 0n;
    const found = amountProblem(amount.text, currency) ?? (units !== null && units > maxUnits ? `At most ${max.formatted} can be refunded.` : null);
    amount.setProblem(found);
    if (found || units === null) return;
    const payload = await refund.run({
      input: {
        transactionId: transaction.id,
        amount: fromMinorUnits(units, currency),
        reason: reason.trim() || null,
        reasonCode: reasonCode || null,
        idempotencyKey,
      },
    });
    if (payload) onDone(`Refunded ${formatMoney({ amount: fromMinorUnits(units, currency), currency }, locale)}.`);
  };

  return (
    <TransactionConfirm
      kind="REFUND"
      action={refund}
      placed={['amount', 'reason', 'reasonCode']}
      danger
      onClose={onClose}
      onConfirm={() => void submit()}
    >
      <p>
        Paid {transaction.total.formatted}; {transaction.refundableAmount.formatted} can still be refunded.
      </p>
      <TextField
        label="Amount"
        inputMode="decimal"
        autoComplete="off"
        value={amount.text}
        onChange={amount.onChange}
        error={amount.problem ?? errorFor(refund.errors, 'amount')}
        hint={`${currency}, at most ${max.formatted}`}
      />
      <SelectField label="Reason code" value={reasonCode} onChange={(event) => setReasonCode(event.target.value as RefundReason | '')} error={errorFor(refund.errors, 'reasonCode')} hint="Optional; told to gateways that take one.">
        <option value="">Not said</option>
        {Object.entries(REFUND_REASON_LABELS).map(([key, label]) => (
          <option key={key} value={key}>
            {label}
          </option>
        ))}
      </SelectField>
      <NoteField label="Reason" value={reason} onChange={setReason} error={errorFor(refund.errors, 'reason')} hint="Optional; kept with the refund." />
    </TransactionConfirm>
  );
}
