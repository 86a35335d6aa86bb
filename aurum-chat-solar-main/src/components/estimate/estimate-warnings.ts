import type { Estimate } from '../../api/types';
import { formatNumber, formatPercent, formatUsdPrecise, MONTHS } from '../../lib/format';

export type WarningKind = 'small-bill' | 'shade' | 'winter' | 'export';

export interface EstimateWarning {
  kind: WarningKind;
  /** A short plain-language title ("Heavy shade"). */
  title: string;
  text: string;
}

/** Shade costing at least this share of output is worth a warning whatever its label. */
const HEAVY_SHADE_LOSS_PCT = 15;
/** The darkest month below this share of the brightest: winters are dark here. */
const DARK_WINTER_RATIO = 0.35;
/** ... below this share: next to nothing in winter. */
const VERY_DARK_WINTER_RATIO = 0.1;
/** An export credit this far below the retail price changes what solar is worth. */
const EXPORT_BELOW_RETAIL_RATIO = 0.9;

function smallBill(estimate: Estimate): EstimateWarning | null {
  if (estimate.offset_pct === null) {
    return {
      kind: 'small-bill',
      title: 'A bill too small for solar',
      text: 'Your bill is all fixed charges that solar cannot lower, so there is no electricity use for panels to offset.',
    };
  }
  const verdict = estimate.notes.find(
    (note) => note.includes('smallest practical') || note.includes('pay for itself'),
  );
  if (estimate.sizing === 'minimum_practical_size') {
    return {
      kind: 'small-bill',
      title: 'A bill too small for solar',
      text:
        verdict ??
        `Your use needs less than the smallest system installers usually fit (${formatNumber(estimate.assumptions.minimum_system_kw.value, 1)} kW), so much of its output goes to the grid and it takes longer to pay for itself.`,
    };
  }
  if (estimate.payback_years === null) {
    return {
      kind: 'small-bill',
      title: 'It does not pay for itself',
      text:
        verdict ??
        `At these prices the system does not pay for itself within ${String(estimate.assumptions.analysis_years)} years.`,
    };
  }
  return null;
}

function shade(estimate: Estimate): EstimateWarning | null {
  const { assumptions } = estimate;
  if (assumptions.shade !== 'heavy' && assumptions.shade_loss_pct < HEAVY_SHADE_LOSS_PCT) {
    return null;
  }
  return {
    kind: 'shade',
    title: 'Heavy shade',
    text: `Shade on the roof cuts this system's output by about ${formatPercent(assumptions.shade_loss_pct)}. An installer should check on site whether a sunnier part of the roof, or trimming trees, makes solar worth it.`,
  };
}

function winter(estimate: Estimate): EstimateWarning | null {
  const monthly = estimate.monthly_production_kwh;
  const highest = Math.max(...monthly);
  const lowest = Math.min(...monthly);
  if (!(highest > 0) || lowest / highest >= DARK_WINTER_RATIO) return null;
  const lowMonth = MONTHS[monthly.indexOf(lowest)] ?? '';
  const highMonth = MONTHS[monthly.indexOf(highest)] ?? '';
  const carriesOver = estimate.assumptions.compensation.rule === 'retail_net_metering';
  const bills = carriesOver
    ? 'Your utility credits summer surplus against later bills within the year, which softens winter bills.'
    : 'Expect your winter bills to fall much less than your summer ones.';
  const veryDark = lowest / highest < VERY_DARK_WINTER_RATIO;
  return {
    kind: 'winter',
    title: veryDark ? 'Very little power in winter' : 'Dark winters',
    text: `In ${lowMonth} the panels make about ${formatNumber(lowest)} kWh, against ${formatNumber(highest)} kWh in ${highMonth}${veryDark ? ': short days, low sun and snow leave next to nothing' : ''}. ${bills}`,
  };
}

function exportCredit(estimate: Estimate): EstimateWarning | null {
  const {
    compensation,
    electricity_rate: rate,
    self_consumption_share: share,
  } = estimate.assumptions;
  const credit = compensation.export_credit;
  if (!credit || credit.value >= rate.value * EXPORT_BELOW_RETAIL_RATIO) return null;
  return {
    kind: 'export',
    title: 'Power sent to the grid earns less than you pay',
    text: `Your utility credits power you send to the grid at about ${formatUsdPrecise(credit.value)} per kWh, while you pay ${formatUsdPrecise(rate.value)} for power you buy. The savings assume about ${formatPercent(share.value * 100)} of the output is used in your home as it is made; using more of it then (or a battery) saves more.`,
  };
}

/**
 * Plain-language warnings that change what the estimate means for this home, most
 * decisive first. Derived from the estimate's own fields: sizing, payback and notes
 * (a bill too small for solar), the shade assumption, the monthly production (dark
 * winters) and the export rule (credit below the retail price).
 */
export function estimateWarnings(estimate: Estimate): EstimateWarning[] {
  return [smallBill(estimate), shade(estimate), winter(estimate), exportCredit(estimate)].filter(
    (warning): warning is EstimateWarning => warning !== null,
  );
}
