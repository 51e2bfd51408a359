/**
 * Self-hosted GraphiQL for paydesk, served by the API on GET /graphql.
 *
 * Everything (editor, workers, fonts) is bundled into our own assets so the
 * page runs under the server's strict CSP with no CDN.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';

import { DEFAULT_QUERY } from './defaultQuery';
import { fetcher } from './fetcher';

const container = document.getElementById('graphiql');
if (!container) {
  throw new Error('graphiql.html lacks the #graphiql mount point');
}

createRoot(container).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
  </StrictMode>,
);
