/**
 * The confirm dialog of each transaction action. Every one is mounted when
 * opened, so its fields and its idempotency key are fresh per opening, and
 * every mutation selects the whole drawer fragment (customer included), so
 * the drawer and the payments tables refresh from its result.
 */
import { useState } from 'react';

import { graphql } from '../gql';
import type { TransactionActionKind, TransactionDetailsFragment } from '../gql/graphql';
import { errorFor } from '../ui/errors';
import { TextField } from '../ui/Field';
import { useAction } from '../ui/useAction';
import { PAID_OUTSIDE_PATHS, PaidOutsideFields, paidOutsideInput, usePaidOutside } from './PaidOutsideFields';
import { RefundDialog } from './RefundDialog';
import { VoidEffects } from './VoidEffects';
import type { ActionProps } from './TransactionConfirm';
import { NoteField, TransactionConfirm } from './TransactionConfirm';
import { newIdempotencyKey } from './labels';

const VoidTransaction = graphql(`
  mutation TransactionVoid($input: VoidTransactionInput!) {
    voidTransaction(input: $input) {
      transaction {
        ...TransactionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const WriteOffTransaction = graphql(`
  mutation TransactionWriteOff($input: WriteOffTransactionInput!) {
    writeOffTransaction(input: $input) {
      transaction {
        ...TransactionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const MarkTransactionPaid = graphql(`
  mutation TransactionMarkPaid($input: MarkTransactionPaidInput!) {
    markTransactionPaid(input: $input) {
      transaction {
        ...TransactionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const ResendInvoice = graphql(`
  mutation TransactionResendInvoice($input: ResendInvoiceInput!) {
    resendInvoice(input: $input) {
      invoice {
        id
        lastSentAt
        transaction {
          ...TransactionDetails
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const RerunCommission = graphql(`
  mutation TransactionRerunCommission($input: RerunCommissionInput!) {
    rerunCommission(input: $input) {
      transaction {
        ...TransactionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/**
 * The action being confirmed on a sale (from the drawer or the transaction's
 * page): `start` opens its dialog, `dialog` renders it, `done` is the sentence
 * once it succeeded; `onChanged` asks for the sale again.
 */
export function useTransactionAction(transaction: TransactionDetailsFragment | null, onChanged: () => void) {
  const [action, setAction] = useState<TransactionActionKind | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const dialog =
    transaction && action ? (
      <ActionDialog
        key={`${transaction.id}:${action}`}
        action={action}
        transaction={transaction}
        onClose={() => setAction(null)}
        onDone={(message) => {
          setAction(null);
          setDone(message);
          onChanged();
        }}
      />
    ) : null;
  return {
    done,
    dialog,
    start: (kind: TransactionActionKind) => {
      setDone(null);
      setAction(kind);
    },
    reset: () => {
      setAction(null);
      setDone(null);
    },
  };
}

export function ActionDialog({ action, ...props }: ActionProps & { action: TransactionActionKind }) {
  switch (action) {
    case 'REFUND':
      return <RefundDialog {...props} />;
    case 'VOID':
      return <VoidDialog {...props} />;
    case 'WRITE_OFF':
      return <WriteOffDialog {...props} />;
    case 'MARK_PAID':
      return <MarkPaidDialog {...props} />;
    case 'RESEND_INVOICE':
      return <ResendInvoiceDialog {...props} />;
    case 'RERUN_COMMISSION':
      return <RerunCommissionDialog {...props} />;
  }
}

function VoidDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(VoidTransaction, (data) => data.voidTransaction);
  const [idempotencyKey] = useState(newIdempotencyKey);
  return (
    <TransactionConfirm
      kind="VOID"
      action={run}
      danger
      onClose={onClose}
      onConfirm={async () => {
        if (await run.run({ input: { transactionId: transaction.id, idempotencyKey } })) onDone('The payment was voided.');
      }}
    >
      <VoidEffects transactionId={transaction.id} total={transaction.total.formatted} />
    </TransactionConfirm>
  );
}

function WriteOffDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(WriteOffTransaction, (data) => data.writeOffTransaction);
  const [reason, setReason] = useState('');
  return (
    <TransactionConfirm
      kind="WRITE_OFF"
      action={run}
      placed={['reason']}
      danger
      onClose={onClose}
      onConfirm={async () => {
        const input = { transactionId: transaction.id, reason: reason.trim() || null };
        if (await run.run({ input })) onDone('The payment was written off.');
      }}
    >
      <p>Write off this {transaction.total.formatted} payment? It will not be collected; no money moves.</p>
      <NoteField label="Reason" value={reason} onChange={setReason} error={errorFor(run.errors, 'reason')} hint="Optional; kept with the payment." />
    </TransactionConfirm>
  );
}

function MarkPaidDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(MarkTransactionPaid, (data) => data.markTransactionPaid);
  const [paid, setPaid] = usePaidOutside();
  return (
    <TransactionConfirm
      kind="MARK_PAID"
      action={run}
      placed={PAID_OUTSIDE_PATHS}
      onClose={onClose}
      onConfirm={async () => {
        const input = { transactionId: transaction.id, ...paidOutsideInput(paid) };
        if (await run.run({ input })) onDone('The payment was marked paid.');
      }}
    >
      <p>
        Mark this {transaction.total.formatted} payment as paid outside paydesk? It gets its invoice; later refunds of it
        are recorded, not sent to a gateway.
      </p>
      <PaidOutsideFields value={paid} onChange={setPaid} errors={run.errors} />
    </TransactionConfirm>
  );
}

function ResendInvoiceDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(ResendInvoice, (data) => data.resendInvoice);
  const [email, setEmail] = useState('');
  const to = transaction.customer.email;
  return (
    <TransactionConfirm
      kind="RESEND_INVOICE"
      action={run}
      placed={['email']}
      onClose={onClose}
      onConfirm={async () => {
        const other = email.trim();
        if (await run.run({ input: { transactionId: transaction.id, email: other || null } })) {
          onDone(`The invoice was sent to ${other || to || 'the customer'}.`);
        }
      }}
    >
      <p>
        Email invoice {transaction.invoice?.number ?? ''} again{to ? ` to ${to}` : ' to the customer'}, or to another
        address.
      </p>
      <TextField
        label="Other email"
        type="email"
        autoComplete="off"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errorFor(run.errors, 'email')}
        hint="Optional; leave empty to send it to the customer."
      />
    </TransactionConfirm>
  );
}

function RerunCommissionDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(RerunCommission, (data) => data.rerunCommission);
  return (
    <TransactionConfirm
      kind="RERUN_COMMISSION"
      action={run}
      onClose={onClose}
      onConfirm={async () => {
        if (await run.run({ input: { transactionId: transaction.id } })) onDone('The commission was computed again.');
      }}
    >
      <p>
        Compute this payment's commission again from the customer's partner and rate as they are now
        {transaction.commission ? ` (now ${transaction.commission.amount.formatted})` : ''}?
      </p>
    </TransactionConfirm>
  );
}
