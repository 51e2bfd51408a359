/**
 * Payment requests sent to the customer, newest first. While one is OPEN, REP
 * and up can copy its link again or cancel it (confirmed first); the page
 * then charges nothing.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { CopyButton } from '../ui/CopyButton';
import { formatDate, formatDateTime } from '../ui/format';
import { Empty } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { useAction } from '../ui/useAction';
import { Section } from './Section';

/** A page of requests; "Show more requests" asks for one more page, up to the API's limit of 100. */
const PAGE = 20;
const MAX = 100;

const CustomerPaymentRequests = graphql(`
  query CustomerPaymentRequests($id: ID!, $first: Int!) {
    customer(id: $id) {
      id
      paymentRequests(first: $first) {
        totalCount
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            status
            amount {
              formatted
            }
            description
            createdAt
            expiresAt
            url
          }
        }
      }
    }
  }
`);

const CustomerPaymentRequestCancel = graphql(`
  mutation CustomerPaymentRequestCancel($input: CancelPaymentRequestInput!) {
    cancelPaymentRequest(input: $input) {
      paymentRequest {
        id
        status
        cancelledAt
        customer {
          id
        }
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

interface Request {
  id: string;
  amount: { formatted: string };
}

export function PaymentRequestsSection({ customerId }: { customerId: string }) {
  const canEdit = useCan('REP');
  const [first, setFirst] = useState(PAGE);
  const [{ data, error, fetching }, reexecute] = useQuery({ query: CustomerPaymentRequests, variables: { id: customerId, first } });
  const [cancelling, setCancelling] = useState<Request | null>(null);
  const cancel = useAction(CustomerPaymentRequestCancel, (result) => result.cancelPaymentRequest);
  const connection = data?.customer?.paymentRequests;
  const requests = connection?.edges ?? [];
  const close = () => {
    cancel.reset();
    setCancelling(null);
  };
  const confirmCancel = async () => {
    if (cancelling && (await cancel.run({ input: { id: cancelling.id } }))) {
      close();
      reexecute({ requestPolicy: 'network-only' });
    }
  };
  return (
    <Section title="Payment requests" fetching={fetching} loaded={Boolean(data)} error={error}>
      {connection && requests.length === 0 ? <Empty>No payment requests yet.</Empty> : null}
      {requests.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Amount</th>
                <th scope="col" className="hide-narrow">Created</th>
                <th scope="col">Expires</th>
                {canEdit ? <th scope="col"><span className="cust-sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {requests.map(({ node }) => (
                <tr key={node.id}>
                  <td>
                    <StatusBadge status={node.status} />
                  </td>
                  <td>
                    <span className="cust-nowrap">{node.amount.formatted}</span>
                    {node.description ? <div className="muted">{node.description}</div> : null}
                  </td>
                  <td className="hide-narrow">{formatDateTime(node.createdAt)}</td>
                  <td>
                    <time dateTime={node.expiresAt} title={formatDateTime(node.expiresAt)}>
                      {formatDate(node.expiresAt)}
                    </time>
                  </td>
                  {canEdit ? (
                    <td>
                      {node.status === 'OPEN' ? (
                        <div className="actions cust-row-actions">
                          <CopyButton text={node.url} />
                          <Button className="btn-small" onClick={() => setCancelling(node)}>
                            Cancel request
                          </Button>
                        </div>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {connection?.pageInfo.hasNextPage && first < MAX ? (
        <Button className="btn-small" busy={fetching} onClick={() => setFirst(Math.min(first + PAGE, MAX))}>
          Show more requests
        </Button>
      ) : null}
      {canEdit ? (
        <Confirm
          title="Cancel this payment request?"
          open={cancelling !== null}
          onClose={close}
          onConfirm={() => void confirmCancel()}
          confirmLabel="Cancel payment request"
          busy={cancel.busy}
          danger
          errors={cancel.errors}
          failure={cancel.failure}
        >
          <p>The request for {cancelling?.amount.formatted} stops accepting payment. Its link then shows that it was cancelled.</p>
        </Confirm>
      ) : null}
    </Section>
  );
}
