/** The 50 states and DC, as the API accepts them (`app/solar/tables.py`), with their FIPS codes (for the map). */
export const US_STATES = [
  ["AL", "Alabama", "01"], ["AK", "Alaska", "02"], ["AZ", "Arizona", "04"], ["AR", "Arkansas", "05"],
  ["CA", "California", "06"], ["CO", "Colorado", "08"], ["CT", "Connecticut", "09"], ["DE", "Delaware", "10"],
  ["DC", "District of Columbia", "11"], ["FL", "Florida", "12"], ["GA", "Georgia", "13"], ["HI", "Hawaii", "15"],
  ["ID", "Idaho", "16"], ["IL", "Illinois", "17"], ["IN", "Indiana", "18"], ["IA", "Iowa", "19"],
  ["KS", "Kansas", "20"], ["KY", "Kentucky", "21"], ["LA", "Louisiana", "22"], ["ME", "Maine", "23"],
  ["MD", "Maryland", "24"], ["MA", "Massachusetts", "25"], ["MI", "Michigan", "26"], ["MN", "Minnesota", "27"],
  ["MS", "Mississippi", "28"], ["MO", "Missouri", "29"], ["MT", "Montana", "30"], ["NE", "Nebraska", "31"],
  ["NV", "Nevada", "32"], ["NH", "New Hampshire", "33"], ["NJ", "New Jersey", "34"], ["NM", "New Mexico", "35"],
  ["NY", "New York", "36"], ["NC", "North Carolina", "37"], ["ND", "North Dakota", "38"], ["OH", "Ohio", "39"],
  ["OK", "Oklahoma", "40"], ["OR", "Oregon", "41"], ["PA", "Pennsylvania", "42"], ["RI", "Rhode Island", "44"],
  ["SC", "South Carolina", "45"], ["SD", "South Dakota", "46"], ["TN", "Tennessee", "47"], ["TX", "Texas", "48"],
  ["UT", "Utah", "49"], ["VT", "Vermont", "50"], ["VA", "Virginia", "51"], ["WA", "Washington", "53"],
  ["WV", "West Virginia", "54"], ["WI", "Wisconsin", "55"], ["WY", "Wyoming", "56"],
] as const satisfies readonly (readonly [string, string, string])[];

export type StateCode = (typeof US_STATES)[number][0];

const CODES = new Set<string>(US_STATES.map(([code]) => code));

export const STATE_NAMES: Record<string, string> = Object.fromEntries(US_STATES.map(([code, name]) => [code, name]));
export const STATE_BY_FIPS: Record<string, string> = Object.fromEntries(US_STATES.map(([code, , fips]) => [fips, code]));

export function isStateCode(value: string): value is StateCode {
  return CODES.has(value);
}

/** `"az, XX ca"` -> `{ states: ["AZ", "CA"], invalid: ["XX"] }`: what a person typed, split and checked. */
export function splitStates(text: string): { states: StateCode[]; invalid: string[] } {
  const tokens = [...new Set(text.split(/[\s,;]+/).map((token) => token.trim().toUpperCase()).filter(Boolean))];
  return { states: tokens.filter(isStateCode), invalid: tokens.filter((token) => !isStateCode(token)) };
}
