/** "New customer": first name, last name, email and phone; opens the new customer's page when it is made. */
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useQuery } from 'urql';

import { graphql } from '../gql';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { FormErrors, Notice } from '../ui/States';
import { useAction } from '../ui/useAction';
import { FormDialog } from '../ui/FormDialog';
import { fieldSetter } from './useDraft';

const NewCustomerCreate = graphql(`
  mutation NewCustomerCreate($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      customer {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export interface ContactDraft {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

export const CONTACT_PATHS = ['firstName', 'lastName', 'email', 'phone'];

/** The four contact fields, shared by "New customer" and "Edit details". */
export function ContactFields({ value, onChange, errors }: { value: ContactDraft; onChange: (draft: ContactDraft) => void; errors: Parameters<typeof errorFor>[0] }) {
  const set = fieldSetter(value, onChange);
  return (
    <>
      <div className="form-grid cust-form-grid">
        <TextField label="First name" autoComplete="off" value={value.firstName} onChange={set('firstName')} error={errorFor(errors, 'firstName')} />
        <TextField label="Last name" autoComplete="off" value={value.lastName} onChange={set('lastName')} error={errorFor(errors, 'lastName')} />
      </div>
      <TextField label="Email" type="email" autoComplete="off" value={value.email} onChange={set('email')} error={errorFor(errors, 'email')} />
      <TextField label="Phone" type="tel" autoComplete="off" value={value.phone} onChange={set('phone')} error={errorFor(errors, 'phone')} />
    </>
  );
}

/** Blank fields go as null: the API keeps "no email" distinct from an empty string. */
export function contactInput(draft: ContactDraft) {
  const clean = (text: string) => text.trim() || null;
  return { firstName: clean(draft.firstName), lastName: clean(draft.lastName), email: clean(draft.email), phone: clean(draft.phone) };
}

const EMPTY: ContactDraft = { firstName: '', lastName: '', email: '', phone: '' };

const SameEmailQuery = graphql(`
  query NewCustomerSameEmail($search: String!) {
    customers(first: 5, search: $search) {
      edges {
        node {
          id
          firstName
          lastName
          email
        }
      }
    }
  }
`);

/** Customers who already have this email (asked once typing pauses), so the rep can open them instead. */
function useSameEmail(email: string) {
  const wanted = email.trim().toLowerCase();
  const [asked, setAsked] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setAsked(wanted), 300);
    return () => clearTimeout(timer);
  }, [wanted]);
  const looksLikeEmail = /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(asked);
  const [{ data }] = useQuery({ query: SameEmailQuery, variables: { search: asked }, pause: !looksLikeEmail });
  if (!looksLikeEmail || asked !== wanted) return [];
  return (data?.customers.edges ?? []).map((edge) => edge.node).filter((node) => node.email?.toLowerCase() === wanted);
}

export function NewCustomerDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState(EMPTY);
  const same = useSameEmail(draft.email);
  const action = useAction(NewCustomerCreate, (data) => data.createCustomer);
  const close = () => {
    setDraft(EMPTY);
    action.reset();
    onClose();
  };
  const submit = async () => {
    const payload = await action.run({ input: contactInput(draft) });
    if (payload?.customer) {
      close();
      void navigate(`/customers/${payload.customer.id}`);
    }
  };
  return (
    <FormDialog title="New customer" open={open} onClose={close} onSubmit={() => void submit()} submitLabel="Create customer" busy={action.busy}>
      <ContactFields value={draft} onChange={setDraft} errors={action.errors} />
      {same.length ? (
        <Notice tone="warning">
          {same.length === 1 ? 'A customer already has this email: ' : 'Customers already have this email: '}
          {same.map((customer, index) => (
            <span key={customer.id}>
              {index ? ', ' : ''}
              <Link to={`/customers/${customer.id}`} onClick={close}>
                {[customer.firstName, customer.lastName].filter(Boolean).join(' ') || customer.email}
              </Link>
            </span>
          ))}
          . You can still create a new one.
        </Notice>
      ) : null}
      <FormErrors errors={unplaced(action.errors, CONTACT_PATHS)} failure={action.failure} />
    </FormDialog>
  );
}
