import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { ApiKeysSettings } from './ApiKeysSettings';

const SECRET = 'pdk_secret_0123456789abcdefghijklmnop';
const key = { appId: 'app_NewKey', role: 'REP', createdAt: '2026-12-01T10:00:00Z', lastUsedAt: null, revokedAt: null };

function respond(keys: unknown[]) {
  return ({ operationName }: Call) => {
    if (operationName === 'SettingsApiKeys') return { apiKeys: keys };
    if (operationName === 'SettingsCreateApiKey') {
      keys.unshift(key);
      return { createApiKey: { apiKey: key, secret: SECRET, userErrors: [] } };
    }
    if (operationName === 'SettingsRevokeApiKey') {
      return { revokeApiKey: { apiKey: { appId: key.appId, revokedAt: '2026-12-02T10:00:00Z' }, userErrors: [] } };
    }
    throw new Error(`unexpected ${operationName}`);
  };
}

describe('ApiKeysSettings', () => {
  it('shows a new key’s secret once, and forgets it when the dialog closes', async () => {
    const { calls } = renderPortal(<ApiKeysSettings />, { respond: respond([]) });
    await screen.findByText('No API keys yet.');

    await userEvent.click(screen.getByRole('button', { name: 'Create API key' }));
    const form = screen.getByRole('dialog', { name: 'Create API key' });
    await userEvent.selectOptions(within(form).getByLabelText('Role'), 'REP');
    await userEvent.click(within(form).getByRole('button', { name: 'Create API key' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect(within(shown).getByLabelText('Secret')).toHaveProperty('value', SECRET);
    expect(within(shown).getByLabelText('App id')).toHaveProperty('value', 'app_NewKey');
    expect(within(shown).getByText(/It cannot be shown again/)).toBeTruthy();
    expect(within(shown).getByRole('button', { name: 'Copy secret' })).toBeTruthy();
    expect(calls.find((call) => call.operationName === 'SettingsCreateApiKey')?.variables).toEqual({ input: { role: 'REP' } });
    expect(await screen.findByRole('cell', { name: 'app_NewKey' })).toBeTruthy();

    await userEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(window.location.href).not.toContain(SECRET);
    expect(JSON.stringify({ ...localStorage })).not.toContain(SECRET);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(SECRET);

    // Opening the dialog again starts over: a role to pick, no secret.
    await userEvent.click(screen.getByRole('button', { name: 'Create API key' }));
    const again = screen.getByRole('dialog', { name: 'Create API key' });
    expect(within(again).getByLabelText('Role')).toHaveProperty('value', 'ADMIN');
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('revokes a key only after it is confirmed', async () => {
    const { calls } = renderPortal(<ApiKeysSettings />, { respond: respond([key]) });

    await userEvent.click(await screen.findByRole('button', { name: 'Revoke app_NewKey' }));
    expect(calls.some((call) => call.operationName === 'SettingsRevokeApiKey')).toBe(false);
    const confirm = screen.getByRole('dialog', { name: 'Revoke API key' });
    await userEvent.click(within(confirm).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((call) => call.operationName === 'SettingsRevokeApiKey').map((call) => call.variables)).toEqual([
      { input: { appId: 'app_NewKey' } },
    ]);
  });
});

describe('ClassicApiUrls', () => {
  it('shows the classic API’s payments.php URL and /1/ base on this server', async () => {
    renderPortal(<ApiKeysSettings />, { respond: respond([]) });
    await screen.findByText('No API keys yet.');

    expect(screen.getByLabelText('payments.php URL')).toHaveProperty('value', `${window.location.origin}/payments.php`);
    expect(screen.getByLabelText('Classic API base URL')).toHaveProperty('value', `${window.location.origin}/1/`);
    expect(screen.getByRole('button', { name: 'Copy base URL' })).toBeTruthy();
  });
});
