import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { Call } from '../test/render';
import { renderPortal } from '../test/render';
import { DunningSettings, parseRetryDays } from './DunningSettings';

const policy = { retryDays: [1, 3, 5, 7], finalAction: 'KEEP_PAST_DUE', tryOtherCards: false, emailCardLink: true, hardDeclineCodes: ['stolen_card', 'lost_card'] };

function respond(answer: (call: Call) => unknown) {
  return (call: Call) => (call.operationName === 'SettingsDunning' ? { viewer: { account: { id: 'acct_1', dunningPolicy: policy } } } : answer(call));
}

describe('DunningSettings', () => {
  it('sends the retry days as a list of integers with the other settings', async () => {
    const { calls } = renderPortal(<DunningSettings />, {
      respond: respond(() => ({
        updateDunningPolicy: { account: { id: 'acct_1', dunningPolicy: { ...policy, retryDays: [2, 4, 9], finalAction: 'CANCEL' } }, userErrors: [] },
      })),
    });
    const days = await screen.findByLabelText('Retry days');
    expect(days).toHaveProperty('value', '1, 3, 5, 7');
    expect(screen.getByText('stolen_card')).toBeTruthy();

    await userEvent.clear(days);
    await userEvent.type(days, '2, 4,9');
    await userEvent.selectOptions(screen.getByLabelText('When retries run out'), 'CANCEL');
    await userEvent.click(screen.getByLabelText('Try other cards on file'));
    await userEvent.click(screen.getByRole('button', { name: 'Save dunning policy' }));

    expect(await screen.findByText('Dunning policy saved.')).toBeTruthy();
    expect(calls.filter((call) => call.operationName === 'SettingsUpdateDunningPolicy').map((call) => call.variables)).toEqual([
      { input: { retryDays: [2, 4, 9], finalAction: 'CANCEL', tryOtherCards: true, emailCardLink: true } },
    ]);
  });

  it('shows the API’s error on retryDays at that field', async () => {
    renderPortal(<DunningSettings />, {
      respond: respond(() => ({
        updateDunningPolicy: {
          account: null,
          userErrors: [{ field: ['input', 'retryDays'], code: 'INVALID', message: 'Retry days must increase, e.g. 1, 3, 5, 7.' }],
        },
      })),
    });
    const days = await screen.findByLabelText('Retry days');
    await userEvent.clear(days);
    await userEvent.type(days, '5, 2');
    await userEvent.click(screen.getByRole('button', { name: 'Save dunning policy' }));

    expect(await screen.findByText('Retry days must increase, e.g. 1, 3, 5, 7.')).toBeTruthy();
    expect(days.getAttribute('aria-invalid')).toBe('true');
    expect(days.getAttribute('aria-describedby')).toContain(screen.getByText('Retry days must increase, e.g. 1, 3, 5, 7.').id);
    expect(screen.queryByText('Dunning policy saved.')).toBeNull();
  });

  it('refuses days that are not whole numbers before asking the API', async () => {
    const { calls } = renderPortal(<DunningSettings />, { respond: respond(() => ({})) });
    const days = await screen.findByLabelText('Retry days');
    await userEvent.clear(days);
    await userEvent.type(days, '1, 2.5');
    await userEvent.click(screen.getByRole('button', { name: 'Save dunning policy' }));

    expect(screen.getByText('Enter whole days separated by commas, e.g. 1, 3, 7.')).toBeTruthy();
    expect(calls.map((call) => call.operationName)).toEqual(['SettingsDunning']);
  });

  it('reads "1, 3 ,7" and an empty text', () => {
    expect(parseRetryDays('1, 3 ,7')).toEqual([1, 3, 7]);
    expect(parseRetryDays('  ')).toEqual([]);
    expect(parseRetryDays('1, x')).toBeNull();
  });
});
