export const UTM_FIELDS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;

export type UtmField = (typeof UTM_FIELDS)[number];
export type Utm = Partial<Record<UtmField, string>>;

/** The API refuses longer values; a mangled campaign tag must not stop a homeowner. */
const MAX_UTM_LENGTH = 100;

/** The campaign tags of a query string such as `?utm_source=mail`, trimmed and capped. */
export function readUtm(search: string): Utm {
  const params = new URLSearchParams(search);
  const utm: Utm = {};
  for (const field of UTM_FIELDS) {
    const value = params.get(field)?.trim();
    if (value) utm[field] = value.slice(0, MAX_UTM_LENGTH);
  }
  return utm;
}
