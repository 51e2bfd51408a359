/**
 * "Virtual terminal": charge a plain amount now, on a new card (the usual
 * case: a card read out over the phone) or a card on file. It is chargeNow
 * with one one-off line, so the outcomes and the idempotency rules are those
 * of the sale dialog.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import type { UserError } from '../ui/errors';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { amountProblem, formatMoney } from '../ui/money';
import { FormErrors, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';
import type { CardChoiceValue } from './CardChoice';
import { CardChoice, choiceErrors, choiceInput, choicePaths, initialChoice } from './CardChoice';
import { SalesDialogData } from './data';
import type { Outcome } from './outcome';
import { CurrencySelect } from './SaleFields';
import { DeclineNotice, useChargeAttempt } from './useChargeAttempt';

export const VirtualTerminalCharge = graphql(`
  mutation VirtualTerminalCharge($input: ChargeNowInput!) {
    chargeNow(input: $input) {
      transaction {
        ...SalesChargeFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const VIRTUAL_TERMINAL_DESCRIPTION = 'Virtual terminal sale';

interface VirtualTerminalProps {
  customerId: string;
  onClose: () => void;
  onDone: (outcome: Outcome) => void;
}

export function VirtualTerminal({ customerId, onClose, onDone }: VirtualTerminalProps) {
  const viewer = useViewer();
  const [{ data, error, fetching }] = useQuery({ query: SalesDialogData, variables: { id: customerId } });
  const [description, setDescription] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(viewer.defaultCurrency);
  const [choice, setChoice] = useState<CardChoiceValue | null>(null);
  const [checked, setChecked] = useState<UserError[]>([]);
  const attempt = useChargeAttempt(onDone);
  const charge = useAction(VirtualTerminalCharge, (d) => d.chargeNow);
  const cards = data?.customer?.paymentMethods ?? [];
  const cardChoice = choice ?? initialChoice(cards, true);
  const errors = [...checked, ...charge.errors];
  const valid = amountProblem(amount, currency) === null;

  const submit = async () => {
    if (charge.busy) return;
    const problem = amountProblem(amount, currency);
    const found: UserError[] = [...(problem ? [{ field: ['input', 'lines', '0', 'unitPrice'], code: 'INVALID', message: problem }] : []), ...choiceErrors(cardChoice)];
    setChecked(found);
    attempt.clearDecline();
    if (found.length) return;
    const payload = await charge.run({
      input: {
        customerId,
        currency,
        lines: [{ description: description.trim() || VIRTUAL_TERMINAL_DESCRIPTION, quantity: 1, unitPrice: amount.trim(), kind: 'SINGLE' }],
        ...choiceInput(cardChoice, cards),
        idempotencyKey: attempt.key,
      },
    });
    if (payload?.transaction) attempt.settle(payload.transaction);
  };

  const label = valid ? `Charge ${formatMoney({ amount: amount.trim(), currency }, viewer.locale)}` : 'Charge';
  return (
    <Dialog
      title="Virtual terminal"
      open
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={charge.busy} disabled={!data} onClick={() => void submit()}>
            {label}
          </Button>
        </>
      }
    >
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading label="Loading cards…" /> : null}
      {data ? (
        <>
          <TextField label="Description (optional)" placeholder={VIRTUAL_TERMINAL_DESCRIPTION} value={description} onChange={(event) => setDescription(event.target.value)} error={errorFor(errors, 'lines.0.description')} />
          <div className="form-grid">
            <TextField label="Amount" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} error={errorFor(errors, 'lines.0.unitPrice') ?? errorFor(errors, 'lines')} />
            <CurrencySelect value={currency} onChange={setCurrency} error={errorFor(errors, 'currency')} />
          </div>
          <DeclineNotice text={attempt.decline} />
          <CardChoice cards={cards} value={cardChoice} onChange={setChoice} errors={errors} />
          <FormErrors errors={unplaced(errors, ['lines', 'lines.0.description', 'lines.0.unitPrice', 'currency', ...choicePaths])} failure={charge.failure} />
        </>
      ) : null}
    </Dialog>
  );
}
