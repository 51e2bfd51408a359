/**
 * A settings form saved in place (account, dunning): its fields, the errors
 * no field shows, a "saved" notice after a save that worked, and the save
 * button, disabled while the mutation runs.
 */
import type { ReactNode } from 'react';
import { useState } from 'react';

import { Button } from '../ui/Button';
import { unplaced } from '../ui/errors';
import { FormErrors, Notice } from '../ui/States';
import type { ActionState } from '../ui/useAction';

interface SettingsFormProps {
  label: string;
  submitLabel: string;
  savedText: string;
  action: ActionState;
  /** The error paths the form's fields show. */
  fields: readonly string[];
  /** Saves; resolves true when it worked. */
  onSave: () => Promise<boolean>;
  /** More room above the button (after a list). */
  spaced?: boolean;
  children: ReactNode;
}

export function SettingsForm({ label, submitLabel, savedText, action, fields, onSave, spaced = false, children }: SettingsFormProps) {
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setSaved(false);
    setSaved(await onSave());
  };
  return (
    <form
      className="settings-form"
      aria-label={label}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {children}
      <FormErrors errors={unplaced(action.errors, fields)} failure={action.failure} />
      {saved ? <Notice tone="success">{savedText}</Notice> : null}
      <div className={spaced ? 'settings-form-actions settings-form-actions-spaced' : 'settings-form-actions'}>
        <Button type="submit" variant="primary" busy={action.busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
