import { describe, expect, it } from 'vitest';

import type { Estimate } from '../../api/types';
import { PHOENIX_ESTIMATE } from '../../test/fixtures';
import { estimateWarnings } from './estimate-warnings';

const { assumptions } = PHOENIX_ESTIMATE;

/** Phoenix with retail net metering: an estimate that needs no warning at all. */
const PLAIN: Estimate = {
  ...PHOENIX_ESTIMATE,
  assumptions: {
    ...assumptions,
    compensation: {
      ...assumptions.compensation,
      rule: 'retail_net_metering',
      export_credit: null,
      export_credit_by_month_usd_per_kwh: null,
    },
  },
};

// Seattle-like months: December is about a ninth of July.
const SEATTLE_MONTHS = [180, 300, 560, 780, 960, 1010, 1100, 980, 700, 420, 200, 125];

function kinds(estimate: Estimate) {
  return estimateWarnings(estimate).map((warning) => warning.kind);
}

describe('estimateWarnings', () => {
  it('says nothing when nothing needs saying', () => {
    expect(estimateWarnings(PLAIN)).toEqual([]);
  });

  it('warns about heavy shade with the loss it costs', () => {
    const [warning] = estimateWarnings({
      ...PLAIN,
      assumptions: { ...PLAIN.assumptions, shade: 'heavy', shade_loss_pct: 25 },
    });
    expect(warning?.kind).toBe('shade');
    expect(warning?.text).toMatch(/cuts this system's output by about 25%/);
    // Light shade is no reason for a warning.
    expect(
      kinds({ ...PLAIN, assumptions: { ...PLAIN.assumptions, shade: 'light', shade_loss_pct: 5 } }),
    ).toEqual([]);
  });

  it('warns about dark winters from the monthly production, and credits carried over', () => {
    const [warning] = estimateWarnings({ ...PLAIN, monthly_production_kwh: SEATTLE_MONTHS });
    expect(warning).toMatchObject({ kind: 'winter', title: 'Dark winters' });
    expect(warning?.text).toMatch(
      /^In December the panels make about 125 kWh, against 1,100 kWh in July\./,
    );
    expect(warning?.text).toMatch(/credits summer surplus against later bills/);
  });

  it('warns about very low winter production, with no carry-over under net billing', () => {
    const months = [...SEATTLE_MONTHS.slice(0, 11), 1];
    const [winter] = estimateWarnings({ ...PHOENIX_ESTIMATE, monthly_production_kwh: months });
    expect(winter).toMatchObject({ kind: 'winter', title: 'Very little power in winter' });
    expect(winter?.text).toMatch(/about 1 kWh/);
    expect(winter?.text).toMatch(/winter bills to fall much less/);
  });

  it('warns when exports earn less than retail, naming both prices and the self-use share', () => {
    const warnings = estimateWarnings(PHOENIX_ESTIMATE);
    expect(warnings.map((warning) => warning.kind)).toEqual(['export']);
    expect(warnings[0]?.text).toMatch(/\$0\.056 per kWh, while you pay \$0\.14.*about 30%/);
  });

  it.each([
    [
      'a bill that is all fixed charges',
      { offset_pct: null },
      /all fixed charges that solar cannot lower/,
    ],
    [
      'a bill that needs less than the smallest system',
      { sizing: 'minimum_practical_size' as const, notes: [] },
      /less than the smallest system installers usually fit \(3 kW\)/,
    ],
    [
      'no payback within the period',
      { payback_years: null, notes: [] },
      /does not pay for itself within 25 years/,
    ],
  ])('warns about %s first', (_name, change, text) => {
    const warnings = estimateWarnings({ ...PHOENIX_ESTIMATE, ...change });
    expect(warnings[0]?.kind).toBe('small-bill');
    expect(warnings[0]?.text).toMatch(text);
  });
});
