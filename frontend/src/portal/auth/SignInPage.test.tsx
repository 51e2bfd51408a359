import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { renderPortal } from '../test/render';
import { SignInPage } from './SignInPage';

describe('SignInPage', () => {
  it('shows a wrong password next to the form and stays on the page', async () => {
    const onSignedIn = vi.fn();
    renderPortal(<SignInPage onSignedIn={onSignedIn} />, {
      respond: () => ({
        signIn: { user: null, userErrors: [{ field: ['input', 'password'], code: 'INVALID', message: 'Email or password is wrong.' }] },
      }),
    });
    await userEvent.type(screen.getByLabelText('Email'), 'owner@demo.test');
    await userEvent.type(screen.getByLabelText('Password'), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Email or password is wrong.')).toBeTruthy();
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('signs in once however often the button is pressed', async () => {
    const onSignedIn = vi.fn();
    let release: () => void = () => {};
    const { calls } = renderPortal(<SignInPage onSignedIn={onSignedIn} />, {
      respond: () =>
        new Promise((resolve) => {
          release = () => resolve({ signIn: { user: { id: 'usr_1', email: 'a@b.test' }, userErrors: [] } });
        }),
    });
    await userEvent.type(screen.getByLabelText('Email'), 'a@b.test');
    await userEvent.type(screen.getByLabelText('Password'), 'secret');
    const button = screen.getByRole('button', { name: 'Sign in' });
    await userEvent.click(button);
    await userEvent.click(button);

    expect(button.hasAttribute('disabled')).toBe(true);
    release();
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    expect(calls.filter((call) => call.operationName === 'SignIn')).toHaveLength(1);
  });
});
