/**
 * A dialog that makes or changes something: the form, with "Cancel" and a
 * submit button that is disabled while the mutation runs (Enter submits);
 * then, for dialogs that show what they made (a link, a coupon), that
 * result in the same dialog, closed by "Done".
 */
import type { ReactNode } from 'react';

import { Button } from './Button';
import { Dialog } from './Dialog';

interface FormDialogProps {
  title: string;
  /** Open unless said otherwise (most callers render it only while open). */
  open?: boolean;
  onClose: () => void;
  onSubmit: () => unknown;
  /** The submit button's words, e.g. "Save address". */
  submitLabel: string;
  busy: boolean;
  /** The submit button is disabled, e.g. until the form's data is loaded. */
  disabled?: boolean;
  wide?: boolean;
  /** What was made: shown instead of the form, with only "Done". */
  done?: ReactNode;
  /** Below the fields: the errors no field shows (FormErrors). */
  banner?: ReactNode;
  children: ReactNode;
}

export function FormDialog({ title, open = true, onClose, onSubmit, submitLabel, busy, disabled, wide, done, banner, children }: FormDialogProps) {
  if (done) {
    return (
      <Dialog title={title} open={open} onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
        {done}
      </Dialog>
    );
  }
  return (
    <Dialog
      title={title}
      open={open}
      onClose={onClose}
      onSubmit={() => void onSubmit()}
      wide={wide}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={disabled}>
            {submitLabel}
          </Button>
        </>
      }
    >
      {children}
      {banner}
    </Dialog>
  );
}
