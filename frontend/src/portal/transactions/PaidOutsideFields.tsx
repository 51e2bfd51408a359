/**
 * How a sale paid outside paydesk was paid: the way (cash, cheque, ...), a
 * reference and a note. Used where a sale is logged and where one is marked
 * paid; every part is optional and sent trimmed, empty as null.
 */
import { useState } from 'react';

import type { PaidWith } from '../gql/graphql';
import type { UserError } from '../ui/errors';
import { errorFor } from '../ui/errors';
import { SelectField, TextField } from '../ui/Field';
import { PAID_WITH_LABELS } from './labels';
import { NoteField } from './TransactionConfirm';

export interface PaidOutside {
  paidWith: PaidWith | '';
  reference: string;
  note: string;
}

export function usePaidOutside(): [PaidOutside, (next: PaidOutside) => void] {
  return useState<PaidOutside>({ paidWith: '', reference: '', note: '' });
}

/** The input fields of logTransaction and markTransactionPaid for these answers. */
export function paidOutsideInput(value: PaidOutside): { paidWith: PaidWith | null; reference: string | null; note: string | null } {
  return {
    paidWith: value.paidWith || null,
    reference: value.reference.trim() || null,
    note: value.note.trim() || null,
  };
}

export const PAID_OUTSIDE_PATHS = ['paidWith', 'reference', 'note'];

export function PaidOutsideFields({ value, onChange, errors }: { value: PaidOutside; onChange: (next: PaidOutside) => void; errors: readonly UserError[] }) {
  return (
    <>
      <SelectField label="Paid with" value={value.paidWith} onChange={(event) => onChange({ ...value, paidWith: event.target.value as PaidWith | '' })} error={errorFor(errors, 'paidWith')}>
        <option value="">Not said</option>
        {Object.entries(PAID_WITH_LABELS).map(([key, label]) => (
          <option key={key} value={key}>
            {label}
          </option>
        ))}
      </SelectField>
      <TextField label="Reference (optional)" value={value.reference} maxLength={255} autoComplete="off" onChange={(event) => onChange({ ...value, reference: event.target.value })} error={errorFor(errors, 'reference')} hint="Cheque number, transfer reference or the other system's id." />
      <NoteField label="Payment note" value={value.note} onChange={(note) => onChange({ ...value, note })} error={errorFor(errors, 'note')} hint="Optional; kept with the payment." />
    </>
  );
}
