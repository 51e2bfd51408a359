/**
 * The customer's postal addresses, oldest first: "Add address" (from the page
 * header) and "Edit" on each. An edit sends every field, so a field emptied
 * is cleared (the API answers REQUIRED for line 1, city and country).
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { Empty, FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';
import { Section } from './Section';

const CustomerAddresses = graphql(`
  query CustomerAddresses($id: ID!) {
    customer(id: $id) {
      id
      addresses {
        id
        line1
        line2
        city
        state
        postalCode
        country
      }
    }
  }
`);

const CustomerAddressAdd = graphql(`
  mutation CustomerAddressAdd($input: AddAddressInput!) {
    addAddress(input: $input) {
      address {
        id
        line1
        line2
        city
        state
        postalCode
        country
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CustomerAddressUpdate = graphql(`
  mutation CustomerAddressUpdate($input: UpdateAddressInput!) {
    updateAddress(input: $input) {
      address {
        id
        line1
        line2
        city
        state
        postalCode
        country
      }
      userErrors {
        field
        code
        message
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
  const [{ data, error, fetching }, reexecute] = useQuery({ query: CustomerAddresses, variables: { id: customerId } });
  const [editing, setEditing] = useState<Address | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const addresses = data?.customer?.addresses ?? [];
  return (
    <Section title="Addresses" fetching={fetching} loaded={Boolean(data)} error={error}>
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
  const [draft, setDraft] = useState(() => draftOf(address));
  const [opened, setOpened] = useState<{ open: boolean; id: string | null }>({ open, id: address?.id ?? null });
  if (opened.open !== open || opened.id !== (address?.id ?? null)) {
    // Each opening starts from the address as it is (or blank for a new one).
    setOpened({ open, id: address?.id ?? null });
    setDraft(draftOf(address));
  }
  const add = useAction(CustomerAddressAdd, (data) => data.addAddress);
  const update = useAction(CustomerAddressUpdate, (data) => data.updateAddress);
  const action = address ? update : add;
  const set = (field: keyof AddressDraft) => (event: { target: { value: string } }) => setDraft({ ...draft, [field]: event.target.value });
  const error = (field: keyof AddressDraft) => errorFor(action.errors, field);
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
    <Dialog
      title={address ? 'Edit address' : 'Add address'}
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Save address
          </Button>
        </>
      }
    >
      <TextField label="Address line 1" autoComplete="off" value={draft.line1} onChange={set('line1')} error={error('line1')} />
      <TextField label="Address line 2" autoComplete="off" value={draft.line2} onChange={set('line2')} error={error('line2')} hint="Apartment, suite, building (optional)" />
      <div className="form-grid cust-form-grid">
        <TextField label="City" autoComplete="off" value={draft.city} onChange={set('city')} error={error('city')} />
        <TextField label="State" autoComplete="off" value={draft.state} onChange={set('state')} error={error('state')} hint="Or province, region (optional)" />
      </div>
      <div className="form-grid cust-form-grid">
        <TextField label="Postal code" autoComplete="off" value={draft.postalCode} onChange={set('postalCode')} error={error('postalCode')} />
        <TextField label="Country" autoComplete="off" value={draft.country} onChange={set('country')} error={error('country')} maxLength={2} hint="Two-letter code, e.g. US" className="cust-country" />
      </div>
      <FormErrors errors={unplaced(action.errors, FIELDS)} failure={action.failure} />
    </Dialog>
  );
}
