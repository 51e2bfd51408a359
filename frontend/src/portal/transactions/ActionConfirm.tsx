/**
 * The confirm dialog of one mutation run from a button (the transaction and
 * subscription actions): the Confirm kit dialog, always open (each is mounted
 * when opened), busy while the mutation runs, and its userErrors in the banner
 * unless a field shows them.
 */
import type { ReactNode } from 'react';

import { Confirm } from '../ui/Confirm';
import { unplaced } from '../ui/errors';
import type { ActionState } from '../ui/useAction';

export interface ActionConfirmProps {
  title: string;
  confirmLabel: string;
  /** The mutation's useAction state. */
  action: ActionState;
  /** Field paths whose errors a field of the dialog shows, so the banner leaves them out. */
  placed?: readonly string[];
  /** Shown in the banner instead of the action's own failure. */
  failure?: string | null;
  danger?: boolean;
  onClose: () => void;
  onConfirm: () => void;
  children: ReactNode;
}

export function ActionConfirm({ action, placed = [], failure, ...props }: ActionConfirmProps) {
  return (
    <Confirm
      {...props}
      open
      busy={action.busy}
      errors={unplaced(action.errors, placed)}
      failure={failure ?? action.failure}
    />
  );
}
