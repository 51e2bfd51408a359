/**
 * Saved offers: named product grids made from a customer's sale dialog.
 * They never change once saved, so the only action here is archiving one.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SettingsOffersQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { CheckboxField } from '../ui/Field';
import { formatDate } from '../ui/format';
import { Empty, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsOffersQueryDoc = graphql(`
  query SettingsOffers($includeArchived: Boolean!) {
    offers(includeArchived: $includeArchived) {
      id
      name
      currency
      archived
      createdAt
      lines {
        description
        quantity
        kind
        unit
        paymentCount
        unitPrice {
          formatted
        }
        total {
          formatted
        }
      }
    }
  }
`);

const SettingsArchiveOffer = graphql(`
  mutation SettingsArchiveOffer($input: ArchiveOfferInput!) {
    archiveOffer(input: $input) {
      offer {
        id
        archived
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Offer = SettingsOffersQuery['offers'][number];
type Line = Offer['lines'][number];

/** "2 × Camp lantern ($58.00)", "Gear club membership ($9.00 each month)", "Tent (3 payments of $100.00)". */
export function lineSummary(line: Line): string {
  const count = line.quantity > 1 ? `${line.quantity} × ` : '';
  if (line.kind === 'SUBSCRIPTION') return `${count}${line.description} (${line.total.formatted} each ${(line.unit ?? 'period').toLowerCase()})`;
  if (line.kind === 'PAYMENT_PLAN') return `${count}${line.description} (${line.paymentCount ?? '?'} payments of ${line.total.formatted})`;
  return `${count}${line.description} (${line.total.formatted})`;
}

export function OffersSettings() {
  const { locale } = useViewer();
  const [includeArchived, setIncludeArchived] = useState(false);
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsOffersQueryDoc, variables: { includeArchived } });
  const [archiving, setArchiving] = useState<Offer | null>(null);
  const offers = data?.offers ?? [];
  return (
    <section className="section" aria-labelledby="settings-offers-title">
      <div className="section-header">
        <h2 id="settings-offers-title">Offers</h2>
      </div>
      <p className="muted">Offers are saved from a customer's “Log transaction / Charge” dialog (“Save as offer”). A saved offer cannot be edited; archive it and save a new one instead.</p>
      <div className="toolbar">
        <CheckboxField label="Show archived offers" checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)} />
      </div>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !offers.length ? <Empty>No saved offers.</Empty> : null}
      {offers.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Currency</th>
                <th scope="col">Lines</th>
                <th scope="col" className="hide-narrow">Saved</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="settings-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {offers.map((offer) => (
                <tr key={offer.id}>
                  <td>{offer.name}</td>
                  <td>{offer.currency}</td>
                  <td>{offer.lines.map(lineSummary).join('; ')}</td>
                  <td className="hide-narrow">{formatDate(offer.createdAt, locale)}</td>
                  <td>{offer.archived ? <span className="badge badge-neutral">Archived</span> : <span className="badge badge-good">Active</span>}</td>
                  <td>
                    {offer.archived ? null : (
                      <Button className="btn-small" aria-label={`Archive ${offer.name}`} onClick={() => setArchiving(offer)}>
                        Archive
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {archiving ? (
        <ArchiveOffer
          offer={archiving}
          onClose={() => setArchiving(null)}
          onArchived={() => {
            setArchiving(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
        />
      ) : null}
    </section>
  );
}

function ArchiveOffer({ offer, onClose, onArchived }: { offer: Offer; onClose: () => void; onArchived: () => void }) {
  const action = useAction(SettingsArchiveOffer, (data) => data.archiveOffer);
  return (
    <Confirm
      title="Archive offer"
      open
      onClose={onClose}
      onConfirm={() => void action.run({ input: { offerId: offer.id } }).then((payload) => payload && onArchived())}
      confirmLabel="Archive offer"
      busy={action.busy}
      danger
      errors={action.errors}
      failure={action.failure}
    >
      <p>
        <strong>{offer.name}</strong> leaves the offer picker. Sales already made from it are not affected.
      </p>
    </Confirm>
  );
}
