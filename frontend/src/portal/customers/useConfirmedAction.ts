/**
 * A row action confirmed before it runs ("Remove", "Revoke", "Cancel
 * request"): `ask(row)` opens the Confirm, whose props come from `confirm`;
 * on success it closes and `onDone` refreshes the list. Closing clears the
 * action's errors, so the next opening starts clean.
 */
import { useState } from 'react';
import type { AnyVariables, DocumentInput } from 'urql';

import type { UserError } from '../ui/errors';
import { useAction } from '../ui/useAction';

export function useConfirmedAction<Target, Data, Variables extends AnyVariables, Payload extends { userErrors: readonly UserError[] }>(
  document: DocumentInput<Data, Variables>,
  pick: (data: Data) => Payload,
  variables: (target: Target) => Variables,
  onDone: () => void,
) {
  const action = useAction(document, pick);
  const [target, setTarget] = useState<Target | null>(null);
  const close = () => {
    action.reset();
    setTarget(null);
  };
  const run = async () => {
    if (target !== null && (await action.run(variables(target)))) {
      close();
      onDone();
    }
  };
  return {
    target,
    ask: setTarget,
    /** Spread into <Confirm>: open while a target is asked about. */
    confirm: {
      open: target !== null,
      onClose: close,
      onConfirm: () => void run(),
      busy: action.busy,
      errors: action.errors,
      failure: action.failure,
    },
  };
}
