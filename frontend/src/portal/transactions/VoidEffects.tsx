/**
 * What a void will do, from the API's voidPreview (computed by the void's
 * own code), shown before staff confirm: the charge cancelled, the open
 * orders that end with it and the plan balance forgiven, the coupon given
 * back and the commission zeroed.
 */
import { useQuery } from 'urql';

import { graphql } from '../gql';
import { Loading, QueryError } from '../ui/States';
import { isPositive } from './TransactionTable';

const VoidPreviewQuery = graphql(`
  query VoidPreview($id: ID!) {
    voidPreview(transactionId: $id) {
      allowed
      reason
      throughGateway
      amount {
        formatted
      }
      ordersEnding {
        subscription {
          id
          kind
          description
        }
        balanceForgiven {
          ...PaymentsMoney
        }
      }
      balanceForgiven {
        ...PaymentsMoney
      }
      couponReturned {
        id
        code
      }
      commissionZeroed {
        ...PaymentsMoney
      }
    }
  }
`);

export function VoidEffects({ transactionId, total }: { transactionId: string; total: string }) {
  const [{ data, error, fetching }] = useQuery({ query: VoidPreviewQuery, variables: { id: transactionId }, requestPolicy: 'network-only' });
  const preview = data?.voidPreview;
  if (fetching && !preview) return <Loading label="Working out what the void does…" />;
  if (error) return <QueryError error={error} />;
  if (!preview) return <p>This payment no longer exists.</p>;
  return (
    <div className="tx-void-effects">
      <p>Void this {total} payment? This cannot be undone. It will:</p>
      <ul aria-label="What the void does">
        <li>
          {preview.throughGateway
            ? `Cancel the ${preview.amount.formatted} charge at the gateway before it settles: nothing is collected.`
            : `Record the ${preview.amount.formatted} sale as void (no gateway charge to cancel).`}
        </li>
        {preview.ordersEnding.map((ending) => (
          <li key={ending.subscription.id}>
            Cancel the {ending.subscription.kind === 'PAYMENT_PLAN' ? 'payment plan' : 'subscription'} “{ending.subscription.description}” it opened
            {isPositive(ending.balanceForgiven) ? `, forgiving its unpaid balance of ${ending.balanceForgiven.formatted}` : ''}.
          </li>
        ))}
        {preview.couponReturned ? <li>Give back the use of coupon {preview.couponReturned.code}.</li> : null}
        {preview.commissionZeroed && isPositive(preview.commissionZeroed) ? (
          <li>Zero the referral commission of {preview.commissionZeroed.formatted}.</li>
        ) : null}
      </ul>
      {preview.allowed ? null : <p className="field-error">{preview.reason}</p>}
    </div>
  );
}
