/**
 * The fields of a new card, for "Add card", "Charge now" with a new card and
 * the virtual terminal. The number and CVC live only in this component's
 * state and the one request that sends them: never in the URL, storage or a
 * log. The API checks them (Luhn, brand, expiry, CVC length) and answers
 * userErrors on ["input", <prefix>, "number" | "expMonth" | "expYear" | "cvc"].
 */
import type { UserError } from '../ui/errors';
import { errorFor } from '../ui/errors';
import { TextField } from '../ui/Field';

export interface CardDraft {
  number: string;
  expMonth: string;
  expYear: string;
  cvc: string;
  nameOnCard: string;
}

/** The API's CardInput. */
export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string | null;
  nameOnCard: string | null;
}

export const EMPTY_CARD: CardDraft = { number: '', expMonth: '', expYear: '', cvc: '', nameOnCard: '' };

/** The draft as the API's CardInput; unparseable months and years go as 0 so the API names the field. */
export function toCardInput(card: CardDraft): CardInput {
  const int = (text: string) => (/^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : 0);
  return {
    number: card.number.trim(),
    expMonth: int(card.expMonth),
    expYear: int(card.expYear),
    cvc: card.cvc.trim() || null,
    nameOnCard: card.nameOnCard.trim() || null,
  };
}

interface CardFieldsProps {
  value: CardDraft;
  onChange: (card: CardDraft) => void;
  errors: readonly UserError[];
  /** The card's path in the mutation input, e.g. "card" for ["input", "card", ...]. */
  path?: string;
}

export const cardPaths = (path = 'card') => ['number', 'expMonth', 'expYear', 'cvc', 'nameOnCard'].map((f) => `${path}.${f}`).concat(path);

export function CardFields({ value, onChange, errors, path = 'card' }: CardFieldsProps) {
  const set = (field: keyof CardDraft) => (event: { target: { value: string } }) => onChange({ ...value, [field]: event.target.value });
  const error = (field: string) => errorFor(errors, `${path}.${field}`);
  return (
    <div className="card-fields">
      <TextField label="Card number" inputMode="numeric" autoComplete="cc-number" value={value.number} onChange={set('number')} error={error('number') ?? errorFor(errors, path)} placeholder="4242 4242 4242 4242" />
      <div className="form-grid">
        <TextField label="Expiry month" inputMode="numeric" autoComplete="cc-exp-month" placeholder="MM" maxLength={2} value={value.expMonth} onChange={set('expMonth')} error={error('expMonth')} />
        <TextField label="Expiry year" inputMode="numeric" autoComplete="cc-exp-year" placeholder="YYYY" maxLength={4} value={value.expYear} onChange={set('expYear')} error={error('expYear')} />
        <TextField label="CVC" inputMode="numeric" autoComplete="cc-csc" maxLength={4} value={value.cvc} onChange={set('cvc')} error={error('cvc')} />
      </div>
      <TextField label="Name on card" autoComplete="cc-name" value={value.nameOnCard} onChange={set('nameOnCard')} error={error('nameOnCard')} />
    </div>
  );
}
