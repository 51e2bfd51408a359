/**
 * A form's draft: started again from `make()` whenever `opening` changes
 * (each opening of a dialog starts from the record as it is now), and a
 * setter per field for inputs.
 */
import { useState } from 'react';

export function useDraft<Draft extends object>(make: () => Draft, opening: string) {
  const [draft, setDraft] = useState(make);
  const [seen, setSeen] = useState(opening);
  if (seen !== opening) {
    setSeen(opening);
    setDraft(make());
  }
  return [draft, setDraft] as const;
}

/** `onChange` for the input of one field of a draft. */
export function fieldSetter<Draft extends object>(draft: Draft, onChange: (draft: Draft) => void) {
  return (field: keyof Draft) => (event: { target: { value: string } }) => onChange({ ...draft, [field]: event.target.value });
}
