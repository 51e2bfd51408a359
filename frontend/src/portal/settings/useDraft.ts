/** Form state for the settings dialogs and forms. */
import { useCallback, useState } from 'react';

/** A form's values as one object, and `set(key, value)` to change one of them. */
export function useDraft<T extends object>(initial: T) {
  const [draft, setDraft] = useState<T>(initial);
  const set = useCallback(<K extends keyof T>(key: K, value: T[K]) => setDraft((old) => ({ ...old, [key]: value })), []);
  return [draft, set] as const;
}

/**
 * What the form itself found wrong before asking the API, by field.
 * `accept(found)` shows them and says whether there were none.
 */
export function useProblems() {
  const [problems, setProblems] = useState<Record<string, string>>({});
  const accept = useCallback((found: Record<string, string>) => {
    setProblems(found);
    return Object.keys(found).length === 0;
  }, []);
  return { problems, accept };
}
