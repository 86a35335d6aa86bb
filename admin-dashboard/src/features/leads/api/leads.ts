import { keepPreviousData, queryOptions } from "@tanstack/react-query";

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { components, operations } from "@/api/schema";
import { readCursorPage } from "@/lib/cursor-pagination";
import { DATE_PATTERN, dayToIso, readEnum, readEnumList, readInt, readString, writeParam } from "@/lib/search-params";

export type LeadSummary = components["schemas"]["AdminLeadSummary"];
export type LeadDetail = components["schemas"]["AdminLeadDetail"];
export type LeadUpdate = components["schemas"]["AdminLeadUpdate"];
type ListQuery = NonNullable<operations["admin_leads-list_leads"]["parameters"]["query"]>;
export type ExportQuery = NonNullable<operations["admin_leads-export_leads_csv"]["parameters"]["query"]>;

export type LeadStatus = NonNullable<ListQuery["status"]>[number];
export type LeadTier = NonNullable<ListQuery["tier"]>[number];
export type LeadSource = NonNullable<ListQuery["source"]>[number];
export type LeadSort = NonNullable<ListQuery["sort"]>;

export const LEAD_STATUSES = ["new", "unqualified", "sold", "returned", "unsold", "duplicate"] as const satisfies readonly LeadStatus[];
export const LEAD_TIERS = ["A", "B", "C"] as const satisfies readonly LeadTier[];
export const LEAD_SOURCES = ["chat", "form"] as const satisfies readonly LeadSource[];
export const LEAD_SORTS = ["-created_at", "created_at", "-score", "score"] as const satisfies readonly LeadSort[];
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_SORT: LeadSort = "-created_at";
export const DEFAULT_PAGE_SIZE = 50;

export const STATUS_LABELS: Record<LeadStatus, string> = {
  new: "New",
  unqualified: "Unqualified",
  sold: "Sold",
  returned: "Returned",
  unsold: "Unsold",
  duplicate: "Duplicate",
};
export const SOURCE_LABELS: Record<LeadSource, string> = { chat: "Chat", form: "Form" };

export function sourceLabel(source: string): string {
  return source in SOURCE_LABELS ? SOURCE_LABELS[source as LeadSource] : source;
}

/** The leads table's filters as the URL holds them (dates are the user's local days). */
export interface LeadFilters {
  status: LeadStatus[];
  tier: LeadTier[];
  source: LeadSource[];
  /** Two-letter states, upper case. */
  state: string[];
  /** A ZIP or ZIP prefix. */
  zip: string;
  /** `YYYY-MM-DD`, inclusive. */
  from: string;
  /** `YYYY-MM-DD`, inclusive. */
  to: string;
  q: string;
}

export interface LeadListView {
  filters: LeadFilters;
  sort: LeadSort;
  limit: number;
  cursor: string | undefined;
}

export const EMPTY_FILTERS: LeadFilters = { status: [], tier: [], source: [], state: [], zip: "", from: "", to: "", q: "" };

const STATE_PATTERN = /^[A-Z]{2}$/;
const ZIP_PATTERN = /^\d{1,5}$/;

/** `"az, CA tx"` -> `["AZ", "CA", "TX"]`; anything not two letters is dropped. */
export function parseStates(text: string): string[] {
  const states = text
    .split(/[\s,;]+/)
    .map((state) => state.trim().toUpperCase())
    .filter((state) => STATE_PATTERN.test(state));
  return [...new Set(states)];
}

export function readLeadListView(params: URLSearchParams): LeadListView {
  return {
    filters: {
      status: readEnumList(params, "status", LEAD_STATUSES),
      tier: readEnumList(params, "tier", LEAD_TIERS),
      source: readEnumList(params, "source", LEAD_SOURCES),
      state: parseStates(params.getAll("state").join(",")),
      zip: readString(params, "zip", ZIP_PATTERN),
      from: readString(params, "from", DATE_PATTERN),
      to: readString(params, "to", DATE_PATTERN),
      q: readString(params, "q").slice(0, 200),
    },
    sort: readEnum(params, "sort", LEAD_SORTS, DEFAULT_SORT),
    limit: readInt(params, "limit", PAGE_SIZES, DEFAULT_PAGE_SIZE),
    cursor: readCursorPage(params).cursor,
  };
}

/** `params` with `filters` written in (the caller resets the page). */
export function writeLeadFilters(params: URLSearchParams, filters: LeadFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  writeParam(next, "status", filters.status);
  writeParam(next, "tier", filters.tier);
  writeParam(next, "source", filters.source);
  writeParam(next, "state", filters.state);
  writeParam(next, "zip", filters.zip);
  writeParam(next, "from", filters.from);
  writeParam(next, "to", filters.to);
  writeParam(next, "q", filters.q);
  return next;
}

export function hasFilters(filters: LeadFilters): boolean {
  return Object.values(filters).some((value) => (Array.isArray(value) ? value.length > 0 : value !== ""));
}

/** The filters and sort as the API takes them (the export takes exactly these too). */
export function toApiQuery(filters: LeadFilters, sort: LeadSort): ExportQuery {
  const query: ExportQuery = { sort };
  if (filters.status.length) query.status = filters.status;
  if (filters.tier.length) query.tier = filters.tier;
  if (filters.source.length) query.source = filters.source;
  if (filters.state.length) query.state = filters.state;
  if (filters.zip) query.zip_code = filters.zip;
  const from = dayToIso(filters.from);
  if (from) query.created_from = from;
  const to = dayToIso(filters.to, { endOfDay: true });
  if (to) query.created_to = to;
  if (filters.q) query.q = filters.q;
  return query;
}

export const leadKeys = {
  all: ["admin", "leads"] as const,
  lists: () => [...leadKeys.all, "list"] as const,
  list: (view: LeadListView) => [...leadKeys.lists(), view] as const,
  detail: (id: string) => [...leadKeys.all, "detail", id] as const,
};

export function leadListQueryOptions(view: LeadListView, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: leadKeys.list(view),
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/admin/leads", {
          params: { query: { ...toApiQuery(view.filters, view.sort), cursor: view.cursor, limit: view.limit } },
          signal,
        }),
      ),
    // The old page stays on screen (dimmed) while the next one loads, instead of a blank table.
    placeholderData: keepPreviousData,
  });
}

export function leadDetailQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: leadKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(client.GET("/api/v1/admin/leads/{lead_id}", { params: { path: { lead_id: id } }, signal })),
  });
}

export function updateLead(id: string, patch: LeadUpdate, client: ApiClient = apiClient): Promise<LeadDetail> {
  return unwrap(client.PATCH("/api/v1/admin/leads/{lead_id}", { params: { path: { lead_id: id } }, body: patch }));
}

/** The file name from `Content-Disposition` (`filename*=UTF-8''...` or `filename="..."`), if any. */
export function filenameFromContentDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return sanitizeFilename(decodeURIComponent(extended[1].trim()));
    } catch {
      // Malformed escape: fall back to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(header);
  const name = plain?.[1] ?? plain?.[2]?.trim();
  return name ? sanitizeFilename(name) : undefined;
}

function sanitizeFilename(name: string): string | undefined {
  // A name only, never a path.
  const base = name.split(/[/\\]/).pop()?.trim();
  return base && base !== "." && base !== ".." ? base : undefined;
}

export interface CsvExport {
  blob: Blob;
  filename: string;
  bytes: number;
}

/**
 * `GET /admin/leads/export.csv` with the bearer token (a plain link could not send it),
 * read as a stream so the caller can show progress; resolves to the whole file.
 */
export async function exportLeadsCsv(
  query: ExportQuery,
  { signal, onProgress, client = apiClient }: { signal?: AbortSignal; onProgress?: (bytes: number) => void; client?: ApiClient } = {},
): Promise<CsvExport> {
  const { data, error, response } = await client.GET("/api/v1/admin/leads/export.csv", {
    params: { query },
    parseAs: "stream",
    signal,
  });
  if (!response.ok) throw ApiError.fromResponse(response, error);
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  if (data) {
    const reader = data.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
      onProgress?.(bytes);
    }
  }
  const filename = filenameFromContentDisposition(response.headers.get("Content-Disposition")) ?? "leads.csv";
  return { blob: new Blob(chunks as BlobPart[], { type: "text/csv;charset=utf-8" }), filename, bytes };
}
