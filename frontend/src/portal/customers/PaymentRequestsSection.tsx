/**
 * Payment requests sent to the customer, newest first. While one is OPEN, REP
 * and up can copy its link again or cancel it (confirmed first); the page
 * then charges nothing.
 */

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { CopyButton } from '../ui/CopyButton';
import { formatDate, formatDateTime } from '../ui/format';
import { Empty } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { ShowMore, usePageSize } from './paging';
import { Section, useSectionQuery } from './Section';
import { HiddenHeader, RowActions, SectionTable } from './SectionTable';
import { useConfirmedAction } from './useConfirmedAction';

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
        ...UserErrorFields
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
  const page = usePageSize();
  const query = useSectionQuery({ query: CustomerPaymentRequests, variables: { id: customerId, first: page.first } });
  const { data } = query;
  const cancel = useConfirmedAction(
    CustomerPaymentRequestCancel,
    (result) => result.cancelPaymentRequest,
    (request: Request) => ({ input: { id: request.id } }),
    query.refresh,
  );
  const connection = data?.customer?.paymentRequests;
  const requests = connection?.edges ?? [];
  return (
    <Section title="Payment requests" query={query}>
      {connection && requests.length === 0 ? <Empty>No payment requests yet.</Empty> : null}
      {requests.length ? (
        <SectionTable
          head={
            <>
              <th scope="col">Status</th>
              <th scope="col">Amount</th>
              <th scope="col" className="hide-narrow">Created</th>
              <th scope="col">Expires</th>
              {canEdit ? <HiddenHeader /> : null}
            </>
          }
        >
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
                    <RowActions>
                      <CopyButton text={node.url} />
                      <Button className="btn-small" onClick={() => cancel.ask(node)}>
                        Cancel request
                      </Button>
                    </RowActions>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </SectionTable>
      ) : null}
      <ShowMore page={page} hasNextPage={connection?.pageInfo.hasNextPage} fetching={query.fetching}>
        Show more requests
      </ShowMore>
      {canEdit ? (
        <Confirm title="Cancel this payment request?" confirmLabel="Cancel payment request" danger {...cancel.confirm}>
          <p>The request for {cancel.target?.amount.formatted} stops accepting payment. Its link then shows that it was cancelled.</p>
        </Confirm>
      ) : null}
    </Section>
  );
}
