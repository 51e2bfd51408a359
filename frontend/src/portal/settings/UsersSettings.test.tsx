import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { UsersSettings } from './UsersSettings';

const owner = { id: 'usr_owner', email: 'owner@shop.test', role: 'OWNER', createdAt: '2026-01-01T00:00:00Z' };

function respond(answer: (call: Call) => unknown) {
  return (call: Call) => (call.operationName === 'SettingsUsers' ? { users: [owner] } : answer(call));
}

describe('UsersSettings', () => {
  it('adds a user with the role picked', async () => {
    const { calls } = renderPortal(<UsersSettings />, {
      role: 'OWNER',
      respond: respond(() => ({
        createUser: { user: { id: 'usr_new', email: 'viewer@shop.test', role: 'VIEWER', createdAt: '2026-12-02T00:00:00Z' }, userErrors: [] },
      })),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Add user' }));
    const dialog = screen.getByRole('dialog', { name: 'Add user' });
    await userEvent.type(within(dialog).getByLabelText('Email'), 'viewer@shop.test');
    await userEvent.type(within(dialog).getByLabelText('Password'), 'long-enough-pass');
    await userEvent.selectOptions(within(dialog).getByLabelText('Role'), 'VIEWER');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add user' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((call) => call.operationName === 'SettingsCreateUser').map((call) => call.variables)).toEqual([
      { input: { email: 'viewer@shop.test', password: 'long-enough-pass', role: 'VIEWER' } },
    ]);
  });

  it('offers OWNER only to an owner', async () => {
    renderPortal(<UsersSettings />, { role: 'ADMIN', respond: respond(() => ({})) });
    await userEvent.click(await screen.findByRole('button', { name: 'Add user' }));
    const options = [...(within(screen.getByRole('dialog')).getByLabelText('Role') as HTMLSelectElement).options].map((o) => o.value);
    expect(options).toEqual(['ADMIN', 'REP', 'VIEWER']);
    // The owner's own role is read-only for an admin.
    expect(screen.queryByLabelText('Role of owner@shop.test')).toBeNull();
  });

  it('shows the API’s refusal to remove the last owner beside that user’s role', async () => {
    const { calls } = renderPortal(<UsersSettings />, {
      role: 'OWNER',
      respond: respond(() => ({
        updateUserRole: { user: null, userErrors: [{ field: ['input', 'role'], code: 'INVALID_STATE', message: 'An account keeps at least one owner.' }] },
      })),
    });
    const select = await screen.findByLabelText('Role of owner@shop.test');
    await userEvent.selectOptions(select, 'ADMIN');
    await userEvent.click(screen.getByRole('button', { name: 'Save role for owner@shop.test' }));

    expect(await screen.findByText('An account keeps at least one owner.')).toBeTruthy();
    expect(select.getAttribute('aria-invalid')).toBe('true');
    expect(calls.filter((call) => call.operationName === 'SettingsUpdateUserRole').map((call) => call.variables)).toEqual([
      { input: { userId: 'usr_owner', role: 'ADMIN' } },
    ]);
  });
});
