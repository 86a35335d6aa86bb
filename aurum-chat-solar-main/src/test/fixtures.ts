/**
 * API payloads for tests, copied from what the backend really answers (a homeowner in
 * Phoenix, 85004, paying $210 a month, no shade), so components are tested on real shapes.
 */
import type { ChatMessage, ConversationState, Estimate } from '../api/types';

export const PHOENIX_ESTIMATE: Estimate = {
  system_size_kw: 9.03,
  panel_count: 21,
  sizing: 'your_use',
  annual_production_kwh: 15922.0,
  monthly_production_kwh: [
    1041.7, 1061.2, 1325.2, 1533.4, 1619.9, 1566.7, 1489.5, 1481.3, 1415.0, 1263.1, 1108.4, 1016.7,
  ],
  specific_yield_kwh_per_kw: 1763.2,
  annual_consumption_kwh: 15197.7,
  offset_pct: 104.8,
  electricity_rate_usd_per_kwh: 0.1402,
  gross_cost_cents: 1580300,
  incentives_cents: 0,
  incentives: [],
  net_cost_cents: 1580300,
  year1_savings_cents: 128800,
  lifetime_savings_cents: 3423200,
  lifetime_net_savings_cents: 1842900,
  payback_years: 12.0,
  monthly: [
    {
      month: 1,
      production_kwh: 1041.7,
      consumption_kwh: 1266.5,
      exported_kwh: 729.2,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 12600,
      savings_cents: 8400,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 126,
    },
    {
      month: 2,
      production_kwh: 1061.2,
      consumption_kwh: 1266.5,
      exported_kwh: 742.8,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 12400,
      savings_cents: 8600,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 124,
    },
    {
      month: 3,
      production_kwh: 1325.2,
      consumption_kwh: 1266.5,
      exported_kwh: 927.6,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 10300,
      savings_cents: 10700,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 103,
    },
    {
      month: 4,
      production_kwh: 1533.4,
      consumption_kwh: 1266.5,
      exported_kwh: 1073.3,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 8600,
      savings_cents: 12400,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 86,
    },
    {
      month: 5,
      production_kwh: 1619.9,
      consumption_kwh: 1266.5,
      exported_kwh: 1134.0,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 7900,
      savings_cents: 13100,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 79,
    },
    {
      month: 6,
      production_kwh: 1566.7,
      consumption_kwh: 1266.5,
      exported_kwh: 1096.7,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 8300,
      savings_cents: 12700,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 83,
    },
    {
      month: 7,
      production_kwh: 1489.5,
      consumption_kwh: 1266.5,
      exported_kwh: 1042.6,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 8900,
      savings_cents: 12100,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 89,
    },
    {
      month: 8,
      production_kwh: 1481.3,
      consumption_kwh: 1266.5,
      exported_kwh: 1036.9,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 9000,
      savings_cents: 12000,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 90,
    },
    {
      month: 9,
      production_kwh: 1415.0,
      consumption_kwh: 1266.5,
      exported_kwh: 990.5,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 9600,
      savings_cents: 11400,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 96,
    },
    {
      month: 10,
      production_kwh: 1263.1,
      consumption_kwh: 1266.5,
      exported_kwh: 884.2,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 10800,
      savings_cents: 10200,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 108,
    },
    {
      month: 11,
      production_kwh: 1108.4,
      consumption_kwh: 1266.5,
      exported_kwh: 775.8,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 12000,
      savings_cents: 9000,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 120,
    },
    {
      month: 12,
      production_kwh: 1016.7,
      consumption_kwh: 1266.5,
      exported_kwh: 711.7,
      bill_without_solar_cents: 21000,
      bill_with_solar_cents: 12800,
      savings_cents: 8200,
      bill_without_solar_usd: 210,
      bill_with_solar_usd: 128,
    },
  ],
  loan: null,
  co2_offset_tons_per_year: 11.13,
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
      {
        usaf: '722789',
        name: 'Scottsdale Muni',
        state: 'AZ',
        distance_km: 22.8,
        weight: 0.1001,
      },
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
    solar_resource: {
      corrected: true,
      ghi_kwh_m2_day: 5.793,
      tmy3_ghi_kwh_m2_day: 5.716,
      nsrdb_ghi_kwh_m2_day: 5.784,
      zcta: '85004',
      zcta_distance_km: 0.0,
      station_scale_factors: [1.01, 1.025, 1.035],
      source:
        "NREL NSRDB PSM v3 annual GHI, 1998-2016 mean (Sengupta et al. 2018), at ZCTA 85004 (0.0 km away): each station's monthly GHI scaled to it, by a factor kept within 0.85-1.25",
    },
    weather_source:
      "NREL TMY3 monthly means (1991-2005) of the three nearest stations (weights in location.stations), their yearly level set to NSRDB's (solar_resource), each made into an hourly year: Ineichen clear sky, Bendt daily clearness, Erbs split",
    offset_target_pct: 100.0,
    minimum_system_kw: {
      value: 3.0,
      unit: 'kW',
      basis: 'national',
      source:
        "installer guidance (aresolar.com: 'the smallest system I would recommend is about a 3000-watt system'); low authority",
    },
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
    production_adjustment_pct: 0.0,
    electricity_rate: {
      value: 0.1402,
      unit: 'USD/kWh',
      basis: 'state',
      source:
        'EIA 2023 average residential revenue per kWh for the state (Electric Power Annual); it spreads fixed charges over every kWh, so it slightly overstates the price of a kWh',
    },
    consumption_source: '(monthly_bill - fixed charge) / rate',
    fixed_charge: {
      value: 32.44,
      unit: 'USD/month',
      basis: 'state',
      source:
        "SRP only: E-27 customer generation plan monthly service charge ~$32.44-$45.44; E-13 ~$32.44 (APS not found); moderndayaz.com 'Arizona's Local Power Companies: How Their Solar Panel Plans Compare'; 2025 (blog); low confidence",
    },
    compensation: {
      rule: 'net_billing',
      description:
        'Net billing: output used in the home as it is made saves the retail rate; each kWh sent to the grid earns $0.0555, carried forward as credit within the year.',
      basis: 'state',
      source:
        "APS Resource Comparison Proxy: $0.129/kWh at its 2017 launch, cut by at most 10 %/yr, so at least 0.129 x 0.9^8 = $0.0555 in 2025 (the approved 2025 value was not found); SRP pays $0.0281 (votesolar.org/?p=10656 (ACC approved APS 2025 RCP reduction); pvsolarreport.com (2017: $0.129/kWh, -10%/yr, 10-yr lock); azsolarcenter.org ARISEIA letter (RCP 'may not be reduced by more than 10% each year'); moderndayaz.com SRP plan comparison (APS 2025 RCP approved (Vote Solar statement); SRP figures 2025; medium))",
      export_credit: {
        value: 0.0555,
        unit: 'USD/kWh',
        basis: 'state',
        source:
          "APS Resource Comparison Proxy: $0.129/kWh at its 2017 launch, cut by at most 10 %/yr, so at least 0.129 x 0.9^8 = $0.0555 in 2025 (the approved 2025 value was not found); SRP pays $0.0281 (votesolar.org/?p=10656 (ACC approved APS 2025 RCP reduction); pvsolarreport.com (2017: $0.129/kWh, -10%/yr, 10-yr lock); azsolarcenter.org ARISEIA letter (RCP 'may not be reduced by more than 10% each year'); moderndayaz.com SRP plan comparison (APS 2025 RCP approved (Vote Solar statement); SRP figures 2025; medium))",
      },
      export_credit_by_month_usd_per_kwh: [
        0.0555, 0.0555, 0.0555, 0.0555, 0.0555, 0.0555, 0.0555, 0.0555, 0.0555, 0.0555, 0.0555,
        0.0555,
      ],
      export_credit_follows_retail: false,
      production_charge_usd_per_kwh: 0.0,
    },
    self_consumption_share: {
      value: 0.3,
      unit: 'share',
      basis: 'national',
      source:
        "Share of output used in the home as it is made, no battery: the table's default 0.30 (range 0.25-0.40; usapowr.com, solarcalculatorhq.com, palebluedot.llc, low authority; one figure for every state)",
    },
    utility_escalation: {
      value: 1.82,
      unit: '%/yr',
      basis: 'state',
      source:
        'EIA residential price 11.71 cents/kWh (2013) to 14.02 (2023): derived CAGR = (p2023/p2013)^(1/10)-1, nominal cents',
    },
    cost_per_watt: {
      value: 1.75,
      unit: 'USD/W',
      basis: 'state',
      source:
        "AZ $2.09/W (NerdWallet 'What Do Solar Panels Cost in 2024 and Are They Worth It?' state table 'according to EnergySage data'; 2024 (EnergySage data as accessed 2024-08-21); medium confidence) is 0.706 x its source's U.S. $2.96/W (NerdWallet's U.S. figure for the same EnergySage series, $2.96/W (the 2024 table's own state median is $2.97)); times the national $2.48/W (EnergySage median installed cost, H1 2025)",
    },
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
    degradation_pct_per_year: 0.5,
    analysis_years: 25,
    co2_kg_per_kwh: 0.699,
    co2_source: 'EPA GHG Equivalencies Calculator (AVERT national marginal CO2 rate)',
  },
  notes: [],
  engine_version:
    'solar-engine/2 (pvwatts-v8 chain, pvlib, TMY3 monthly synthetic year at the NSRDB level; state economics, monthly bills)',
  gross_cost_usd: 15803,
  incentives_usd: 0,
  net_cost_usd: 15803,
  year1_savings_usd: 1288,
  lifetime_savings_usd: 34232,
  lifetime_net_savings_usd: 18429,
};

export const CONSENT_DISCLOSURE =
  'By choosing "I agree", you ask Aurum Solar and up to 3 solar installers it matches you with to contact you about solar for your home at the phone number and email you gave, including by calls and texts sent with automated technology and prerecorded messages. Consent is not a condition of any purchase. Message and data rates may apply. You can opt out at any time by replying STOP to a text or asking any caller to stop.';

export const CONSENT_VERSION = '0dda109eeab8feff7f0e02aa5b3e32cbdef06203426d3ddd6cc53dc7c6e377aa';

export const CONVERSATION_ID = '37266a37-5033-4e49-a8d3-1192dec33245';
export const CONVERSATION_TOKEN = 'mSHzLnyWTesCcIDMGqEtu2OeTPakFZPNATtKBIc7l9Q';

export const GREETING =
  "Hi! I'm Aurum's solar advisor. In a few questions I'll estimate what solar would cost and save for your home. Every number I show comes from our solar model (NREL's PVWatts method with local weather), never from guesswork.";

export const ESTIMATE_SUMMARY =
  "Here's your estimate for Phoenix, AZ: a 9.03 kW system (21 panels) would produce about 15,922 kWh a year, around 105% of the electricity you use. It would cost about $15,803, save about $1,288 in the first year and $34,232 over 25 years, paying for itself in about 12 years.";

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
