import type { Estimate } from '../../api/types';
import { formatDate, formatNumber, formatPercent, formatUsdPrecise } from '../../lib/format';

export interface AssumptionRow {
  label: string;
  value: string;
}

type Assumptions = Estimate['assumptions'];

function compassPoint(degrees: number): string {
  const points = [
    'north',
    'northeast',
    'east',
    'southeast',
    'south',
    'southwest',
    'west',
    'northwest',
  ];
  return points[Math.round((((degrees % 360) + 360) % 360) / 45) % 8] ?? '';
}

/** `tilt_deg` -> "Tilt deg": a label for a figure the backend adds before this page knows it. */
function humanize(key: string): string {
  const words = key.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function withSource(value: string, source: string): string {
  return source ? `${value} (${source})` : value;
}

/** Each known assumption: its label and how to show it. Unknown ones are listed after. */
const KNOWN: Partial<
  Record<keyof Assumptions, (a: Assumptions, e: Estimate) => AssumptionRow | null>
> = {
  electricity_rate_usd_per_kwh: (a) => ({
    label: 'Electricity price',
    value: withSource(`${formatUsdPrecise(a.electricity_rate_usd_per_kwh)} per kWh`, a.rate_source),
  }),
  consumption_source: (a, e) => ({
    label: 'Your yearly electricity use',
    value: `${formatNumber(e.annual_consumption_kwh)} kWh, worked out from ${
      a.consumption_source === 'monthly_bill / rate'
        ? 'your monthly bill and the electricity price'
        : a.consumption_source
    }`,
  }),
  offset_target_pct: (a) => ({
    label: 'Share of your use the system is sized to cover',
    value: formatPercent(a.offset_target_pct),
  }),
  panel_watts: (a) => ({
    label: 'Panel size',
    value: `${formatNumber(a.panel_watts)} W per panel`,
  }),
  module: (a) => ({ label: 'Panel type', value: a.module }),
  tilt_deg: (a) => ({
    label: 'Roof angle and direction',
    value: `${formatNumber(a.tilt_deg, 1)}° tilt, facing ${compassPoint(a.azimuth_deg)} (${formatNumber(a.azimuth_deg)}°)`,
  }),
  mount: (a) => ({ label: 'Mounting', value: a.mount }),
  shade: (a) => ({
    label: 'Shade',
    value: `${a.shade}, costing ${formatPercent(a.shade_loss_pct, 1)} of output`,
  }),
  total_losses_pct: (a) => ({
    label: 'System losses',
    value: `${formatPercent(a.total_losses_pct, 2)} in total (wiring, soiling, mismatch and the like: ${formatPercent(a.base_losses_pct, 2)}; shade: ${formatPercent(a.shade_loss_pct, 1)})`,
  }),
  dc_ac_ratio: (a) => ({
    label: 'Panel to inverter ratio (DC/AC)',
    value: formatNumber(a.dc_ac_ratio, 2),
  }),
  inverter_efficiency_pct: (a) => ({
    label: 'Inverter efficiency',
    value: formatPercent(a.inverter_efficiency_pct, 1),
  }),
  temperature_coefficient_pct_per_c: (a) => ({
    label: 'Output lost per degree of panel heat',
    value: `${formatNumber(a.temperature_coefficient_pct_per_c, 2)}% per °C`,
  }),
  production_adjustment_pct: (a) =>
    a.production_adjustment_pct === 0
      ? null
      : { label: 'Production adjustment', value: formatPercent(a.production_adjustment_pct, 1) },
  production_model: (a) => ({ label: 'Production model', value: a.production_model }),
  weather_source: (a, e) => ({
    label: 'Weather',
    value: `${a.weather_source}. Stations: ${e.location.stations
      .map(
        (station) =>
          `${station.name} (${formatNumber(station.distance_km, 1)} km away, ${formatPercent(station.weight * 100)})`,
      )
      .join('; ')}`,
  }),
  cost_per_watt_usd: (a) => ({
    label: 'Installed cost per watt',
    value: withSource(`${formatUsdPrecise(a.cost_per_watt_usd)} per watt`, a.cost_source),
  }),
  install_date_assumed: (a) => ({
    label: 'Installation date assumed',
    value: formatDate(a.install_date_assumed),
  }),
  incentives_table: (a) => ({
    label: 'Incentives checked',
    value:
      a.incentives_table.length === 0
        ? 'None apply to this home.'
        : a.incentives_table
            .map(
              (rule) =>
                `${rule.name}: ${rule.applied ? 'applied' : 'not applied'}${rule.note ? `. ${rule.note}` : ''}`,
            )
            .join(' '),
  }),
  utility_escalation_pct_per_year: (a) => ({
    label: 'Electricity price rise',
    value: `${formatPercent(a.utility_escalation_pct_per_year, 1)} a year`,
  }),
  degradation_pct_per_year: (a) => ({
    label: 'Panel output decline',
    value: `${formatPercent(a.degradation_pct_per_year, 2)} a year`,
  }),
  analysis_years: (a) => ({
    label: 'Period the savings cover',
    value: `${formatNumber(a.analysis_years)} years`,
  }),
  surplus_valuation: (a) => ({ label: 'Power beyond your own use', value: a.surplus_valuation }),
  co2_kg_per_kwh: (a) => ({
    label: 'CO₂ avoided per kWh',
    value: withSource(`${formatNumber(a.co2_kg_per_kwh, 3)} kg`, a.co2_source),
  }),
};

/** Shown as part of another row. */
const FOLDED_INTO_OTHERS = new Set<string>([
  'rate_source',
  'azimuth_deg',
  'shade_loss_pct',
  'base_losses_pct',
  'cost_source',
  'co2_source',
]);

function plainValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value, 3);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return JSON.stringify(value);
}

/** Every figure the estimate used, in plain words, in a sensible reading order. */
export function assumptionRows(estimate: Estimate): AssumptionRow[] {
  const { assumptions } = estimate;
  const rows: AssumptionRow[] = [];
  for (const describe of Object.values(KNOWN)) {
    const row = describe(assumptions, estimate);
    if (row) rows.push(row);
  }
  for (const [key, value] of Object.entries(assumptions)) {
    if (key in KNOWN || FOLDED_INTO_OTHERS.has(key)) continue;
    rows.push({ label: humanize(key), value: plainValue(value) });
  }
  return rows;
}
