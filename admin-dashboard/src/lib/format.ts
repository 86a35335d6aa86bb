/** Display formats shared by every page (en-US: the platform sells US leads in USD). */

const LOCALE = "en-US";

const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium" });
const usd = new Intl.NumberFormat(LOCALE, { style: "currency", currency: "USD" });
const usdWhole = new Intl.NumberFormat(LOCALE, { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

function parse(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDateTime(value: string | null | undefined): string {
  const date = parse(value);
  return date ? dateTime.format(date) : "–";
}

export function formatDate(value: string | null | undefined): string {
  const date = parse(value);
  return date ? dateOnly.format(date) : "–";
}

/** Money held as integer cents (`22000` -> `$220.00`). */
export function formatCents(cents: number): string {
  return usd.format(cents / 100);
}

export function formatUsd(dollars: number, { whole = false } = {}): string {
  return (whole ? usdWhole : usd).format(dollars);
}

export function formatNumber(value: number): string {
  return decimal.format(value);
}

/** `1234567` bytes -> `1.2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${decimal.format(bytes / 1000)} kB`;
  return `${decimal.format(bytes / 1_000_000)} MB`;
}

const WORDS: Record<string, string> = { asap: "ASAP", llm: "LLM" };

/** `single_family` -> `Single family`, `1_3_months` -> `1-3 months`. */
export function humanize(value: string): string {
  const known = WORDS[value];
  if (known) return known;
  const text = value.replace(/(\d)_(\d)/g, "$1-$2").replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatBoolean(value: boolean | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return value ? "Yes" : "No";
}

/** "1 minute", "3 minutes". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
