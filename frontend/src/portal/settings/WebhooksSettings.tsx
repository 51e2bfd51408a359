/**
 * Webhook endpoints: add one (its signing secret shown once, in the dialog
 * that made it, like an API key's), pick the event types it takes, see each
 * endpoint's delivery attempts with the receiver's HTTP status, redeliver an
 * event, rotate the secret, switch an endpoint off and on, delete it.
 */
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { CopyButton } from '../ui/CopyButton';
import { Dialog } from '../ui/Dialog';
import { errorFor } from '../ui/errors';
import { CheckboxField, TextField } from '../ui/Field';
import { formatDateTime, humanize } from '../ui/format';
import { Notice, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';
import { ConfirmMutation } from './ConfirmMutation';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection } from './SettingsSection';

const SettingsWebhooksQueryDoc = graphql(`
  query SettingsWebhooks {
    eventTypes
    webhookEndpoints {
      id
      url
      events
      description
      enabled
      createdAt
    }
  }
`);

const SettingsWebhookDeliveriesDoc = graphql(`
  query SettingsWebhookDeliveries($id: ID!) {
    node(id: $id) {
      ... on WebhookEndpoint {
        id
        deliveries(first: 20) {
          edges {
            node {
              id
              attempt
              status
              responseStatus
              durationMs
              createdAt
              nextAttemptAt
              event {
                id
                type
              }
            }
          }
        }
      }
    }
  }
`);

const SettingsCreateWebhook = graphql(`
  mutation SettingsCreateWebhook($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      webhookEndpoint {
        id
        url
      }
      secret
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsUpdateWebhook = graphql(`
  mutation SettingsUpdateWebhook($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      webhookEndpoint {
        id
        enabled
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsDeleteWebhook = graphql(`
  mutation SettingsDeleteWebhook($input: DeleteWebhookEndpointInput!) {
    deleteWebhookEndpoint(input: $input) {
      webhookEndpoint {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsRotateWebhookSecret = graphql(`
  mutation SettingsRotateWebhookSecret($input: RotateWebhookSecretInput!) {
    rotateWebhookSecret(input: $input) {
      webhookEndpoint {
        id
      }
      secret
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsRedeliver = graphql(`
  mutation SettingsRedeliver($input: RedeliverEventInput!) {
    redeliverEvent(input: $input) {
      delivery {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

interface Endpoint {
  id: string;
  url: string;
  events: readonly string[];
  description?: string | null;
  enabled: boolean;
  createdAt: string;
}

export function WebhooksSettings() {
  const [result, reexecute] = useQuery({ query: SettingsWebhooksQueryDoc });
  const [adding, setAdding] = useState(false);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const endpoints = result.data?.webhookEndpoints ?? [];
  const types = result.data?.eventTypes ?? [];
  return (
    <SettingsSection id="settings-webhooks-title" title="Webhooks" action={{ label: 'Add endpoint', onClick: () => setAdding(true) }}>
      <p className="muted">
        paydesk POSTs each event your endpoints take, signed per Standard Webhooks (<code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
        <code>webhook-signature</code>), and tries again for 3 days when your server does not answer with a 2xx. Deliveries are not ordered: order by{' '}
        <code>createdAt</code>.
      </p>
      <QueryStates result={result} count={endpoints.length} empty="No webhook endpoints yet." />
      {endpoints.map((endpoint) => (
        <EndpointCard key={endpoint.id} endpoint={endpoint} onChanged={refresh} />
      ))}
      {adding ? <AddEndpointDialog types={types} onClose={() => setAdding(false)} onAdded={refresh} /> : null}
    </SettingsSection>
  );
}

/** One endpoint: what it takes, its switches, and (on demand) its delivery attempts. */
function EndpointCard({ endpoint, onChanged }: { endpoint: Endpoint; onChanged: () => void }) {
  const { locale } = useViewer();
  const [showing, setShowing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const toggle = useAction(SettingsUpdateWebhook, (data) => data.updateWebhookEndpoint);
  const rotate = useAction(SettingsRotateWebhookSecret, (data) => data.rotateWebhookSecret);
  const titleId = `webhook-${endpoint.id}`;

  const flip = async () => {
    if (await toggle.run({ input: { id: endpoint.id, enabled: !endpoint.enabled } })) onChanged();
  };
  const rotateSecret = async () => {
    const payload = await rotate.run({ input: { id: endpoint.id } });
    if (payload?.secret) setSecret(payload.secret);
  };

  return (
    <section className="settings-card" aria-labelledby={titleId}>
      <h3 id={titleId} className="mono settings-card-title">
        {endpoint.url}
      </h3>
      <p>
        {endpoint.enabled ? <span className="badge badge-good">On</span> : <span className="badge badge-warn">Off</span>}{' '}
        {endpoint.description ? <>{endpoint.description} · </> : null}
        Takes {endpoint.events.includes('*') ? 'every event type' : endpoint.events.join(', ')} · added {formatDateTime(endpoint.createdAt, locale)}
      </p>
      {!endpoint.enabled ? (
        <Notice tone="warning">Nothing is sent to this endpoint. Turn it on again once your server answers; events it missed can be redelivered.</Notice>
      ) : null}
      {toggle.failure || rotate.failure ? <Notice tone="error">{toggle.failure ?? rotate.failure}</Notice> : null}
      <div className="toolbar">
        <Button className="btn-small" onClick={() => setShowing(!showing)}>
          {showing ? 'Hide deliveries' : 'Show deliveries'}
        </Button>
        <Button className="btn-small" busy={toggle.busy} onClick={flip}>
          {endpoint.enabled ? 'Turn off' : 'Turn on'}
        </Button>
        <Button className="btn-small" busy={rotate.busy} onClick={rotateSecret}>
          Rotate secret
        </Button>
        <Button className="btn-small" variant="danger" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </div>
      {showing ? <Deliveries endpointId={endpoint.id} /> : null}
      {secret ? (
        <SecretDialog title="Secret rotated" secret={secret} onClose={() => setSecret(null)}>
          <p>The old secret keeps signing beside this one for 24 hours, so your server can switch without missing an event.</p>
        </SecretDialog>
      ) : null}
      {deleting ? (
        <ConfirmMutation
          document={SettingsDeleteWebhook}
          pick={(data) => data.deleteWebhookEndpoint}
          variables={{ input: { id: endpoint.id } }}
          title="Delete webhook endpoint"
          confirmLabel="Delete endpoint"
          onClose={() => setDeleting(false)}
          onDone={() => {
            setDeleting(false);
            onChanged();
          }}
        >
          <p>
            Nothing more is sent to <span className="mono">{endpoint.url}</span>. This cannot be undone.
          </p>
        </ConfirmMutation>
      ) : null}
    </section>
  );
}

const STATUS_WORDS: Record<string, string> = { PENDING: 'Scheduled', SUCCEEDED: 'Succeeded', FAILED: 'Failed' };

/** An endpoint's latest delivery attempts, newest first, each with a button to send its event again. */
function Deliveries({ endpointId }: { endpointId: string }) {
  const { locale } = useViewer();
  const [result, reexecute] = useQuery({ query: SettingsWebhookDeliveriesDoc, variables: { id: endpointId }, requestPolicy: 'network-only' });
  const redeliver = useAction(SettingsRedeliver, (data) => data.redeliverEvent);
  const [sent, setSent] = useState<string | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const node = result.data?.node;
  const rows = node && 'deliveries' in node ? node.deliveries.edges.map((edge) => edge.node) : [];
  const again = async (eventId: string, type: string) => {
    if (await redeliver.run({ input: { eventId, endpointId } })) {
      setSent(`${type} is scheduled again; it goes out within seconds.`);
      refresh();
    }
  };
  if (result.error) return <QueryError error={result.error} onRetry={refresh} />;
  return (
    <div>
      <div className="toolbar">
        <Button className="btn-small" onClick={refresh}>
          Refresh
        </Button>
      </div>
      {sent ? <Notice tone="success">{sent}</Notice> : null}
      {redeliver.failure ? <Notice tone="error">{redeliver.failure}</Notice> : null}
      {rows.length === 0 && !result.fetching ? <p className="muted">No deliveries yet.</p> : null}
      {rows.length ? (
        <div className="table-wrap">
          <table className="table" aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Result</th>
                <th scope="col">HTTP</th>
                <th scope="col" className="hide-narrow">Took</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span className="settings-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td className="mono">{row.event.type}</td>
                  <td>{row.attempt}</td>
                  <td>
                    {STATUS_WORDS[row.status] ?? humanize(row.status)}
                    {row.nextAttemptAt ? <span className="muted"> · next {formatDateTime(row.nextAttemptAt, locale)}</span> : null}
                  </td>
                  <td>{row.responseStatus ?? 'No answer'}</td>
                  <td className="hide-narrow">{row.durationMs != null ? `${row.durationMs} ms` : ''}</td>
                  <td>{formatDateTime(row.createdAt, locale)}</td>
                  <td>
                    <Button className="btn-small" busy={redeliver.busy} aria-label={`Redeliver ${row.event.type}`} onClick={() => again(row.event.id, row.event.type)}>
                      Redeliver
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

/** Asks for the URL and the event types, adds the endpoint, then shows its secret this once. */
function AddEndpointDialog({ types, onClose, onAdded }: { types: readonly string[]; onClose: () => void; onAdded: () => void }) {
  const [url, setUrl] = useState('https://');
  const [description, setDescription] = useState('');
  const [every, setEvery] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction(SettingsCreateWebhook, (data) => data.createWebhookEndpoint);

  const pick = (type: string, on: boolean) => setChosen(on ? [...chosen, type] : chosen.filter((t) => t !== type));
  const add = async () => {
    const payload = await action.run({ input: { url: url.trim(), events: every ? ['*'] : chosen, description: description.trim() || null } });
    if (payload?.secret) {
      setSecret(payload.secret);
      onAdded();
    }
  };

  if (secret) {
    return (
      <SecretDialog title="Endpoint added" secret={secret} onClose={onClose}>
        <p>Verify each delivery's signature with it, e.g. with a Standard Webhooks library.</p>
      </SecretDialog>
    );
  }
  const eventsError = errorFor(action.errors, 'events') ?? action.errors.find((e) => (e.field ?? [])[1] === 'events')?.message;
  return (
    <FormDialog title="Add webhook endpoint" submitLabel="Add endpoint" action={action} fields={['url', 'description', 'events']} onClose={onClose} onSubmit={add} wide>
      <TextField label="URL" type="url" value={url} onChange={(e) => setUrl(e.target.value)} error={errorFor(action.errors, 'url')} hint="Where paydesk POSTs events; https in production." />
      <TextField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={errorFor(action.errors, 'description')} />
      <fieldset className="settings-events">
        <legend>Events</legend>
        {eventsError ? <p className="field-error">{eventsError}</p> : null}
        <CheckboxField label="Every event type, present and future" checked={every} onChange={(e) => setEvery(e.target.checked)} />
        {every
          ? null
          : types.map((type) => <CheckboxField key={type} label={type} checked={chosen.includes(type)} onChange={(e) => pick(type, e.target.checked)} />)}
      </fieldset>
    </FormDialog>
  );
}

/** A signing secret shown once: copy it now, it cannot be shown again. */
function SecretDialog({ title, secret, onClose, children }: { title: string; secret: string; onClose: () => void; children: ReactNode }) {
  return (
    <Dialog title={title} open onClose={onClose} footer={<Button variant="primary" onClick={onClose}>Done</Button>}>
      <Notice tone="warning">Copy the signing secret now and keep it with your server's settings. It cannot be shown again.</Notice>
      <div className="settings-secret">
        <input readOnly value={secret} aria-label="Signing secret" autoComplete="off" spellCheck={false} onFocus={(event) => event.currentTarget.select()} />
        <CopyButton text={secret} label="Copy secret" />
      </div>
      {children}
    </Dialog>
  );
}
