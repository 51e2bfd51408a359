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
import { formatDate } from '../ui/format';
import { StatusBadge } from '../ui/StatusBadge';
import { ConfirmMutation } from './ConfirmMutation';
import { QueryStates, SettingsSection, ShowArchived } from './SettingsSection';
import { SettingsTable } from './SettingsTable';

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
        ...UserErrorFields
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

const COLUMNS = ['Name', 'Currency', 'Lines', { label: 'Saved', className: 'hide-narrow' }, 'Status'];

export function OffersSettings() {
  const { locale } = useViewer();
  const [includeArchived, setIncludeArchived] = useState(false);
  const [result, reexecute] = useQuery({ query: SettingsOffersQueryDoc, variables: { includeArchived } });
  const [archiving, setArchiving] = useState<Offer | null>(null);
  const offers = result.data?.offers ?? [];
  return (
    <SettingsSection id="settings-offers-title" title="Offers">
      <p className="muted">Offers are saved from a customer's “Log transaction / Charge” dialog (“Save as offer”). A saved offer cannot be edited; archive it and save a new one instead.</p>
      <ShowArchived label="Show archived offers" checked={includeArchived} onChange={setIncludeArchived} />
      <QueryStates result={result} count={offers.length} empty="No saved offers." />
      {offers.length ? (
        <SettingsTable columns={COLUMNS}>
          {offers.map((offer) => (
            <tr key={offer.id}>
              <td>{offer.name}</td>
              <td>{offer.currency}</td>
              <td>{offer.lines.map(lineSummary).join('; ')}</td>
              <td className="hide-narrow">{formatDate(offer.createdAt, locale)}</td>
              <td>
                <StatusBadge status={offer.archived ? 'ARCHIVED' : 'ACTIVE'} />
              </td>
              <td>
                {offer.archived ? null : (
                  <Button className="btn-small" aria-label={`Archive ${offer.name}`} onClick={() => setArchiving(offer)}>
                    Archive
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </SettingsTable>
      ) : null}
      {archiving ? (
        <ConfirmMutation
          document={SettingsArchiveOffer}
          pick={(data) => data.archiveOffer}
          variables={{ input: { offerId: archiving.id } }}
          title="Archive offer"
          confirmLabel="Archive offer"
          onClose={() => setArchiving(null)}
          onDone={() => {
            setArchiving(null);
            reexecute({ requestPolicy: 'network-only' });
          }}
        >
          <p>
            <strong>{archiving.name}</strong> leaves the offer picker. Sales already made from it are not affected.
          </p>
        </ConfirmMutation>
      ) : null}
    </SettingsSection>
  );
}
