/**
 * API payloads for tests, copied from what the backend really answers (a homeowner in
 * Phoenix, 85004, paying $210 a month, no shade), so components are tested on real shapes.
 */
import type { ChatMessage, ConversationState, Estimate } from '../api/types';

export const PHOENIX_ESTIMATE: Estimate = {
  system_size_kw: 10.75,
  panel_count: 25,
  annual_production_kwh: 18692.1,
  monthly_production_kwh: [
    1220.0, 1244.1, 1555.1, 1801.2, 1904.4, 1842.7, 1750.6, 1740.7, 1661.9, 1481.6, 1298.9, 1190.7,
  ],
  specific_yield_kwh_per_kw: 1738.8,
  annual_consumption_kwh: 17974.3,
  offset_pct: 104.0,
  electricity_rate_usd_per_kwh: 0.1402,
  gross_cost_usd: 26660.0,
  incentives_usd: 0.0,
  incentives: [],
  net_cost_usd: 26660.0,
  year1_savings_usd: 2520.0,
  lifetime_savings_usd: 88867.76,
  lifetime_net_savings_usd: 62207.76,
  payback_years: 9.3,
  loan: null,
  co2_offset_tons_per_year: 13.07,
  location: {
    zip_code: '85004',
    city: 'Phoenix',
    state: 'AZ',
    lat: 33.4557,
    lon: -112.0686,
    station: {
      usaf: '722780',
      name: 'Phoenix Sky Harbor Intl Ap',
      state: 'AZ',
      distance_km: 8.0,
      weight: 0.8188,
    },
    stations: [
      {
        usaf: '722780',
        name: 'Phoenix Sky Harbor Intl Ap',
        state: 'AZ',
        distance_km: 8.0,
        weight: 0.8188,
      },
      { usaf: '722789', name: 'Scottsdale Muni', state: 'AZ', distance_km: 22.8, weight: 0.1001 },
      {
        usaf: '722784',
        name: 'Deer Valley/Phoenix',
        state: 'AZ',
        distance_km: 25.3,
        weight: 0.0811,
      },
    ],
  },
  assumptions: {
    electricity_rate_usd_per_kwh: 0.1402,
    rate_source: 'EIA 2023 average residential rate for the state',
    consumption_source: 'monthly_bill / rate',
    offset_target_pct: 100.0,
    panel_watts: 430.0,
    tilt_deg: 20.0,
    azimuth_deg: 180.0,
    shade: 'none',
    shade_loss_pct: 0.0,
    base_losses_pct: 14.08,
    total_losses_pct: 14.08,
    module: 'premium (temperature coefficient -0.35 %/C)',
    mount: 'fixed roof mount',
    dc_ac_ratio: 1.2,
    inverter_efficiency_pct: 96.0,
    temperature_coefficient_pct_per_c: -0.35,
    production_model:
      'PVWatts v8 chain with pvlib: Perez transposition, De Soto cover and spectral losses, Fuentes cell temperature, pvwatts_dc, pvwatts_losses, inverter.pvwatts',
    weather_source:
      'NREL TMY3 monthly means (1991-2005) of the three nearest stations (weights in location.stations), each made into an hourly year: Ineichen clear sky, Bendt daily clearness, Erbs split',
    production_adjustment_pct: 0.0,
    cost_per_watt_usd: 2.48,
    cost_source: 'EnergySage median installed cost, H1 2025',
    install_date_assumed: '2027-01-24',
    incentives_table: [
      {
        name: 'Federal residential clean energy credit (IRC 25D)',
        percent: 30.0,
        usd_per_watt: 0.0,
        usd: 0.0,
        max_usd: null,
        states: [],
        installed_from: null,
        installed_until: '2025-12-31',
        applied: false,
        note: 'Ended for systems installed after 2025-12-31 (Public Law 119-21, sec. 70506).',
      },
    ],
    utility_escalation_pct_per_year: 3.0,
    degradation_pct_per_year: 0.5,
    analysis_years: 25,
    surplus_valuation: "Output up to the home's use saves the retail rate; surplus is valued at $0",
    co2_kg_per_kwh: 0.699,
    co2_source: 'EPA GHG Equivalencies Calculator (AVERT national marginal CO2 rate)',
  },
  notes: [],
  engine_version: 'solar-engine/1 (pvwatts-v8 chain, pvlib, TMY3 monthly synthetic year)',
};

export const CONSENT_DISCLOSURE =
  'By choosing "I agree", you ask Aurum Solar and up to 3 solar installers it matches you with to contact you about solar for your home at the phone number and email you gave, including by calls and texts sent with automated technology and prerecorded messages. Consent is not a condition of any purchase. Message and data rates may apply. You can opt out at any time by replying STOP to a text or asking any caller to stop.';

export const CONSENT_VERSION = '0dda109eeab8feff7f0e02aa5b3e32cbdef06203426d3ddd6cc53dc7c6e377aa';

export const CONVERSATION_ID = '37266a37-5033-4e49-a8d3-1192dec33245';
export const CONVERSATION_TOKEN = 'mSHzLnyWTesCcIDMGqEtu2OeTPakFZPNATtKBIc7l9Q';

export const GREETING =
  "Hi! I'm Aurum's solar advisor. In a few questions I'll estimate what solar would cost and save for your home. Every number I show comes from our solar model (NREL's PVWatts method with local weather), never from guesswork.";

export const ESTIMATE_SUMMARY =
  "Here's your estimate for Phoenix, AZ: a 10.75 kW system (25 panels) would produce about 18,692 kWh a year, around 104% of the electricity you use. It would cost about $26,660, save about $2,520 in the first year and $88,868 over 25 years, paying for itself in about 9.3 years.";

let nextSeq = 100;

export function assistantMessage(
  content: string,
  kind = 'question',
  meta: Record<string, unknown> = {},
  seq = nextSeq++,
): ChatMessage {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    role: 'assistant',
    content,
    kind,
    meta,
    created_at: '2026-11-25T20:34:28.457887Z',
  };
}

export function userMessage(content: string, seq = nextSeq++): ChatMessage {
  return { ...assistantMessage(content, 'text', {}, seq), role: 'user' };
}

export function chatState(overrides: Partial<ConversationState> = {}): ConversationState {
  return {
    status: 'active',
    awaiting: 'zip_code',
    slots: {},
    quick_replies: [],
    estimate: null,
    completed: false,
    lead_id: null,
    ...overrides,
  };
}

export const OPENING = {
  id: CONVERSATION_ID,
  token: CONVERSATION_TOKEN,
  messages: [
    assistantMessage(GREETING, 'text', {}, 0),
    assistantMessage(
      "What's the ZIP code of the home you're thinking about solar for?",
      'question',
      {},
      1,
    ),
  ],
  state: chatState(),
};
