/**
 * Cards on file: brand and last four, expiry, default, status, gateway; "Add
 * card" (from the page header), and per card "Set as default", "Edit expiry"
 * and "Remove" (confirmed first) for REP and up.
 */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import type { CardDraft } from '../cards/CardFields';
import { CardFields, EMPTY_CARD, cardPaths, toCardInput } from '../cards/CardFields';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { Empty, FormErrors } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { useAction } from '../ui/useAction';
import { cardLabel, cardSpoken, expiryLabel } from './names';
import { FormDialog } from '../ui/FormDialog';
import { Section, useSectionQuery } from './Section';
import { HiddenHeader, RowActions, SectionTable } from './SectionTable';
import { useConfirmedAction } from './useConfirmedAction';

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

/**
 * A card change can take over the customer's orders in dunning (a new default card is tried at once),
 * so each card mutation reads the orders back: the subscriptions section and its banner refresh.
 */
graphql(`
  fragment CardOrders on Customer {
    id
    subscriptions {
      id
      status
      nextAttemptAt
      dunning {
        attempts
        since
        nextRetryAt
      }
      paymentMethod {
        id
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
        customer {
          ...CardOrders
        }
      }
      userErrors {
        ...UserErrorFields
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
        customer {
          ...CardOrders
        }
      }
      userErrors {
        ...UserErrorFields
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
        ...UserErrorFields
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
        customer {
          ...CardOrders
        }
      }
      userErrors {
        ...UserErrorFields
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
  const query = useSectionQuery({ query: CustomerPaymentMethods, variables: { id: customerId } });
  const { data, refresh } = query;
  const [editing, setEditing] = useState<Card | null>(null);
  const setDefault = useAction(CustomerCardSetDefault, (result) => result.setDefaultPaymentMethod);
  const remove = useConfirmedAction(
    CustomerCardRemove,
    (result) => result.removePaymentMethod,
    (card: Card) => ({ input: { paymentMethodId: card.id } }),
    refresh,
  );
  const cards = data?.customer?.paymentMethods ?? [];

  const makeDefault = async (card: Card) => {
    if (await setDefault.run({ input: { paymentMethodId: card.id } })) refresh();
  };

  return (
    <Section title="Payment methods" query={query}>
      <FormErrors errors={setDefault.errors} failure={setDefault.failure} />
      {cards.length === 0 ? <Empty>No cards on file.</Empty> : null}
      {cards.length ? (
        <SectionTable
          head={
            <>
              <th scope="col">Card</th>
              <th scope="col">Expires</th>
              <th scope="col" className="hide-narrow">Status</th>
              <th scope="col" className="hide-narrow">Gateway</th>
              {canEdit ? <HiddenHeader /> : null}
            </>
          }
        >
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
                    <RowActions>
                      {!card.isDefault && card.status === 'ACTIVE' ? (
                        <Button className="btn-small" busy={setDefault.busy} aria-label={`Set as default: ${cardSpoken(card)}`} onClick={() => void makeDefault(card)}>
                          Set as default
                        </Button>
                      ) : null}
                      <Button className="btn-small" aria-label={`Edit expiry: ${cardSpoken(card)}`} onClick={() => setEditing(card)}>
                        Edit expiry
                      </Button>
                      <Button className="btn-small" aria-label={`Remove: ${cardSpoken(card)}`} onClick={() => remove.ask(card)}>
                        Remove
                      </Button>
                    </RowActions>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </SectionTable>
      ) : null}
      {canEdit ? (
        <>
          <AddCardDialog customerId={customerId} open={adding} onClose={onAddingDone} onSaved={refresh} />
          {editing ? <EditExpiryDialog card={editing} onClose={() => setEditing(null)} onSaved={refresh} /> : null}
          <Confirm title={remove.target ? `Remove ${cardLabel(remove.target)}?` : 'Remove card?'} confirmLabel="Remove card" danger {...remove.confirm}>
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
    <FormDialog title="Add card" open={open} onClose={close} onSubmit={() => void submit()} submitLabel="Save card" busy={action.busy}>
      <CardFields value={card} onChange={setCard} errors={action.errors} path="card" />
      <CheckboxField label="Make this the default card" checked={makeDefault} onChange={(event) => setMakeDefault(event.target.checked)} />
      <FormErrors errors={unplaced(action.errors, cardPaths('card'))} failure={action.failure} />
    </FormDialog>
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
    <FormDialog title={`Edit expiry of ${cardLabel(card)}`} open onClose={onClose} onSubmit={() => void submit()} submitLabel="Save expiry" busy={action.busy}>
      <div className="form-grid cust-form-grid">
        <TextField label="Expiry month" inputMode="numeric" placeholder="MM" maxLength={2} value={month} onChange={(event) => setMonth(event.target.value)} error={errorFor(action.errors, 'expMonth')} />
        <TextField label="Expiry year" inputMode="numeric" placeholder="YYYY" maxLength={4} value={year} onChange={(event) => setYear(event.target.value)} error={errorFor(action.errors, 'expYear')} />
      </div>
      <FormErrors errors={unplaced(action.errors, ['expMonth', 'expYear'])} failure={action.failure} />
    </FormDialog>
  );
}
