/**
 * "Are you sure?" for one mutation that cannot be undone (revoke, archive):
 * the confirm button runs it once with `variables`, and `onDone` follows
 * when it succeeds; userErrors and failures stay in the dialog.
 */
import type { ReactNode } from 'react';
import type { AnyVariables, DocumentInput } from 'urql';

import { Confirm } from '../ui/Confirm';
import type { UserError } from '../ui/errors';
import { useAction } from '../ui/useAction';

interface ConfirmMutationProps<Data, Variables extends AnyVariables, Payload> {
  document: DocumentInput<Data, Variables>;
  pick: (data: Data) => Payload;
  variables: Variables;
  title: string;
  confirmLabel: string;
  onClose: () => void;
  onDone: () => void;
  children: ReactNode;
}

export function ConfirmMutation<Data, Variables extends AnyVariables, Payload extends { userErrors: readonly UserError[] }>({
  document,
  pick,
  variables,
  title,
  confirmLabel,
  onClose,
  onDone,
  children,
}: ConfirmMutationProps<Data, Variables, Payload>) {
  const action = useAction(document, pick);
  return (
    <Confirm
      title={title}
      open
      onClose={onClose}
      onConfirm={() => void action.run(variables).then((payload) => payload && onDone())}
      confirmLabel={confirmLabel}
      busy={action.busy}
      danger
      errors={action.errors}
      failure={action.failure}
    >
      {children}
    </Confirm>
  );
}
