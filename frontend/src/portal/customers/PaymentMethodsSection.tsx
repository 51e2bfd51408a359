/**
 * Cards on file: brand and last four, expiry, default, status, gateway; "Add
 * card" (from the page header), and per card "Set as default", "Edit expiry"
 * and "Remove" (confirmed first) for REP and up.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useCan } from '../auth/viewer';
import type { CardDraft } from '../cards/CardFields';
import { CardFields, EMPTY_CARD, cardPaths, toCardInput } from '../cards/CardFields';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { Empty, FormErrors } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { useAction } from '../ui/useAction';
import { cardLabel, cardSpoken, expiryLabel } from './names';
import { Section } from './Section';

const CustomerPaymentMethods = graphql(`
  query CustomerPaymentMethods($id: ID!) {
    customer(id: $id) {
      id
      paymentMethods {
        id
        brand
        last4
        expMonth
        expYear
        nameOnCard
        isDefault
        status
        gateway {
          id
          name
        }
      }
    }
  }
`);

const CustomerCardTokenize = graphql(`
  mutation CustomerCardTokenize($input: TokenizeCardInput!) {
    tokenizeCard(input: $input) {
      paymentMethod {
        id
        brand
        last4
        isDefault
        status
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CustomerCardSetDefault = graphql(`
  mutation CustomerCardSetDefault($input: SetDefaultPaymentMethodInput!) {
    setDefaultPaymentMethod(input: $input) {
      paymentMethod {
        id
        isDefault
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CustomerCardUpdateExpiry = graphql(`
  mutation CustomerCardUpdateExpiry($input: UpdatePaymentMethodInput!) {
    updatePaymentMethod(input: $input) {
      paymentMethod {
        id
        expMonth
        expYear
        status
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CustomerCardRemove = graphql(`
  mutation CustomerCardRemove($input: RemovePaymentMethodInput!) {
    removePaymentMethod(input: $input) {
      paymentMethod {
        id
        status
        isDefault
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

interface Card {
  id: string;
  brand: string;
  last4: string;
  expMonth?: number | null;
  expYear?: number | null;
  isDefault: boolean;
  status: string;
}

interface PaymentMethodsSectionProps {
  customerId: string;
  /** "Add card" was pressed in the page header. */
  adding: boolean;
  onAddingDone: () => void;
}

export function PaymentMethodsSection({ customerId, adding, onAddingDone }: PaymentMethodsSectionProps) {
  const canEdit = useCan('REP');
  const [{ data, error, fetching }, reexecute] = useQuery({ query: CustomerPaymentMethods, variables: { id: customerId } });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const [editing, setEditing] = useState<Card | null>(null);
  const [removing, setRemoving] = useState<Card | null>(null);
  const setDefault = useAction(CustomerCardSetDefault, (result) => result.setDefaultPaymentMethod);
  const remove = useAction(CustomerCardRemove, (result) => result.removePaymentMethod);
  const cards = data?.customer?.paymentMethods ?? [];

  const makeDefault = async (card: Card) => {
    if (await setDefault.run({ input: { paymentMethodId: card.id } })) refresh();
  };
  const confirmRemove = async () => {
    if (!removing) return;
    if (await remove.run({ input: { paymentMethodId: removing.id } })) {
      setRemoving(null);
      refresh();
    }
  };

  return (
    <Section title="Payment methods" fetching={fetching} loaded={Boolean(data)} error={error}>
      <FormErrors errors={setDefault.errors} failure={setDefault.failure} />
      {cards.length === 0 ? <Empty>No cards on file.</Empty> : null}
      {cards.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Card</th>
                <th scope="col">Expires</th>
                <th scope="col" className="hide-narrow">Status</th>
                <th scope="col" className="hide-narrow">Gateway</th>
                {canEdit ? <th scope="col"><span className="cust-sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {cards.map((card) => (
                <tr key={card.id}>
                  <td>
                    <span className="cust-nowrap">{cardLabel(card)}</span>{' '}
                    {card.isDefault ? <span className="badge badge-good">Default</span> : null}
                    {card.nameOnCard ? <div className="muted">{card.nameOnCard}</div> : null}
                  </td>
                  <td>
                    {expiryLabel(card)}
                    {card.status !== 'ACTIVE' ? (
                      <div className="cust-narrow-only">
                        <StatusBadge status={card.status} />
                      </div>
                    ) : null}
                  </td>
                  <td className="hide-narrow">
                    <StatusBadge status={card.status} />
                  </td>
                  <td className="hide-narrow">{card.gateway.name}</td>
                  {canEdit ? (
                    <td>
                      {card.status !== 'REMOVED' ? (
                        <div className="actions cust-row-actions">
                          {!card.isDefault && card.status === 'ACTIVE' ? (
                            <Button className="btn-small" busy={setDefault.busy} aria-label={`Set as default: ${cardSpoken(card)}`} onClick={() => void makeDefault(card)}>
                              Set as default
                            </Button>
                          ) : null}
                          <Button className="btn-small" aria-label={`Edit expiry: ${cardSpoken(card)}`} onClick={() => setEditing(card)}>
                            Edit expiry
                          </Button>
                          <Button className="btn-small" aria-label={`Remove: ${cardSpoken(card)}`} onClick={() => setRemoving(card)}>
                            Remove
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
      {canEdit ? (
        <>
          <AddCardDialog customerId={customerId} open={adding} onClose={onAddingDone} onSaved={refresh} />
          {editing ? <EditExpiryDialog card={editing} onClose={() => setEditing(null)} onSaved={refresh} /> : null}
          <Confirm
            title={removing ? `Remove ${cardLabel(removing)}?` : 'Remove card?'}
            open={removing !== null}
            onClose={() => {
              remove.reset();
              setRemoving(null);
            }}
            onConfirm={() => void confirmRemove()}
            confirmLabel="Remove card"
            busy={remove.busy}
            danger
            errors={remove.errors}
            failure={remove.failure}
          >
            <p>The card is taken off file and never charged again. It stays in the history of past payments.</p>
          </Confirm>
        </>
      ) : null}
    </Section>
  );
}

interface AddCardDialogProps {
  customerId: string;
  open: boolean;
  onClose: () => void;
  onSaved: () => void;
}

/** "Add card": the card's fields and whether it becomes the default; tokenized by the gateway, never stored. */
export function AddCardDialog({ customerId, open, onClose, onSaved }: AddCardDialogProps) {
  const [card, setCard] = useState<CardDraft>(EMPTY_CARD);
  const [makeDefault, setMakeDefault] = useState(true);
  const action = useAction(CustomerCardTokenize, (data) => data.tokenizeCard);
  const close = () => {
    // The number and CVC leave memory with the dialog.
    setCard(EMPTY_CARD);
    setMakeDefault(true);
    action.reset();
    onClose();
  };
  const submit = async () => {
    const payload = await action.run({ input: { customerId, card: toCardInput(card), makeDefault } });
    if (payload) {
      onSaved();
      close();
    }
  };
  return (
    <Dialog
      title="Add card"
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Save card
          </Button>
        </>
      }
    >
      <CardFields value={card} onChange={setCard} errors={action.errors} path="card" />
      <CheckboxField label="Make this the default card" checked={makeDefault} onChange={(event) => setMakeDefault(event.target.checked)} />
      <FormErrors errors={unplaced(action.errors, cardPaths('card'))} failure={action.failure} />
    </Dialog>
  );
}

/** "Edit expiry": a renewed card keeps its number, so only month and year change. */
function EditExpiryDialog({ card, onClose, onSaved }: { card: Card; onClose: () => void; onSaved: () => void }) {
  const [month, setMonth] = useState(card.expMonth ? String(card.expMonth) : '');
  const [year, setYear] = useState(card.expYear ? String(card.expYear) : '');
  const action = useAction(CustomerCardUpdateExpiry, (data) => data.updatePaymentMethod);
  const int = (text: string) => (/^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : 0);
  const submit = async () => {
    const payload = await action.run({ input: { paymentMethodId: card.id, expMonth: int(month), expYear: int(year) } });
    if (payload) {
      onSaved();
      onClose();
    }
  };
  return (
    <Dialog
      title={`Edit expiry of ${cardLabel(card)}`}
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Save expiry
          </Button>
        </>
      }
    >
      <div className="form-grid cust-form-grid">
        <TextField label="Expiry month" inputMode="numeric" placeholder="MM" maxLength={2} value={month} onChange={(event) => setMonth(event.target.value)} error={errorFor(action.errors, 'expMonth')} />
        <TextField label="Expiry year" inputMode="numeric" placeholder="YYYY" maxLength={4} value={year} onChange={(event) => setYear(event.target.value)} error={errorFor(action.errors, 'expYear')} />
      </div>
      <FormErrors errors={unplaced(action.errors, ['expMonth', 'expYear'])} failure={action.failure} />
    </Dialog>
  );
}
