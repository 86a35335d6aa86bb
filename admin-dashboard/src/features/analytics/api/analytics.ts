import { queryOptions } from "@tanstack/react-query";

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import type { components, operations } from "@/api/schema";

type Schemas = components["schemas"];
export type Kpis = Schemas["Kpis"];
export type Summary = Schemas["Summary"];
export type Timeseries = Schemas["Timeseries"];
export type TimePoint = Timeseries["points"][number];
export type Breakdown = Schemas["Breakdown"];
export type BreakdownRow = Schemas["BreakdownRow"];
export type BreakdownBy = Breakdown["by"];
export type Funnel = Schemas["Funnel"];
export type FunnelStep = Schemas["FunnelStep"];
export type AnalyticsFilters = Omit<NonNullable<operations["admin_analytics-breakdown"]["parameters"]["query"]>, "by" | "from" | "to">;

export const BREAKDOWNS = ["partner", "state", "tier", "source", "campaign"] as const satisfies readonly BreakdownBy[];
export const FUNNEL_STEPS = ["visit", "chat_started", "estimate_shown", "contact_given", "consented", "lead", "sold"] as const;
export const STEP_LABELS: Record<string, string> = {
  visit: "Visited",
  chat_started: "Started a chat",
  estimate_shown: "Saw an estimate",
  contact_given: "Gave contact details",
  consented: "Consented",
  lead: "Became a lead",
  sold: "Sold",
};

/** A UTC day as `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last `days` UTC days up to and including today: `{ from, to }`. */
export function lastDays(days: number, now: Date = new Date()): { from: string; to: string } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return { from: utcDay(from), to: utcDay(now) };
}

export interface Period {
  from: string;
  to: string;
}

export const analyticsKeys = {
  all: ["admin", "analytics"] as const,
  summary: (period: Period, filters: AnalyticsFilters) => [...analyticsKeys.all, "summary", period, filters] as const,
  timeseries: (period: Period, interval: string, filters: AnalyticsFilters) => [...analyticsKeys.all, "timeseries", period, interval, filters] as const,
  breakdown: (period: Period, by: BreakdownBy, filters: AnalyticsFilters) => [...analyticsKeys.all, "breakdown", period, by, filters] as const,
  funnel: (period: Period, source: string) => [...analyticsKeys.all, "funnel", period, source] as const,
  system: () => [...analyticsKeys.all, "system"] as const,
};

export function summaryQueryOptions(period: Period, filters: AnalyticsFilters = {}, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: analyticsKeys.summary(period, filters),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/analytics/summary", { params: { query: { ...period, ...filters } }, signal })),
  });
}

export function timeseriesQueryOptions(period: Period, interval: "day" | "week" | "month", filters: AnalyticsFilters = {}, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: analyticsKeys.timeseries(period, interval, filters),
    queryFn: ({ signal }) =>
      unwrap(client.GET("/api/v1/admin/analytics/timeseries", { params: { query: { ...period, interval, ...filters } }, signal })),
  });
}

export function breakdownQueryOptions(period: Period, by: BreakdownBy, filters: AnalyticsFilters = {}, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: analyticsKeys.breakdown(period, by, filters),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/analytics/breakdown", { params: { query: { ...period, by, ...filters } }, signal })),
  });
}

export function funnelQueryOptions(period: Period, source: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: analyticsKeys.funnel(period, source),
    queryFn: ({ signal }) =>
      unwrap(client.GET("/api/v1/admin/analytics/funnel", { params: { query: { ...period, source: source || undefined } }, signal })),
  });
}

/** `GET /admin/system` (managers and admins): the app's own health figures. */
export type SystemHealth = Schemas["SystemHealth"];

export function systemQueryOptions(client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: analyticsKeys.system(),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/system", { signal })),
    refetchInterval: 15_000,
  });
}

/** `0.1234` -> `12.3%`; null (nothing to divide by) -> `–`. */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)}%`;
}

/** The change from `previous` to `current` as a fraction, or null when there was nothing before. */
export function change(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (current === null || current === undefined || previous === null || previous === undefined || previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** Rows as CSV (RFC 4180 quoting; cells starting with = + - @ prefixed so spreadsheets do not run them). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (value: string | number | null) => {
    let text = value === null ? "" : String(value);
    if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${String(days)} d ${String(hours)} h` : hours > 0 ? `${String(hours)} h ${String(minutes)} min` : `${String(minutes)} min`;
}
