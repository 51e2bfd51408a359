/**
 * Card-request links: single-use pages where the customer puts a card on file.
 * "Request card details" (from the page header) makes one, optionally emails
 * it, and shows its URL to copy; an ACTIVE link can be copied or revoked.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { Confirm } from '../ui/Confirm';
import { CopyButton, LinkBox } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { formatDateTime, today } from '../ui/format';
import { Empty, FormErrors, Notice } from '../ui/States';
import { StatusBadge } from '../ui/StatusBadge';
import { useAction } from '../ui/useAction';
import { Section } from './Section';

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
        field
        code
        message
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
        field
        code
        message
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
  const [{ data, error, fetching }, reexecute] = useQuery({ query: CustomerCardLinks, variables: { id: customerId } });
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const [revoking, setRevoking] = useState<string | null>(null);
  const revoke = useAction(CustomerCardLinkRevoke, (result) => result.revokeCardTokenizationLink);
  const links = data?.customer?.cardTokenizationLinks ?? [];
  const closeRevoke = () => {
    revoke.reset();
    setRevoking(null);
  };
  const confirmRevoke = async () => {
    if (revoking && (await revoke.run({ input: { cardTokenizationLinkId: revoking } }))) {
      closeRevoke();
      refresh();
    }
  };
  return (
    <Section title="Card-request links" fetching={fetching} loaded={Boolean(data)} error={error}>
      {links.length === 0 ? <Empty>No card requests sent.</Empty> : null}
      {links.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">Created</th>
                <th scope="col">Expires</th>
                <th scope="col" className="hide-narrow">Used</th>
                {canEdit ? <th scope="col"><span className="cust-sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
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
                        <div className="actions cust-row-actions">
                          <CopyButton text={link.url} />
                          <Button className="btn-small" onClick={() => setRevoking(link.id)}>
                            Revoke
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
          <RequestCardDialog customerId={customerId} open={requesting} onClose={onRequestingDone} onCreated={refresh} />
          <Confirm
            title="Revoke this card link?"
            open={revoking !== null}
            onClose={closeRevoke}
            onConfirm={() => void confirmRevoke()}
            confirmLabel="Revoke link"
            busy={revoke.busy}
            danger
            errors={revoke.errors}
            failure={revoke.failure}
          >
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
  if (created) {
    return (
      <Dialog title="Request card details" open={open} onClose={close} footer={<Button variant="primary" onClick={close}>Done</Button>}>
        <Notice tone="success">{created.emailed ? 'The link was made and emailed to the customer.' : 'The link was made. Send it to the customer.'}</Notice>
        <LinkBox url={created.url} />
      </Dialog>
    );
  }
  return (
    <Dialog
      title="Request card details"
      open={open}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            Create link
          </Button>
        </>
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
    </Dialog>
  );
}
