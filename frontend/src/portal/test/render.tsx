/**
 * Rendering a portal component in a unit test: a real urql client whose
 * `fetch` answers from `respond` (the operation's name and variables in, the
 * `data` out), the viewer of a given role, and a router at `path`.
 * Every request is recorded in `calls`, so a test can assert what was sent.
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { Client, Provider, fetchExchange } from 'urql';

import type { Role } from '../gql/graphql';
import { ViewerContext } from '../auth/viewer';

export interface Call {
  operationName: string;
  variables: Record<string, unknown>;
}

export type Respond = (call: Call) => unknown | Promise<unknown>;

export function testClient(respond: Respond): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  const fakeFetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables?: Record<string, unknown> };
    const operationName = /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? '';
    const call = { operationName, variables: body.variables ?? {} };
    calls.push(call);
    const data = await respond(call);
    return new Response(JSON.stringify({ data }), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  const client = new Client({ url: '/graphql', preferGetMethod: false, exchanges: [fetchExchange], fetch: fakeFetch as typeof fetch });
  return { client, calls };
}

export function renderPortal(
  ui: ReactElement,
  { respond, role = 'OWNER', path = '/' }: { respond: Respond; role?: Role; path?: string },
) {
  const { client, calls } = testClient(respond);
  const viewer = { role, email: 'owner@example.test', accountName: 'Test shop', defaultCurrency: 'USD', locale: 'en-US', signOut: () => {} };
  const result = render(
    <Provider value={client}>
      <ViewerContext.Provider value={viewer}>
        <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
      </ViewerContext.Provider>
    </Provider>,
  );
  return { ...result, calls };
}
