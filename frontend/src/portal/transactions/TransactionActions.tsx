/**
 * The confirm dialog of each transaction action. Every one is mounted when
 * opened, so its fields and its idempotency key are fresh per opening, and
 * every mutation selects the whole drawer fragment (customer included), so
 * the drawer and the payments tables refresh from its result.
 */
import { useState } from 'react';

import { graphql } from '../gql';
import type { TransactionActionKind, TransactionDetailsFragment } from '../gql/graphql';
import { Confirm } from '../ui/Confirm';
import { errorFor, unplaced } from '../ui/errors';
import { TextArea, TextField } from '../ui/Field';
import { useAction } from '../ui/useAction';
import { RefundDialog } from './RefundDialog';
import { newIdempotencyKey } from './labels';

/** The drawer's button, and the dialog's title and confirm button, for each action. */
export const ACTION_LABELS: Record<TransactionActionKind, { button: string; title: string; confirm: string }> = {
  REFUND: { button: 'Refund', title: 'Refund payment', confirm: 'Confirm refund' },
  VOID: { button: 'Void', title: 'Void payment', confirm: 'Confirm void' },
  WRITE_OFF: { button: 'Write off', title: 'Write off payment', confirm: 'Confirm write-off' },
  MARK_PAID: { button: 'Mark paid', title: 'Mark payment as paid', confirm: 'Confirm mark paid' },
  RESEND_INVOICE: { button: 'Resend invoice', title: 'Resend invoice', confirm: 'Send invoice' },
  RERUN_COMMISSION: { button: 'Re-run commission', title: 'Re-run commission', confirm: 'Confirm re-run' },
};

const VoidTransaction = graphql(`
  mutation TransactionVoid($input: VoidTransactionInput!) {
    voidTransaction(input: $input) {
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

const WriteOffTransaction = graphql(`
  mutation TransactionWriteOff($input: WriteOffTransactionInput!) {
    writeOffTransaction(input: $input) {
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

const MarkTransactionPaid = graphql(`
  mutation TransactionMarkPaid($input: MarkTransactionPaidInput!) {
    markTransactionPaid(input: $input) {
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
        field
        code
        message
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
        field
        code
        message
      }
    }
  }
`);

interface ActionProps {
  transaction: TransactionDetailsFragment;
  onClose: () => void;
  /** After success, with a sentence saying what happened. */
  onDone: (message: string) => void;
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
  const labels = ACTION_LABELS.VOID;
  return (
    <Confirm
      title={labels.title}
      open
      onClose={onClose}
      confirmLabel={labels.confirm}
      danger
      busy={run.busy}
      errors={run.errors}
      failure={run.failure}
      onConfirm={async () => {
        if (await run.run({ input: { transactionId: transaction.id, idempotencyKey } })) onDone('The payment was voided.');
      }}
    >
      <p>
        Void this {transaction.total.formatted} payment? It is cancelled before it settles, so nothing is charged. This
        cannot be undone.
      </p>
    </Confirm>
  );
}

function WriteOffDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(WriteOffTransaction, (data) => data.writeOffTransaction);
  const [reason, setReason] = useState('');
  const labels = ACTION_LABELS.WRITE_OFF;
  return (
    <Confirm
      title={labels.title}
      open
      onClose={onClose}
      confirmLabel={labels.confirm}
      danger
      busy={run.busy}
      errors={unplaced(run.errors, ['reason'])}
      failure={run.failure}
      onConfirm={async () => {
        const input = { transactionId: transaction.id, reason: reason.trim() || null };
        if (await run.run({ input })) onDone('The payment was written off.');
      }}
    >
      <p>Write off this {transaction.total.formatted} payment? It will not be collected; no money moves.</p>
      <TextArea
        label="Reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={errorFor(run.errors, 'reason')}
        hint="Optional; kept with the payment."
        maxLength={500}
      />
    </Confirm>
  );
}

function MarkPaidDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(MarkTransactionPaid, (data) => data.markTransactionPaid);
  const [note, setNote] = useState('');
  const labels = ACTION_LABELS.MARK_PAID;
  return (
    <Confirm
      title={labels.title}
      open
      onClose={onClose}
      confirmLabel={labels.confirm}
      busy={run.busy}
      errors={unplaced(run.errors, ['note'])}
      failure={run.failure}
      onConfirm={async () => {
        const input = { transactionId: transaction.id, note: note.trim() || null };
        if (await run.run({ input })) onDone('The payment was marked paid.');
      }}
    >
      <p>
        Mark this {transaction.total.formatted} payment as paid outside paydesk? It gets its invoice; later refunds of it
        are recorded, not sent to a gateway.
      </p>
      <TextArea
        label="Note"
        value={note}
        onChange={(event) => setNote(event.target.value)}
        error={errorFor(run.errors, 'note')}
        hint="Optional, e.g. how it was paid."
        maxLength={500}
      />
    </Confirm>
  );
}

function ResendInvoiceDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(ResendInvoice, (data) => data.resendInvoice);
  const [email, setEmail] = useState('');
  const labels = ACTION_LABELS.RESEND_INVOICE;
  const to = transaction.customer.email;
  return (
    <Confirm
      title={labels.title}
      open
      onClose={onClose}
      confirmLabel={labels.confirm}
      busy={run.busy}
      errors={unplaced(run.errors, ['email'])}
      failure={run.failure}
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
    </Confirm>
  );
}

function RerunCommissionDialog({ transaction, onClose, onDone }: ActionProps) {
  const run = useAction(RerunCommission, (data) => data.rerunCommission);
  const labels = ACTION_LABELS.RERUN_COMMISSION;
  return (
    <Confirm
      title={labels.title}
      open
      onClose={onClose}
      confirmLabel={labels.confirm}
      busy={run.busy}
      errors={run.errors}
      failure={run.failure}
      onConfirm={async () => {
        if (await run.run({ input: { transactionId: transaction.id } })) onDone('The commission was computed again.');
      }}
    >
      <p>
        Compute this payment's commission again from the customer's partner and rate as they are now
        {transaction.commission ? ` (now ${transaction.commission.amount.formatted})` : ''}?
      </p>
    </Confirm>
  );
}
