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
import type { TransactionDetailsFragment } from '../gql/graphql';
import { Confirm } from '../ui/Confirm';
import { errorFor, unplaced } from '../ui/errors';
import { TextArea, TextField } from '../ui/Field';
import { amountProblem, formatMoney, fromMinorUnits, toMinorUnits } from '../ui/money';
import { useAction } from '../ui/useAction';
import { newIdempotencyKey } from './labels';

const RefundTransaction = graphql(`
  mutation TransactionRefund($input: RefundTransactionInput!) {
    refundTransaction(input: $input) {
      transaction {
        ...TransactionDetails
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

interface RefundDialogProps {
  transaction: TransactionDetailsFragment;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function RefundDialog({ transaction, onClose, onDone }: RefundDialogProps) {
  const { locale } = useViewer();
  const refund = useAction(RefundTransaction, (data) => data.refundTransaction);
  const max = transaction.availableActions.find((a) => a.action === 'REFUND')?.maxAmount ?? transaction.refundableAmount;
  const currency = transaction.total.currency;
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [amount, setAmount] = useState(max.amount);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async () => {
    const units = toMinorUnits(amount, currency);
    const maxUnits = toMinorUnits(max.amount, max.currency) ?? 0n;
    const found = amountProblem(amount, currency) ?? (units !== null && units > maxUnits ? `At most ${max.formatted} can be refunded.` : null);
    setProblem(found);
    if (found || units === null) return;
    const payload = await refund.run({
      input: {
        transactionId: transaction.id,
        amount: fromMinorUnits(units, currency),
        reason: reason.trim() || null,
        idempotencyKey,
      },
    });
    if (payload) onDone(`Refunded ${formatMoney({ amount: fromMinorUnits(units, currency), currency }, locale)}.`);
  };

  return (
    <Confirm
      title="Refund payment"
      open
      onClose={onClose}
      onConfirm={() => void submit()}
      confirmLabel="Confirm refund"
      busy={refund.busy}
      danger
      errors={unplaced(refund.errors, ['amount', 'reason'])}
      failure={refund.failure}
    >
      <p>
        Paid {transaction.total.formatted}; {transaction.refundableAmount.formatted} can still be refunded.
      </p>
      <TextField
        label="Amount"
        inputMode="decimal"
        autoComplete="off"
        value={amount}
        onChange={(event) => {
          setAmount(event.target.value);
          setProblem(null);
        }}
        error={problem ?? errorFor(refund.errors, 'amount')}
        hint={`${currency}, at most ${max.formatted}`}
      />
      <TextArea
        label="Reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={errorFor(refund.errors, 'reason')}
        hint="Optional; kept with the refund."
        maxLength={500}
      />
    </Confirm>
  );
}
