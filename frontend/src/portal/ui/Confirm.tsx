/**
 * "Are you sure?" before an action that moves money or cannot be undone.
 * The confirm button runs the action once; it stays disabled while it runs.
 */
import type { ReactNode } from 'react';

import { Button } from './Button';
import { Dialog } from './Dialog';
import type { UserError } from './errors';
import { FormErrors } from './States';

interface ConfirmProps {
  title: string;
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  confirmLabel: string;
  busy: boolean;
  danger?: boolean;
  errors?: readonly UserError[];
  failure?: string | null;
  children: ReactNode;
}

export function Confirm({ title, open, onClose, onConfirm, confirmLabel, busy, danger = false, errors = [], failure, children }: ConfirmProps) {
  return (
    <Dialog
      title={title}
      open={open}
      onClose={onClose}
      onSubmit={onConfirm}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant={danger ? 'danger' : 'primary'} busy={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      <FormErrors errors={errors} failure={failure ?? null} />
    </Dialog>
  );
}
