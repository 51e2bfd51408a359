/**
 * "Change card": which of the customer's active cards the order charges from
 * its next charge on (updateSubscription paymentMethodId; REP and up).
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { cardLabel, expiryLabel } from '../customers/names';
import { graphql } from '../gql';
import { ActionConfirm } from '../transactions/ActionConfirm';
import { errorFor } from '../ui/errors';
import { SelectField } from '../ui/Field';
import { Loading } from '../ui/States';
import { useAction } from '../ui/useAction';
import type { SubscriptionDialogProps } from './fields';

const CardChoices = graphql(`
  query SubscriptionCardChoices($id: ID!) {
    customer(id: $id) {
      id
      paymentMethods {
        id
        brand
        last4
        expMonth
        expYear
        status
        isDefault
      }
    }
  }
`);

const ChangeCard = graphql(`
  mutation SubscriptionChangeCard($input: UpdateSubscriptionInput!) {
    updateSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export function ChangeCardDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const [{ data, fetching }] = useQuery({ query: CardChoices, variables: { id: s.customer.id } });
  const run = useAction(ChangeCard, (result) => result.updateSubscription);
  const [chosen, setChosen] = useState(s.paymentMethod?.id ?? '');
  const cards = (data?.customer?.paymentMethods ?? []).filter((card) => card.status === 'ACTIVE');
  const picked = cards.find((card) => card.id === chosen) ?? cards[0];
  const submit = async () => {
    if (!picked) return;
    const payload = await run.run({ input: { subscriptionId: s.id, paymentMethodId: picked.id } });
    if (payload) onDone(`The next charges go to ${cardLabel(picked)}.`);
  };
  return (
    <ActionConfirm
      title="Change card"
      confirmLabel="Use this card"
      action={run}
      placed={['paymentMethodId']}
      onClose={onClose}
      onConfirm={() => void submit()}
    >
      <p>
        Charge “{s.description}” to another card on file from the next charge on.
        {s.paymentMethod ? ` Now: ${cardLabel(s.paymentMethod)}.` : ' It has no card now.'}
      </p>
      {fetching && !data ? <Loading label="Loading cards…" /> : null}
      {data && !cards.length ? <p>The customer has no active card on file: add one first.</p> : null}
      {cards.length ? (
        <SelectField label="Card" value={picked?.id ?? ''} onChange={(event) => setChosen(event.target.value)} error={errorFor(run.errors, 'paymentMethodId')}>
          {cards.map((card) => (
            <option key={card.id} value={card.id}>
              {cardLabel(card)}, expires {expiryLabel(card)}
              {card.isDefault ? ' (default)' : ''}
            </option>
          ))}
        </SelectField>
      ) : null}
    </ActionConfirm>
  );
}
