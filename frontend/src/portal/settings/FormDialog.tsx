/**
 * The settings screens' form dialog: the portal's FormDialog driven by one
 * mutation's state, with the errors no field shows in the banner.
 */
import type { ReactNode } from 'react';

import { unplaced } from '../ui/errors';
import { FormDialog as Form } from '../ui/FormDialog';
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

export function FormDialog({ action, fields, ...form }: FormDialogProps) {
  return <Form {...form} busy={action.busy} banner={<FormErrors errors={unplaced(action.errors, fields)} failure={action.failure} />} />;
}
