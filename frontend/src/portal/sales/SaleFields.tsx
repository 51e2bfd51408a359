/** Pickers the sales dialogs share: the currency, and a saved offer to fill the grid from. */
import { useViewer } from '../auth/viewer';
import { SelectField } from '../ui/Field';
import { currencyChoices } from './data';

interface CurrencySelectProps {
  value: string;
  onChange: (currency: string) => void;
  error: string | undefined;
  /** Currencies offered after the account's own (the current one, the products' and offers'). */
  more?: (string | null | undefined)[];
}

export function CurrencySelect({ value, onChange, error, more = [] }: CurrencySelectProps) {
  const { defaultCurrency } = useViewer();
  return (
    <SelectField label="Currency" value={value} onChange={(event) => onChange(event.target.value)} error={error}>
      {currencyChoices(defaultCurrency, ...more).map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </SelectField>
  );
}

interface OfferSelectProps {
  offers: readonly { id: string; name: string; currency: string }[];
  value: string;
  onPick: (offerId: string) => void;
  hint?: string | undefined;
}

export function OfferSelect({ offers, value, onPick, hint }: OfferSelectProps) {
  return (
    <SelectField label="Apply saved offer" value={value} onChange={(event) => onPick(event.target.value)} hint={hint}>
      <option value="">{offers.length ? 'Choose an offer…' : 'No saved offers yet'}</option>
      {offers.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name} ({o.currency})
        </option>
      ))}
    </SelectField>
  );
}
