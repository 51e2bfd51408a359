/**
 * The editable product grid of "Log transaction / Charge" and "Request
 * payment". Each line is a fieldset named "Line 1", "Line 2", ... whose
 * controls carry their own visible labels, so the grid reads the same at
 * phone width (stacked) as on a desk (one row per line), and a test can
 * scope to a line: getByRole('group', { name: 'Line 2' }).getByLabel('Quantity').
 */
import { useViewer } from '../auth/viewer';
import type { BillingUnit, LineKind } from '../gql/graphql';
import { Button } from '../ui/Button';
import type { UserError } from '../ui/errors';
import { errorFor } from '../ui/errors';
import { SelectField, TextField } from '../ui/Field';
import type { GridProduct, GridRow } from './grid';
import { emptyRow, isBlank, rowSummary, withProduct } from './grid';
import './sales.css';

export const KIND_LABELS: Record<LineKind, string> = { SINGLE: 'One-off', SUBSCRIPTION: 'Subscription', PAYMENT_PLAN: 'Payment plan' };
export const UNIT_LABELS: Record<BillingUnit, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month', QUARTER: 'quarter', YEAR: 'year' };

interface ProductGridProps {
  rows: GridRow[];
  onChange: (rows: GridRow[]) => void;
  products: readonly GridProduct[];
  currency: string;
  errors: readonly UserError[];
  /** Logged sales are one-off: the recurring kinds are offered but disabled. */
  oneOffOnly?: boolean;
}

/** The error paths the grid shows (for the dialog's banner of unplaced errors). */
export function gridPaths(rows: readonly GridRow[]): string[] {
  const fields = ['', '.productId', '.description', '.quantity', '.unitPrice', '.kind', '.unit', '.paymentCount', '.firstPayment'];
  const count = rows.filter((row) => !isBlank(row)).length;
  return ['lines', ...Array.from({ length: count }, (_, i) => fields.map((f) => `lines.${i}${f}`)).flat()];
}

export function ProductGrid({ rows, onChange, products, currency, errors, oneOffOnly = false }: ProductGridProps) {
  const update = (index: number, row: GridRow) => onChange(rows.map((r, i) => (i === index ? row : r)));
  const remove = (index: number) => onChange(rows.filter((_, i) => i !== index));
  // API paths count only the lines sent (blank rows are skipped).
  let position = -1;
  return (
    <div className="sales-grid">
      {rows.map((row, index) => {
        if (!isBlank(row)) position += 1;
        const at = isBlank(row) ? null : position;
        return (
          <GridLine
            key={row.key}
            number={index + 1}
            row={row}
            onChange={(next) => update(index, next)}
            onRemove={rows.length > 1 ? () => remove(index) : undefined}
            products={products}
            currency={currency}
            error={(field) => (at === null ? undefined : errorFor(errors, `lines.${at}${field ? `.${field}` : ''}`))}
            oneOffOnly={oneOffOnly}
          />
        );
      })}
      {errorFor(errors, 'lines') ? (
        <div className="field-error" role="alert">
          {errorFor(errors, 'lines')}
        </div>
      ) : null}
      <div>
        <Button className="btn-small" onClick={() => onChange([...rows, emptyRow()])}>
          Add line
        </Button>
      </div>
    </div>
  );
}

interface GridLineProps {
  number: number;
  row: GridRow;
  onChange: (row: GridRow) => void;
  onRemove: (() => void) | undefined;
  products: readonly GridProduct[];
  currency: string;
  error: (field: string) => string | undefined;
  oneOffOnly: boolean;
}

function GridLine({ number, row, onChange, onRemove, products, currency, error, oneOffOnly }: GridLineProps) {
  const { locale } = useViewer();
  const set = (field: keyof GridRow) => (event: { target: { value: string } }) => onChange({ ...row, [field]: event.target.value });
  const product = products.find((p) => p.id === row.productId);
  const priceHint = product && product.price.currency !== currency ? `Listed at ${product.price.formatted}` : undefined;
  return (
    <fieldset className="sales-line">
      <legend>Line {number}</legend>
      {error('') ? (
        <div className="field-error sales-line-error" role="alert">
          {error('')}
        </div>
      ) : null}
      <div className="sales-line-fields">
        <SelectField
          label="Product"
          value={row.productId}
          onChange={(event) => onChange(withProduct(row, products.find((p) => p.id === event.target.value)))}
          error={error('productId')}
        >
          <option value="">Free text (no product)</option>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.price.formatted})
            </option>
          ))}
        </SelectField>
        <TextField label="Description" value={row.description} onChange={set('description')} error={error('description')} placeholder={product?.name ?? 'What is sold'} />
        <TextField label="Quantity" inputMode="numeric" value={row.quantity} onChange={set('quantity')} error={error('quantity')} />
        <TextField label={`Unit price (${currency})`} inputMode="decimal" value={row.unitPrice} onChange={set('unitPrice')} error={error('unitPrice')} hint={priceHint} />
        <SelectField label="Line type" value={row.kind} onChange={set('kind')} error={error('kind')}>
          {(Object.keys(KIND_LABELS) as LineKind[]).map((kind) => (
            <option key={kind} value={kind} disabled={oneOffOnly && kind !== 'SINGLE' && kind !== row.kind}>
              {KIND_LABELS[kind]}
            </option>
          ))}
        </SelectField>
      </div>
      {row.kind !== 'SINGLE' ? (
        <div className="sales-line-fields sales-line-recurring">
          <SelectField label="Billed every" value={row.unit} onChange={set('unit')} error={error('unit')}>
            {(Object.keys(UNIT_LABELS) as BillingUnit[]).map((unit) => (
              <option key={unit} value={unit}>
                {UNIT_LABELS[unit]}
              </option>
            ))}
          </SelectField>
        {row.kind === 'PAYMENT_PLAN' ? (
          <>
            <TextField label="Number of payments" inputMode="numeric" value={row.paymentCount} onChange={set('paymentCount')} error={error('paymentCount')} />
            <TextField label={`First payment (${currency}, optional)`} inputMode="decimal" value={row.firstPayment} onChange={set('firstPayment')} error={error('firstPayment')} />
          </>
        ) : null}
        </div>
      ) : null}
      <output className="sales-line-total" aria-label={`Line ${number} total`}>
        {rowSummary(row, currency, products, locale) ?? ''}
      </output>
      {onRemove ? (
        <Button className="btn-small sales-remove" onClick={onRemove} aria-label={`Remove line ${number}`}>
          Remove
        </Button>
      ) : null}
    </fieldset>
  );
}
