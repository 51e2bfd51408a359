/** The sale's total, kept in view at the bottom of the dialog. */
import type { SaleTotal } from './useSaleTotal';

export function TotalBar({ total }: { total: SaleTotal }) {
  return (
    <div className="total-bar sales-total" role="status" aria-label="Sale total" aria-busy={total.fetching || undefined}>
      <dl className="sales-total-parts">
        <div>
          <dt>Subtotal</dt>
          <dd>{total.subtotal ?? '—'}</dd>
        </div>
        {total.discount ? (
          <div>
            <dt>{total.couponCode ? `Discount (coupon ${total.couponCode})` : 'Discount'}</dt>
            <dd>−{total.discount}</dd>
          </div>
        ) : null}
      </dl>
      <div className="sales-total-main">
        <span>
          Total <strong data-testid="sale-total">{total.total ?? '—'}</strong>
        </span>
        {total.recurring.map((text) => (
          <span key={text} className="sales-recurring">
            {text}
          </span>
        ))}
        {total.estimate ? <span className="muted sales-small">Estimate: coupons are not counted yet.</span> : null}
      </div>
    </div>
  );
}
