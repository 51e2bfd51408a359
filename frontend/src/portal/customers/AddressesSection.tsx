/**
 * The customer's postal addresses, oldest first: "Add address" (from the page
 * header) and "Edit" on each. An edit sends every field, so a field emptied
 * is cleared (the API answers REQUIRED for line 1, city and country).
 */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { Empty, FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';
import { FormDialog } from '../ui/FormDialog';
import { Section, useSectionQuery } from './Section';
import { fieldSetter, useDraft } from './useDraft';

export const CustomerAddressFields = graphql(`
  fragment CustomerAddressFields on Address {
    id
    line1
    line2
    city
    state
    postalCode
    country
  }
`);

const CustomerAddresses = graphql(`
  query CustomerAddresses($id: ID!) {
    customer(id: $id) {
      id
      addresses {
        ...CustomerAddressFields
      }
    }
  }
`);

const CustomerAddressAdd = graphql(`
  mutation CustomerAddressAdd($input: AddAddressInput!) {
    addAddress(input: $input) {
      address {
        ...CustomerAddressFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const CustomerAddressUpdate = graphql(`
  mutation CustomerAddressUpdate($input: UpdateAddressInput!) {
    updateAddress(input: $input) {
      address {
        ...CustomerAddressFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

interface AddressDraft {
  line1: string;
  line2: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

interface Address extends Record<keyof AddressDraft, string | null | undefined> {
  id: string;
}

const FIELDS: (keyof AddressDraft)[] = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'];
const EMPTY: AddressDraft = { line1: '', line2: '', city: '', state: '', postalCode: '', country: '' };

const draftOf = (address: Address | null): AddressDraft =>
  address ? (Object.fromEntries(FIELDS.map((field) => [field, address[field] ?? ''])) as unknown as AddressDraft) : EMPTY;

/** Blank optional fields go as null (cleared); the country code in capitals. */
function addressInput(draft: AddressDraft) {
  const clean = (text: string) => text.trim() || null;
  return {
    line1: draft.line1.trim(),
    line2: clean(draft.line2),
    city: draft.city.trim(),
    state: clean(draft.state),
    postalCode: clean(draft.postalCode),
    country: draft.country.trim().toUpperCase(),
  };
}

/** "Berlin, 10115, DE": the address's last line. */
function placeLine(address: Address): string {
  return [address.city, [address.state, address.postalCode].filter(Boolean).join(' '), address.country].filter(Boolean).join(', ');
}

interface AddressesSectionProps {
  customerId: string;
  /** "Add address" was pressed in the page header. */
  adding: boolean;
  onAddingDone: () => void;
}

export function AddressesSection({ customerId, adding, onAddingDone }: AddressesSectionProps) {
  const canEdit = useCan('REP');
  const query = useSectionQuery({ query: CustomerAddresses, variables: { id: customerId } });
  const { data, refresh } = query;
  const [editing, setEditing] = useState<Address | null>(null);
  const addresses = data?.customer?.addresses ?? [];
  return (
    <Section title="Addresses" query={query}>
      {addresses.length === 0 ? <Empty>No addresses yet.</Empty> : null}
      {addresses.length ? (
        <ul className="cust-addresses">
          {addresses.map((address) => (
            <li key={address.id} className="cust-address">
              <address>
                {address.line1}
                {address.line2 ? (
                  <>
                    <br />
                    {address.line2}
                  </>
                ) : null}
                <br />
                {placeLine(address)}
              </address>
              {canEdit ? (
                <Button className="btn-small" aria-label={`Edit ${address.line1}`} onClick={() => setEditing(address)}>
                  Edit
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        <AddressDialog
          customerId={customerId}
          address={editing}
          open={adding || editing !== null}
          onClose={() => {
            setEditing(null);
            onAddingDone();
          }}
          onSaved={refresh}
        />
      ) : null}
    </Section>
  );
}

interface AddressDialogProps {
  customerId: string;
  /** The address being edited; null adds a new one. */
  address: Address | null;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}

function AddressDialog({ customerId, address, open, onClose, onSaved }: AddressDialogProps) {
  // Each opening starts from the address as it is (or blank for a new one).
  const [draft, setDraft] = useDraft(() => draftOf(address), `${open}:${address?.id ?? ''}`);
  const add = useAction(CustomerAddressAdd, (data) => data.addAddress);
  const update = useAction(CustomerAddressUpdate, (data) => data.updateAddress);
  const action = address ? update : add;
  const set = fieldSetter(draft, setDraft);
  /** One address field: its label, the draft's value, and its userError. */
  const field = (name: keyof AddressDraft, label: string, more: { hint?: string; maxLength?: number; className?: string } = {}) => (
    <TextField label={label} autoComplete="off" value={draft[name]} onChange={set(name)} error={errorFor(action.errors, name)} {...more} />
  );
  const close = () => {
    add.reset();
    update.reset();
    onClose();
  };
  const submit = async () => {
    const payload = address
      ? await update.run({ input: { addressId: address.id, ...addressInput(draft) } })
      : await add.run({ input: { customerId, ...addressInput(draft) } });
    if (payload) {
      onSaved();
      close();
    }
  };
  return (
    <FormDialog title={address ? 'Edit address' : 'Add address'} open={open} onClose={close} onSubmit={() => void submit()} submitLabel="Save address" busy={action.busy}>
      {field('line1', 'Address line 1')}
      {field('line2', 'Address line 2', { hint: 'Apartment, suite, building (optional)' })}
      <div className="form-grid cust-form-grid">
        {field('city', 'City')}
        {field('state', 'State', { hint: 'Or province, region (optional)' })}
      </div>
      <div className="form-grid cust-form-grid">
        {field('postalCode', 'Postal code')}
        {field('country', 'Country', { maxLength: 2, hint: 'Two-letter code, e.g. US', className: 'cust-country' })}
      </div>
      <FormErrors errors={unplaced(action.errors, FIELDS)} failure={action.failure} />
    </FormDialog>
  );
}
