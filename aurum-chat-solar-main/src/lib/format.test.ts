import { describe, expect, it } from 'vitest';

import { formatNumber, formatUsd } from './format';

/**
 * How the card rounds: half away from zero on the shortest decimal of the number. The
 * advisor's replies (backend `policy._figure`) must print the same strings; this table is
 * the same as `ROUNDING_CASES` in backend/tests/solar/test_display.py.
 */
const ROUNDING_CASES: [number, number, string][] = [
  [18692.5, 0, '18,693'],
  [104.5, 0, '105'],
  [0.5, 0, '1'],
  [2.675, 2, '2.68'],
  [1.005, 2, '1.01'],
  [9.25, 1, '9.3'],
  [10.75, 2, '10.75'],
  [3.0, 2, '3'],
  [66236.5, 0, '66,237'],
  [12345678.0, 0, '12,345,678'],
];

describe('formatNumber', () => {
  it.each(ROUNDING_CASES)('prints %d to %d decimals as %s', (value, decimals, shown) => {
    expect(formatNumber(value, decimals)).toBe(shown);
  });
});

describe('formatUsd', () => {
  it('prints whole dollars, as the estimate gives them', () => {
    expect(formatUsd(66237)).toBe('$66,237');
    expect(formatUsd(-1250)).toBe('-$1,250');
  });
});
