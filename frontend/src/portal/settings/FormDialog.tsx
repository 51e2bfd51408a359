/**
 * A dialog that is one form: Cancel and a submit button (disabled while the
 * mutation runs) in its footer, and below the fields the action's errors
 * that no field shows.
 */
import type { ReactNode } from 'react';

import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { unplaced } from '../ui/errors';
import { FormErrors } from '../ui/States';
import type { ActionState } from '../ui/useAction';

interface FormDialogProps {
  title: string;
  submitLabel: string;
  /** The mutation the form runs (its busy flag, errors and failure). */
  action: ActionState;
  /** The error paths the form's fields show; other errors go in the banner. */
  fields: readonly string[];
  onClose: () => void;
  onSubmit: () => unknown;
  wide?: boolean;
  children: ReactNode;
}

export function FormDialog({ title, submitLabel, action, fields, onClose, onSubmit, wide, children }: FormDialogProps) {
  return (
    <Dialog
      title={title}
      open
      wide={wide}
      onClose={onClose}
      onSubmit={() => void onSubmit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            {submitLabel}
          </Button>
        </>
      }
    >
      {children}
      <FormErrors errors={unplaced(action.errors, fields)} failure={action.failure} />
    </Dialog>
  );
}
