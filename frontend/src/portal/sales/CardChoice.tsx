/**
 * Which card a charge goes to: the customer's default card, another card on
 * file, or a new card typed in (the shared CardFields). The choice becomes
 * chargeNow's `paymentMethodId` or `card`.
 */
import { useId } from 'react';

import type { CardDraft, CardInput } from '../cards/CardFields';
import { CardFields, EMPTY_CARD, cardPaths, toCardInput } from '../cards/CardFields';
import { cardLabel as shortCardLabel, expiryLabel } from '../customers/names';
import type { UserError } from '../ui/errors';
import { errorFor } from '../ui/errors';
import { SelectField } from '../ui/Field';

export interface SaleCard {
  id: string;
  brand: string;
  last4: string;
  expMonth?: number | null;
  expYear?: number | null;
  isDefault: boolean;
  status: string;
}

export interface CardChoiceValue {
  kind: 'DEFAULT' | 'OTHER' | 'NEW';
  otherId: string;
  card: CardDraft;
}

export function initialChoice(cards: readonly SaleCard[], preferNew = false): CardChoiceValue {
  const hasDefault = cards.some((card) => card.isDefault && card.status === 'ACTIVE');
  return { kind: hasDefault && !preferNew ? 'DEFAULT' : 'NEW', otherId: '', card: EMPTY_CARD };
}

/** chargeNow's card fields for the choice. */
export function choiceInput(choice: CardChoiceValue, cards: readonly SaleCard[]): { paymentMethodId: string | null; card: CardInput | null } {
  if (choice.kind === 'NEW') return { paymentMethodId: null, card: toCardInput(choice.card) };
  if (choice.kind === 'OTHER') return { paymentMethodId: choice.otherId || null, card: null };
  return { paymentMethodId: cards.find((card) => card.isDefault)?.id ?? null, card: null };
}

/** Problems the API would not name a field for (no card picked). */
export function choiceErrors(choice: CardChoiceValue): UserError[] {
  return choice.kind === 'OTHER' && !choice.otherId ? [{ field: ['input', 'paymentMethodId'], code: 'REQUIRED', message: 'Pick a card on file.' }] : [];
}

export const choicePaths = ['paymentMethodId', ...cardPaths('card')];

/** "Visa •••• 4242, expires 03/2030 (expired)": a card as the choices name it. */
export function cardLabel(card: SaleCard): string {
  const expiry = card.expMonth && card.expYear ? `, expires ${expiryLabel(card)}` : '';
  const expired = card.status === 'EXPIRED' ? ' (expired)' : '';
  return `${shortCardLabel(card)}${expiry}${expired}`;
}

interface CardChoiceProps {
  cards: readonly SaleCard[];
  value: CardChoiceValue;
  onChange: (value: CardChoiceValue) => void;
  errors: readonly UserError[];
}

export function CardChoice({ cards, value, onChange, errors }: CardChoiceProps) {
  const name = useId();
  const usable = cards.filter((card) => card.status !== 'REMOVED');
  const defaultCard = usable.find((card) => card.isDefault && card.status === 'ACTIVE');
  const others = usable.filter((card) => card !== defaultCard);
  const pick = (kind: CardChoiceValue['kind']) => onChange({ ...value, kind });
  return (
    <fieldset>
      <legend>Card to charge</legend>
      <div className="choices">
        {defaultCard ? (
          <label>
            <input type="radio" name={name} checked={value.kind === 'DEFAULT'} onChange={() => pick('DEFAULT')} />
            Default card: {cardLabel(defaultCard)}
          </label>
        ) : null}
        {others.length ? (
          <label>
            <input type="radio" name={name} checked={value.kind === 'OTHER'} onChange={() => pick('OTHER')} />
            Another card on file
          </label>
        ) : null}
        <label>
          <input type="radio" name={name} checked={value.kind === 'NEW'} onChange={() => pick('NEW')} />
          Enter a new card
        </label>
      </div>
      {!usable.length ? <p className="muted">The customer has no card on file.</p> : null}
      {value.kind === 'OTHER' ? (
        <SelectField label="Card on file" value={value.otherId} onChange={(event) => onChange({ ...value, otherId: event.target.value })} error={errorFor(errors, 'paymentMethodId')}>
          <option value="">Choose a card…</option>
          {others.map((card) => (
            <option key={card.id} value={card.id} disabled={card.status !== 'ACTIVE'}>
              {cardLabel(card)}
            </option>
          ))}
        </SelectField>
      ) : value.kind === 'DEFAULT' && errorFor(errors, 'paymentMethodId') ? (
        <div className="field-error" role="alert">
          {errorFor(errors, 'paymentMethodId')}
        </div>
      ) : null}
      {value.kind === 'NEW' ? (
        <>
          <CardFields value={value.card} onChange={(card) => onChange({ ...value, card })} errors={errors} />
          <p className="muted sales-small">The card is kept on file when the charge is paid.</p>
        </>
      ) : null}
    </fieldset>
  );
}
