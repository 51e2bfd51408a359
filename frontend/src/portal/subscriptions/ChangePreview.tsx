/**
 * What a price or quantity change would do today, from the API
 * (subscriptionChangePreview), refreshed a moment after the fields stop
 * changing: the new amount, and with prorating what is charged now or
 * credited against the next charges.
 */
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import { isPositive } from '../transactions/TransactionTable';
import { formatDate } from '../ui/format';
import { unitWord } from './fields';

/** Wait this long after the last keystroke before asking (one request per pause in typing). */
const DEBOUNCE_MS = 300;

const ChangePreviewQuery = graphql(`
  query SubscriptionChangeDialogPreview($input: SubscriptionChangePreviewInput!) {
    subscriptionChangePreview(input: $input) {
      preview {
        periodStart
        periodEnd
        currentAmount {
          ...PaymentsMoney
        }
        newAmount {
          ...PaymentsMoney
        }
        chargeNow {
          ...PaymentsMoney
        }
        credit {
          ...PaymentsMoney
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

interface PreviewProps {
  subscriptionId: string;
  /** Both null: nothing valid to preview yet. */
  quantity: number | null;
  unitPrice: string | null;
  prorate: boolean;
  unit: string;
  nextChargeDate: string | null;
}

export function ChangePreview({ subscriptionId, quantity, unitPrice, prorate, unit, nextChargeDate }: PreviewProps) {
  const { locale } = useViewer();
  const wanted = quantity === null || unitPrice === null ? null : { subscriptionId, quantity, unitPrice };
  const key = JSON.stringify(wanted);
  const [asked, setAsked] = useState<typeof wanted>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => setAsked(wanted), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
    // `key` stands for `wanted` (a new object each render).
  }, [key]);
  const [{ data, error, fetching }] = useQuery({
    query: ChangePreviewQuery,
    variables: { input: asked ?? { subscriptionId } },
    pause: asked === null,
    requestPolicy: 'network-only',
  });
  if (!wanted) return null;
  const stale = JSON.stringify(asked) !== key || fetching;
  const result = asked ? data?.subscriptionChangePreview : undefined;
  const preview = result?.preview;
  return (
    <div className="sub-preview" role="status" aria-live="polite" aria-busy={stale || undefined}>
      <h3>Preview</h3>
      {error ? <p className="field-error">The preview could not be loaded.</p> : null}
      {result?.userErrors.length ? result.userErrors.map((e) => <p key={e.message} className="field-error">{e.message}</p>) : null}
      {!preview && !error && !result?.userErrors.length ? <p className="muted">Working out the change…</p> : null}
      {preview ? (
        <>
          <p>
            From {preview.currentAmount.formatted} to <strong>{preview.newAmount.formatted}</strong> per {unitWord(unit)}.
          </p>
          {prorate ? (
            <>
              {isPositive(preview.chargeNow) ? <p>Charges {preview.chargeNow.formatted} now.</p> : null}
              {isPositive(preview.credit) ? <p>Credits {preview.credit.formatted} against the next charges.</p> : null}
              {!isPositive(preview.chargeNow) && !isPositive(preview.credit) ? <p>Nothing is charged or credited now.</p> : null}
              {preview.periodEnd ? (
                <p className="muted">
                  For the rest of the current period
                  {preview.periodStart ? `, ${formatDate(preview.periodStart, locale)}` : ''} to {formatDate(preview.periodEnd, locale)}.
                </p>
              ) : null}
            </>
          ) : (
            <p>
              Nothing is charged now; the new amount applies from the next charge
              {nextChargeDate ? ` on ${formatDate(nextChargeDate, locale)}` : ''}.
            </p>
          )}
        </>
      ) : null}
    </div>
  );
}
