/**
 * Card-request links: single-use pages where the customer puts a card on file.
 * "Request card details" (from the page header) makes one, optionally emails
 * it, and shows its URL to copy; an ACTIVE link can be copied or revoked.
 */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { CopyButton, LinkBox } from '../ui/CopyButton';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { formatDateTime, today } from '../ui/format';
import { Empty, FormErrors, Notice } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { useAction } from '../ui/useAction';
import { FormDialog } from '../ui/FormDialog';
import { Section, useSectionQuery } from './Section';
import { HiddenHeader, RowActions, SectionTable } from './SectionTable';
import { useConfirmedAction } from './useConfirmedAction';

const CustomerCardLinks = graphql(`
  query CustomerCardLinks($id: ID!) {
    customer(id: $id) {
      id
      cardTokenizationLinks {
        id
        status
        createdAt
        expiresAt
        usedAt
        takesOverOpenOrders
        url
      }
    }
  }
`);

const CustomerCardLinkCreate = graphql(`
  mutation CustomerCardLinkCreate($input: CreateCardTokenizationLinkInput!) {
    createCardTokenizationLink(input: $input) {
      cardTokenizationLink {
        id
        status
        url
        expiresAt
        customer {
          id
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const CustomerCardLinkRevoke = graphql(`
  mutation CustomerCardLinkRevoke($input: RevokeCardTokenizationLinkInput!) {
    revokeCardTokenizationLink(input: $input) {
      cardTokenizationLink {
        id
        status
        customer {
          id
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

interface CardLinksSectionProps {
  customerId: string;
  /** "Request card details" was pressed in the page header. */
  requesting: boolean;
  onRequestingDone: () => void;
}

export function CardLinksSection({ customerId, requesting, onRequestingDone }: CardLinksSectionProps) {
  const canEdit = useCan('REP');
  const query = useSectionQuery({ query: CustomerCardLinks, variables: { id: customerId } });
  const { data, refresh } = query;
  const revoke = useConfirmedAction(
    CustomerCardLinkRevoke,
    (result) => result.revokeCardTokenizationLink,
    (linkId: string) => ({ input: { cardTokenizationLinkId: linkId } }),
    refresh,
  );
  const links = data?.customer?.cardTokenizationLinks ?? [];
  return (
    <Section title="Card-request links" query={query}>
      {links.length === 0 ? <Empty>No card requests sent.</Empty> : null}
      {links.length ? (
        <SectionTable
          head={
            <>
              <th scope="col">Status</th>
              <th scope="col" className="hide-narrow">Created</th>
              <th scope="col">Expires</th>
              <th scope="col" className="hide-narrow">Used</th>
              {canEdit ? <HiddenHeader /> : null}
            </>
          }
        >
          {links.map((link) => (
            <tr key={link.id}>
              <td>
                <StatusBadge status={link.status} />
                {link.takesOverOpenOrders ? <div className="muted">Takes over subscriptions</div> : null}
              </td>
              <td className="hide-narrow">{formatDateTime(link.createdAt)}</td>
              <td>{formatDateTime(link.expiresAt)}</td>
              <td className="hide-narrow">{link.usedAt ? formatDateTime(link.usedAt) : <span className="muted">{link.status === 'ACTIVE' ? 'Not yet' : '—'}</span>}</td>
              {canEdit ? (
                <td>
                  {link.status === 'ACTIVE' ? (
                    <RowActions>
                      <CopyButton text={link.url} />
                      <Button className="btn-small" onClick={() => revoke.ask(link.id)}>
                        Revoke
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
          <RequestCardDialog customerId={customerId} open={requesting} onClose={onRequestingDone} onCreated={refresh} />
          <Confirm title="Revoke this card link?" confirmLabel="Revoke link" danger {...revoke.confirm}>
            <p>The link stops accepting cards at once. Send a new one if the customer still needs it.</p>
          </Confirm>
        </>
      ) : null}
    </Section>
  );
}

/** The end of the chosen day in the browser's time zone, as the API's DateTime. */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

/** The fields this form shows errors beside; others go in its banner. */
const PLACED = ['expiresAt', 'sendEmail'];

interface RequestCardDialogProps {
  customerId: string;
  open: boolean;
  onClose: () => void;
  onCreated: () => void;
}

function RequestCardDialog({ customerId, open, onClose, onCreated }: RequestCardDialogProps) {
  const [expiresOn, setExpiresOn] = useState('');
  const [sendEmail, setSendEmail] = useState(false);
  const [takesOver, setTakesOver] = useState(false);
  const [created, setCreated] = useState<{ url: string; emailed: boolean } | null>(null);
  const action = useAction(CustomerCardLinkCreate, (data) => data.createCardTokenizationLink);
  const close = () => {
    setExpiresOn('');
    setSendEmail(false);
    setTakesOver(false);
    setCreated(null);
    action.reset();
    onClose();
  };
  const submit = async () => {
    const payload = await action.run({
      input: { customerId, expiresAt: expiresOn ? endOfDay(expiresOn) : null, sendEmail, takesOverOpenOrders: takesOver },
    });
    if (payload?.cardTokenizationLink) {
      setCreated({ url: payload.cardTokenizationLink.url, emailed: sendEmail });
      onCreated();
    }
  };
  return (
    <FormDialog
      title="Request card details"
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      submitLabel="Create link"
      busy={action.busy}
      done={
        created ? (
          <>
            <Notice tone="success">{created.emailed ? 'The link was made and emailed to the customer.' : 'The link was made. Send it to the customer.'}</Notice>
            <LinkBox url={created.url} />
          </>
        ) : null
      }
    >
      <p className="muted">The customer enters a card on a secure page; it is put on file for them. The link works once.</p>
      <TextField
        label="Link expires on"
        type="date"
        min={today()}
        value={expiresOn}
        onChange={(event) => setExpiresOn(event.target.value)}
        error={errorFor(action.errors, 'expiresAt')}
        hint="Optional: seven days from now when left empty."
      />
      <CheckboxField label="Email the link to the customer" checked={sendEmail} onChange={(event) => setSendEmail(event.target.checked)} />
      {errorFor(action.errors, 'sendEmail') ? (
        <p className="field-error" role="alert">
          {errorFor(action.errors, 'sendEmail')}
        </p>
      ) : null}
      <CheckboxField label="This card takes over open subscriptions" checked={takesOver} onChange={(event) => setTakesOver(event.target.checked)} />
      <FormErrors errors={unplaced(action.errors, PLACED)} failure={action.failure} />
    </FormDialog>
  );
}
