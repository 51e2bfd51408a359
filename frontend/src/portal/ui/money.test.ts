import { describe, expect, it } from 'vitest';

import { amountProblem, currencyDigits, formatMoney, fromMinorUnits, toMinorUnits } from './money';

describe('money', () => {
  it('takes each currency its ISO 4217 digits', () => {
    expect([currencyDigits('USD'), currencyDigits('JPY'), currencyDigits('KWD')]).toEqual([2, 0, 3]);
  });

  it('reads decimal strings as exact minor units, never through a float', () => {
    expect(toMinorUnits('0.1', 'USD')).toBe(10n);
    expect(toMinorUnits('12.345', 'KWD')).toBe(12345n);
    expect(toMinorUnits('90071992547409.93', 'USD')).toBe(9007199254740993n);
    expect(toMinorUnits('1.5', 'JPY')).toBeNull();
    expect(toMinorUnits('1.234', 'USD')).toBeNull();
    expect(toMinorUnits('12,00', 'USD')).toBeNull();
  });

  it('writes minor units back as the API decimal', () => {
    expect(fromMinorUnits(5n, 'USD')).toBe('0.05');
    expect(fromMinorUnits(1500n, 'JPY')).toBe('1500');
    expect(fromMinorUnits(-1234n, 'KWD')).toBe('-1.234');
  });

  it('says what is wrong with an amount', () => {
    expect(amountProblem('', 'USD')).toBe('Enter an amount.');
    expect(amountProblem('0', 'USD')).toBe('Enter an amount above zero.');
    expect(amountProblem('0', 'USD', { allowZero: true })).toBeNull();
    expect(amountProblem('1.5', 'JPY')).toBe('JPY amounts have no decimals.');
    expect(amountProblem('1.2345', 'KWD')).toBe('Enter an amount like 10.001.');
    expect(amountProblem('49.00', 'USD')).toBeNull();
  });

  it('formats for the locale with the currency digits', () => {
    expect(formatMoney({ amount: '1234.5', currency: 'USD' }, 'en-US')).toBe('$1,234.50');
    expect(formatMoney({ amount: '1500', currency: 'JPY' }, 'en-US')).toBe('¥1,500');
    expect(formatMoney({ amount: '1.250', currency: 'KWD' }, 'de-DE')).toBe('1,250\u00a0KWD');
  });
});
