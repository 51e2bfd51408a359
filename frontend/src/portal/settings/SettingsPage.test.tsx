import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';

import { renderPortal } from '../test/render';
import { SettingsPage } from './SettingsPage';

const account = {
  viewer: {
    account: { id: 'acct_1', name: 'Test shop', defaultCurrency: 'USD', timezone: 'UTC', locale: 'en-US', emailInvoices: true, repRefundLimit: null },
  },
  accountSettingChoices: {
    currencies: [{ value: 'USD', label: 'US Dollar' }, { value: 'JPY', label: 'Japanese Yen' }],
    timeZones: ['America/New_York', 'UTC'],
    locales: [{ value: 'en-US', label: 'English (United States)' }],
  },
};

// As App.tsx mounts it: the settings screens are routes below /settings/*.
const page = (
  <Routes>
    <Route path="/settings/*" element={<SettingsPage />} />
  </Routes>
);

describe('SettingsPage', () => {
  it.each(['REP', 'VIEWER'] as const)('tells a %s that only admins change settings, and asks the API nothing', async (role) => {
    const { calls } = renderPortal(page, { role, path: '/settings/api-keys', respond: () => ({}) });

    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(screen.getByText(/Only admins can change settings/)).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Settings' })).toBeNull();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(calls).toEqual([]);
  });

  it('opens the account screen for an admin at /settings, with the sub-navigation', async () => {
    const { calls } = renderPortal(page, { role: 'ADMIN', path: '/settings', respond: () => account });

    expect(await screen.findByLabelText('Account name')).toHaveProperty('value', 'Test shop');
    const nav = screen.getByRole('navigation', { name: 'Settings' });
    const links = [...nav.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).toEqual([
      ['Account', '/settings/account'],
      ['Gateways', '/settings/gateways'],
      ['API keys', '/settings/api-keys'],
      ['Webhooks', '/settings/webhooks'],
      ['Events', '/settings/events'],
      ['Invoice templates', '/settings/invoice-templates'],
      ['Dunning', '/settings/dunning'],
      ['Emails', '/settings/emails'],
      ['Users', '/settings/users'],
      ['Products', '/settings/products'],
      ['Offers', '/settings/offers'],
      ['Partners', '/settings/partners'],
    ]);
    expect(screen.getByRole('link', { name: 'Account' }).getAttribute('aria-current')).toBe('page');
    expect(calls.map((call) => call.operationName)).toEqual(['SettingsAccount']);
  });
});
