/** The customer's details and contact: created at, email, phone, referring partner; and "Edit details". */

import { graphql } from '../gql';
import { unplaced } from '../ui/errors';
import { formatDateTime } from '../ui/format';
import { FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';
import { FormDialog } from '../ui/FormDialog';
import type { ContactDraft } from './NewCustomerDialog';
import { CONTACT_PATHS, ContactFields, contactInput } from './NewCustomerDialog';
import { Section, useSectionQuery } from './Section';
import { useDraft } from './useDraft';

const CustomerProfile = graphql(`
  query CustomerProfile($id: ID!) {
    customer(id: $id) {
      id
      createdAt
      email
      phone
      referredBy {
        id
        name
      }
    }
  }
`);

const CustomerProfileUpdate = graphql(`
  mutation CustomerProfileUpdate($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) {
      customer {
        id
        firstName
        lastName
        email
        phone
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export function ProfileSection({ customerId }: { customerId: string }) {
  const query = useSectionQuery({ query: CustomerProfile, variables: { id: customerId } });
  const { data } = query;
  const customer = data?.customer;
  return (
    <Section title="Details" query={query}>
      {customer ? (
        <dl className="facts">
          <dt>Created</dt>
          <dd>{formatDateTime(customer.createdAt)}</dd>
          <dt>Email</dt>
          <dd className="cust-break">{customer.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : <span className="muted">None</span>}</dd>
          <dt>Phone</dt>
          <dd>{customer.phone ? <a href={`tel:${customer.phone}`}>{customer.phone}</a> : <span className="muted">None</span>}</dd>
          <dt>Referred by</dt>
          <dd>{customer.referredBy ? customer.referredBy.name : <span className="muted">Nobody</span>}</dd>
        </dl>
      ) : null}
    </Section>
  );
}

interface Contact {
  id: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
}

const draftOf = (customer: Contact): ContactDraft => ({
  firstName: customer.firstName ?? '',
  lastName: customer.lastName ?? '',
  email: customer.email ?? '',
  phone: customer.phone ?? '',
});

/** "Edit details": the contact fields as they are; a field emptied is cleared. */
export function EditDetailsDialog({ customer, open, onClose }: { customer: Contact; open: boolean; onClose: () => void }) {
  // Each opening starts from the customer as they are now.
  const [draft, setDraft] = useDraft(() => draftOf(customer), String(open));
  const action = useAction(CustomerProfileUpdate, (data) => data.updateCustomer);
  const close = () => {
    action.reset();
    onClose();
  };
  const submit = async () => {
    const payload = await action.run({ input: { customerId: customer.id, ...contactInput(draft) } });
    if (payload) close();
  };
  return (
    <FormDialog title="Edit details" open={open} onClose={close} onSubmit={() => void submit()} submitLabel="Save changes" busy={action.busy}>
      <ContactFields value={draft} onChange={setDraft} errors={action.errors} />
      <FormErrors errors={unplaced(action.errors, CONTACT_PATHS)} failure={action.failure} />
    </FormDialog>
  );
}
