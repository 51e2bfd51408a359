/**
 * One customer: a header with who they are and the buttons that act on them,
 * then each part of their record in its own section. The header's "Add card",
 * "Request card details" and "Add address" open dialogs that live in the
 * section they add to, so that section refreshes itself when they succeed.
 */
import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from 'urql';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { NotFound } from '../NotFound';
import { CustomerActions } from '../sales/CustomerActions';
import { SubscriptionsSection } from '../subscriptions/SubscriptionsSection';
import { PaymentsSection } from '../transactions/PaymentsSection';
import { Button } from '../ui/Button';
import { formatDate } from '../ui/format';
import { Loading, QueryError } from '../ui/States';
import { AddressesSection } from './AddressesSection';
import { CardLinksSection } from './CardLinksSection';
import { CommentsSection } from './CommentsSection';
import { CouponsUsedSection } from './CouponsUsedSection';
import { EmailsSection } from './EmailsSection';
import { InvoicesSection } from './InvoicesSection';
import { customerName } from './names';
import { PaymentMethodsSection } from './PaymentMethodsSection';
import { PaymentRequestsSection } from './PaymentRequestsSection';
import { EditDetailsDialog, ProfileSection } from './ProfileSection';
import './customers.css';

const CustomerHeader = graphql(`
  query CustomerHeader($id: ID!) {
    customer(id: $id) {
      id
      number
      firstName
      lastName
      email
      phone
      createdAt
    }
  }
`);

type Opened = 'details' | 'card' | 'cardRequest' | 'address' | null;

export function CustomerPage() {
  const { customerId = '' } = useParams();
  const canEdit = useCan('REP');
  const [opened, setOpened] = useState<Opened>(null);
  const [{ data, error, fetching }, reexecute] = useQuery({ query: CustomerHeader, variables: { id: customerId } });
  if (fetching && !data) return <Loading label="Loading customer…" />;
  if (error && !data) return <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} />;
  const customer = data?.customer;
  if (!customer) return <NotFound />;
  const done = () => setOpened(null);
  return (
    <div className="page cust-page">
      <header className="page-header cust-header">
        <div className="cust-identity">
          <h1>{customerName(customer)}</h1>
          <p className="muted cust-meta">
            <span>Customer #{customer.number}</span>
            <span>Customer since {formatDate(customer.createdAt)}</span>
            {customer.email ? <span className="cust-break">{customer.email}</span> : null}
            {customer.phone ? <span>{customer.phone}</span> : null}
          </p>
        </div>
        <div className="actions cust-header-actions">
          <CustomerActions customerId={customer.id} />
          {canEdit ? (
            <div className="actions" role="group" aria-label="Customer record">
              <Button onClick={() => setOpened('details')}>Edit details</Button>
              <Button onClick={() => setOpened('card')}>Add card</Button>
              <Button onClick={() => setOpened('cardRequest')}>Request card details</Button>
              <Button onClick={() => setOpened('address')}>Add address</Button>
            </div>
          ) : null}
        </div>
      </header>
      {error ? <QueryError error={error} onRetry={() => reexecute({ requestPolicy: 'network-only' })} /> : null}

      <div className="columns">
        <ProfileSection customerId={customer.id} />
        <AddressesSection customerId={customer.id} adding={opened === 'address'} onAddingDone={done} />
      </div>
      <PaymentMethodsSection customerId={customer.id} adding={opened === 'card'} onAddingDone={done} />
      <PaymentsSection customerId={customer.id} />
      <SubscriptionsSection customerId={customer.id} />
      <InvoicesSection customerId={customer.id} />
      <PaymentRequestsSection customerId={customer.id} />
      <CardLinksSection customerId={customer.id} requesting={opened === 'cardRequest'} onRequestingDone={done} />
      <EmailsSection customerId={customer.id} />
      <div className="columns">
        <CommentsSection customerId={customer.id} />
        <CouponsUsedSection customerId={customer.id} />
      </div>

      {canEdit ? <EditDetailsDialog customer={customer} open={opened === 'details'} onClose={done} /> : null}
    </div>
  );
}
