/** One customer: header with actions, then each part of their record in its own section. */
import { useParams } from 'react-router';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import { NotFound } from '../NotFound';
import { CustomerActions } from '../sales/CustomerActions';
import { SubscriptionsSection } from '../subscriptions/SubscriptionsSection';
import { PaymentsSection } from '../transactions/PaymentsSection';
import { Loading, QueryError } from '../ui/States';

const CustomerHeader = graphql(`
  query CustomerHeader($id: ID!) {
    customer(id: $id) {
      id
      firstName
      lastName
      email
    }
  }
`);

export function CustomerPage() {
  const { customerId = '' } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: CustomerHeader, variables: { id: customerId } });
  if (fetching && !data) return <Loading />;
  if (error) return <QueryError error={error} />;
  const customer = data?.customer;
  if (!customer) return <NotFound />;
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || customer.email || customer.id;
  return (
    <section className="page">
      <div className="page-header">
        <h1>{name}</h1>
        <CustomerActions customerId={customer.id} />
      </div>
      <PaymentsSection customerId={customer.id} />
      <SubscriptionsSection customerId={customer.id} />
    </section>
  );
}
