/**
 * Table state in the URL: helpers to read typed values out of `URLSearchParams` (ignoring
 * anything hand-edited into nonsense) and to write them back without empty entries.
 */

export function readEnumList<Value extends string>(
  params: URLSearchParams,
  key: string,
  allowed: readonly Value[],
): Value[] {
  const values = new Set(params.getAll(key));
  return allowed.filter((value) => values.has(value));
}

export function readEnum<Value extends string>(
  params: URLSearchParams,
  key: string,
  allowed: readonly Value[],
  fallback: Value,
): Value {
  const value = params.get(key);
  return allowed.find((option) => option === value) ?? fallback;
}

export function readString(params: URLSearchParams, key: string, pattern?: RegExp): string {
  const value = params.get(key)?.trim() ?? "";
  return pattern && !pattern.test(value) ? "" : value;
}

export function readInt(params: URLSearchParams, key: string, allowed: readonly number[], fallback: number): number {
  const value = Number(params.get(key));
  return allowed.includes(value) ? value : fallback;
}

/** Sets `key` to `value` (or each of a list), removing it when empty. */
export function writeParam(params: URLSearchParams, key: string, value: string | readonly string[] | null | undefined): void {
  params.delete(key);
  const values = typeof value === "string" ? [value] : (value ?? []);
  for (const item of values) {
    if (item.trim() !== "") params.append(key, item.trim());
  }
}

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const DATETIME_LOCAL_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/**
 * A day picked in a date input (`2026-11-25`, the user's local day) as an ISO instant with
 * offset for the API: its start, or with `endOfDay` the start of the next day (the API's
 * upper bounds are exclusive, so the whole picked day is included).
 */
export function dayToIso(day: string, { endOfDay = false } = {}): string | undefined {
  if (!DATE_PATTERN.test(day)) return undefined;
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const start = new Date(year, month - 1, date + (endOfDay ? 1 : 0));
  return Number.isNaN(start.getTime()) ? undefined : start.toISOString();
}

/** A `datetime-local` value (the user's local time) as an ISO instant for the API. */
export function localDateTimeToIso(value: string): string | undefined {
  if (!DATETIME_LOCAL_PATTERN.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
