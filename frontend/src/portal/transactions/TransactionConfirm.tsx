/** The drawer's labels for each transaction action, the confirm dialog titled by them, and its optional note field. */
import type { TransactionActionKind, TransactionDetailsFragment } from '../gql/graphql';
import { TextArea } from '../ui/Field';
import type { ActionConfirmProps } from './ActionConfirm';
import { ActionConfirm } from './ActionConfirm';

/** The drawer's button, and the dialog's title and confirm button, for each action. */
export const ACTION_LABELS: Record<TransactionActionKind, { button: string; title: string; confirm: string }> = {
  REFUND: { button: 'Refund', title: 'Refund payment', confirm: 'Confirm refund' },
  VOID: { button: 'Void', title: 'Void payment', confirm: 'Confirm void' },
  WRITE_OFF: { button: 'Write off', title: 'Write off payment', confirm: 'Confirm write-off' },
  MARK_PAID: { button: 'Mark paid', title: 'Mark payment as paid', confirm: 'Confirm mark paid' },
  RESEND_INVOICE: { button: 'Resend invoice', title: 'Resend invoice', confirm: 'Send invoice' },
  RERUN_COMMISSION: { button: 'Re-run commission', title: 'Re-run commission', confirm: 'Confirm re-run' },
};

/** What every action's dialog gets from the drawer. */
export interface ActionProps {
  transaction: TransactionDetailsFragment;
  onClose: () => void;
  /** After success, with a sentence saying what happened. */
  onDone: (message: string) => void;
}

/** ActionConfirm with the action's title and confirm button from ACTION_LABELS. */
export function TransactionConfirm({ kind, ...props }: { kind: TransactionActionKind } & Omit<ActionConfirmProps, 'title' | 'confirmLabel'>) {
  const { title, confirm } = ACTION_LABELS[kind];
  return <ActionConfirm title={title} confirmLabel={confirm} {...props} />;
}

/** The optional free-text reason or note of an action (at most 500 characters; its dialog sends it trimmed, empty as null). */
export function NoteField({ label, hint, value, onChange, error }: { label: string; hint: string; value: string; onChange: (value: string) => void; error: string | undefined }) {
  return <TextArea label={label} value={value} onChange={(event) => onChange(event.target.value)} error={error} hint={hint} maxLength={500} />;
}
