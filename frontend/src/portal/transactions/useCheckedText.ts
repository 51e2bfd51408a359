import type { ChangeEvent } from 'react';
import { useState } from 'react';

/**
 * The text of one dialog field and the problem the dialog found in it before
 * sending (shown at the field); typing in the field clears the problem.
 */
export function useCheckedText(initial: string) {
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    setText(event.target.value);
    setProblem(null);
  };
  return { text, problem, setProblem, onChange };
}
