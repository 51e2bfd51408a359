import type { ReactNode } from 'react';

interface TwoChoicesProps {
  legend: string;
  /** The radio group's name. */
  name: string;
  /** true when the second choice is picked. */
  value: boolean;
  onChange: (value: boolean) => void;
  first: ReactNode;
  second: ReactNode;
  secondDisabled?: boolean;
}

/** A fieldset of two radio buttons picking one of two ways, e.g. "Until resumed" or "Until a date". */
export function TwoChoices({ legend, name, value, onChange, first, second, secondDisabled }: TwoChoicesProps) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="choices">
        <label>
          <input type="radio" name={name} checked={!value} onChange={() => onChange(false)} />
          {first}
        </label>
        <label>
          <input type="radio" name={name} disabled={secondDisabled} checked={value} onChange={() => onChange(true)} />
          {second}
        </label>
      </div>
    </fieldset>
  );
}
