/**
 * The account's event log: what happened, newest first, filtered by type,
 * each with who did it and the event's JSON as webhooks deliver it.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { SelectField } from '../ui/Field';
import { formatDateTime, humanize } from '../ui/format';
import { QueryStates, SettingsSection } from './SettingsSection';

const SettingsEventsQueryDoc = graphql(`
  query SettingsEvents($type: String, $after: String) {
    eventTypes
    events(first: 25, type: $type, after: $after) {
      edges {
        node {
          id
          type
          createdAt
          data
          actor {
            type
            id
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export function EventsSettings() {
  const { locale } = useViewer();
  const [type, setType] = useState('');
  const [after, setAfter] = useState<string | null>(null);
  const [result] = useQuery({ query: SettingsEventsQueryDoc, variables: { type: type || null, after }, requestPolicy: 'cache-and-network' });
  const events = result.data?.events.edges.map((edge) => edge.node) ?? [];
  const pageInfo = result.data?.events.pageInfo;
  return (
    <SettingsSection id="settings-events-title" title="Events">
      <p className="muted">Everything an integration can act on, kept 30 days. Webhook endpoints receive these same events.</p>
      <div className="toolbar">
        <SelectField
          label="Type"
          value={type}
          onChange={(e) => {
            setType(e.target.value);
            setAfter(null);
          }}
        >
          <option value="">Every type</option>
          {(result.data?.eventTypes ?? []).map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </SelectField>
      </div>
      <QueryStates result={result} count={events.length} empty="No events of this type in the last 30 days." />
      <ul className="settings-events-log">
        {events.map((event) => (
          <li key={event.id}>
            <div>
              <span className="mono">{event.type}</span> · {formatDateTime(event.createdAt, locale)} · {humanize(event.actor.type)}
              {event.actor.id ? <span className="mono muted"> {event.actor.id}</span> : null}
            </div>
            <details>
              <summary>Show JSON</summary>
              <pre className="settings-json">{JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, actor: event.actor, data: event.data }, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ul>
      <div className="toolbar">
        {after ? <Button onClick={() => setAfter(null)}>Newest</Button> : null}
        {pageInfo?.hasNextPage ? <Button onClick={() => setAfter(pageInfo.endCursor ?? null)}>Older events</Button> : null}
      </div>
    </SettingsSection>
  );
}
