import type { Estimate } from '../../api/types';
import { formatDate, formatNumber, formatPercent, formatUsdPrecise } from '../../lib/format';

type Assumptions = Estimate['assumptions'];
type Sourced = Assumptions['cost_per_watt'];
type Basis = Sourced['basis'];

export interface AssumptionRow {
  /** The assumption's field name in the estimate. */
  key: string;
  label: string;
  value: string;
  /** Where the figure comes from, when the estimate says. */
  source?: string;
  /** How local the figure is, in words ("your state's figure", "national fallback"). */
  basis?: string;
}

/** What each basis means to a homeowner; a fallback is never shown as the state's own. */
const BASIS_WORDS: Record<Basis, string> = {
  state: "your state's figure",
  fallback: 'national fallback: no figure for your state',
  override: 'set by Aurum',
  request: 'your figure',
  national: 'one national figure',
};

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

function sourced(label: string, value: string, figure: Sourced): Omit<AssumptionRow, 'key'> {
  return { label, value, source: figure.source, basis: BASIS_WORDS[figure.basis] };
}

function isSourced(value: unknown): value is Sourced {
  return (
    typeof value === 'object' &&
    value !== null &&
    'value' in value &&
    'basis' in value &&
    'source' in value &&
    'unit' in value
  );
}

/** Each known assumption: its label and how to show it. Unknown ones are listed after. */
const KNOWN: Partial<
  Record<keyof Assumptions, (a: Assumptions, e: Estimate) => Omit<AssumptionRow, 'key'> | null>
> = {
  electricity_rate: (a) =>
    sourced(
      'Electricity price',
      `${formatUsdPrecise(a.electricity_rate.value)} per kWh`,
      a.electricity_rate,
    ),
  fixed_charge: (a) =>
    sourced(
      'Fixed monthly charge (solar cannot lower it)',
      `${formatUsdPrecise(a.fixed_charge.value)} a month`,
      a.fixed_charge,
    ),
  consumption_source: (a, e) => ({
    label: 'Your yearly electricity use',
    value: `${formatNumber(e.annual_consumption_kwh)} kWh, worked out from ${
      a.consumption_source === 'annual_kwh'
        ? 'the yearly use you gave'
        : 'your monthly bill less the fixed charge, at the electricity price'
    }`,
  }),
  compensation: (a) => {
    const rule = a.compensation;
    const credit = rule.export_credit;
    // The rule may be the state's while its credit is not (no figure in the sources).
    const creditNote =
      credit && credit.basis !== rule.basis
        ? ` The export credit is ${BASIS_WORDS[credit.basis]} (${credit.source}).`
        : '';
    return {
      label: 'How your utility credits solar',
      value: rule.description + creditNote,
      source: rule.source,
      basis: BASIS_WORDS[rule.basis],
    };
  },
  self_consumption_share: (a) =>
    sourced(
      'Output used in your home as it is made',
      formatPercent(a.self_consumption_share.value * 100),
      a.self_consumption_share,
    ),
  utility_escalation: (a) =>
    sourced(
      'Electricity price rise',
      `${formatPercent(a.utility_escalation.value, 2)} a year`,
      a.utility_escalation,
    ),
  cost_per_watt: (a) =>
    sourced(
      'Installed cost per watt',
      `${formatUsdPrecise(a.cost_per_watt.value)} per watt`,
      a.cost_per_watt,
    ),
  offset_target_pct: (a) => ({
    label: 'Share of your use the system is sized to cover',
    value: formatPercent(a.offset_target_pct),
  }),
  minimum_system_kw: (a) =>
    sourced(
      'Smallest system installers usually fit',
      `${formatNumber(a.minimum_system_kw.value, 1)} kW`,
      a.minimum_system_kw,
    ),
  solar_resource: (a) => {
    const resource = a.solar_resource;
    const level = `${formatNumber(resource.ghi_kwh_m2_day, 2)} kWh of sunshine per m² a day`;
    return {
      label: 'Sunshine',
      value: resource.corrected
        ? `${level}, from NREL's satellite record (the 1991-2005 weather stations alone: ${formatNumber(resource.tmy3_ghi_kwh_m2_day, 2)})`
        : level,
      source: resource.source,
      basis: resource.corrected ? 'for your ZIP code area' : 'nearby weather stations',
    };
  },
  weather_source: (a, e) => ({
    label: 'Weather',
    value: `${a.weather_source}. Stations: ${e.location.stations
      .map(
        (station) =>
          `${station.name} (${formatNumber(station.distance_km, 1)} km away, ${formatPercent(station.weight * 100)})`,
      )
      .join('; ')}`,
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
  degradation_pct_per_year: (a) => ({
    label: 'Panel output decline',
    value: `${formatPercent(a.degradation_pct_per_year, 2)} a year`,
  }),
  analysis_years: (a) => ({
    label: 'Period the savings cover',
    value: `${formatNumber(a.analysis_years)} years`,
  }),
  co2_kg_per_kwh: (a) => ({
    label: 'CO₂ avoided per kWh',
    value: `${formatNumber(a.co2_kg_per_kwh, 3)} kg`,
    source: a.co2_source,
  }),
};

/** Shown as part of another row. */
const FOLDED_INTO_OTHERS = new Set<string>([
  'azimuth_deg',
  'shade_loss_pct',
  'base_losses_pct',
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
  for (const [key, describe] of Object.entries(KNOWN)) {
    const row = describe(assumptions, estimate);
    if (row) rows.push({ key, ...row });
  }
  for (const [key, value] of Object.entries(assumptions)) {
    if (key in KNOWN || FOLDED_INTO_OTHERS.has(key)) continue;
    rows.push(
      isSourced(value)
        ? { key, ...sourced(humanize(key), `${formatNumber(value.value, 3)} ${value.unit}`, value) }
        : { key, label: humanize(key), value: plainValue(value) },
    );
  }
  return rows;
}

/** The assumptions a homeowner weighs first; the rest sit behind a second disclosure. */
export const PLAIN_ASSUMPTIONS: ReadonlySet<string> = new Set([
  'electricity_rate',
  'fixed_charge',
  'consumption_source',
  'compensation',
  'self_consumption_share',
  'cost_per_watt',
  'shade',
  'solar_resource',
]);
