/**
 * Runs one mutation for a form or button: at most one call in flight (a
 * double click sends one request, not two), `busy` while it runs, and the
 * payload's userErrors kept for the fields that show them. A transport or
 * top-level GraphQL error becomes `failure`, shown in the form's banner.
 */
import { useCallback, useRef, useState } from 'react';
import type { AnyVariables, DocumentInput } from 'urql';
import { useMutation } from 'urql';

import { describeError } from './failure';

import type { UserError } from './errors';

export interface ActionState {
  busy: boolean;
  errors: UserError[];
  failure: string | null;
  reset: () => void;
}

export function useAction<Data, Variables extends AnyVariables, Payload extends { userErrors: readonly UserError[] }>(
  document: DocumentInput<Data, Variables>,
  pick: (data: Data) => Payload,
): ActionState & { run: (variables: Variables) => Promise<Payload | null> } {
  const [, execute] = useMutation<Data, Variables>(document);
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<UserError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);

  const run = useCallback(
    async (variables: Variables): Promise<Payload | null> => {
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(true);
      setFailure(null);
      try {
        const result = await execute(variables, { requestPolicy: 'network-only' });
        if (result.error || !result.data) {
          setErrors([]);
          setFailure(describeError(result.error));
          return null;
        }
        const payload = pick(result.data);
        setErrors([...payload.userErrors]);
        return payload.userErrors.length ? null : payload;
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
    [execute, pick],
  );
  const reset = useCallback(() => {
    setErrors([]);
    setFailure(null);
  }, []);
  return { run, busy, errors, failure, reset };
}
