import { keepPreviousData, queryOptions } from "@tanstack/react-query";

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import type { components, operations } from "@/api/schema";
import { readCursorPage } from "@/lib/cursor-pagination";
import { DATE_PATTERN, dayToIso, readEnum, readEnumList, readInt, readString, writeParam } from "@/lib/search-params";

export type ConversationSummary = components["schemas"]["AdminConversationSummary"];
export type ConversationDetail = components["schemas"]["AdminConversationDetail"];
type ListQuery = NonNullable<operations["admin_conversations-list_conversations"]["parameters"]["query"]>;
export type ConversationStatus = NonNullable<ListQuery["status"]>[number];
export type ConversationSort = NonNullable<ListQuery["sort"]>;

export const CONVERSATION_STATUSES = ["active", "completed", "ended"] as const satisfies readonly ConversationStatus[];
export const CONVERSATION_SORTS = ["-created_at", "created_at"] as const satisfies readonly ConversationSort[];
export const AGENTS = ["guided", "llm"] as const;
export const LEAD_OUTCOMES = ["yes", "no"] as const;
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

export const STATUS_LABELS: Record<ConversationStatus, string> = {
  active: "Active",
  completed: "Completed",
  ended: "Ended",
};
export const AGENT_LABELS: Record<(typeof AGENTS)[number], string> = { guided: "Guided", llm: "LLM" };

export interface ConversationFilters {
  status: ConversationStatus[];
  agent: "" | (typeof AGENTS)[number];
  /** Became a lead: "yes", "no" or "" (either). */
  lead: "" | (typeof LEAD_OUTCOMES)[number];
  from: string;
  to: string;
  /** The homeowner's name, city or ZIP (managers: contact details too). */
  q: string;
}

export interface ConversationListView {
  filters: ConversationFilters;
  sort: ConversationSort;
  limit: number;
  cursor: string | undefined;
}

export const EMPTY_FILTERS: ConversationFilters = { status: [], agent: "", lead: "", from: "", to: "", q: "" };

export function readConversationListView(params: URLSearchParams): ConversationListView {
  return {
    filters: {
      status: readEnumList(params, "status", CONVERSATION_STATUSES),
      agent: readEnum(params, "agent", ["", ...AGENTS], ""),
      lead: readEnum(params, "lead", ["", ...LEAD_OUTCOMES], ""),
      from: readString(params, "from", DATE_PATTERN),
      to: readString(params, "to", DATE_PATTERN),
      q: readString(params, "q"),
    },
    sort: readEnum(params, "sort", CONVERSATION_SORTS, "-created_at"),
    limit: readInt(params, "limit", PAGE_SIZES, DEFAULT_PAGE_SIZE),
    cursor: readCursorPage(params).cursor,
  };
}

export function writeConversationFilters(params: URLSearchParams, filters: ConversationFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  writeParam(next, "status", filters.status);
  writeParam(next, "agent", filters.agent);
  writeParam(next, "lead", filters.lead);
  writeParam(next, "from", filters.from);
  writeParam(next, "to", filters.to);
  writeParam(next, "q", filters.q);
  return next;
}

export function toApiQuery(view: ConversationListView): ListQuery {
  const { filters } = view;
  const query: ListQuery = { sort: view.sort, limit: view.limit };
  if (view.cursor) query.cursor = view.cursor;
  if (filters.status.length) query.status = filters.status;
  if (filters.agent) query.agent = filters.agent;
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.lead) query.has_lead = filters.lead === "yes";
  const from = dayToIso(filters.from);
  if (from) query.created_from = from;
  const to = dayToIso(filters.to, { endOfDay: true });
  if (to) query.created_to = to;
  return query;
}

export const conversationKeys = {
  all: ["admin", "conversations"] as const,
  list: (view: ConversationListView) => [...conversationKeys.all, "list", view] as const,
  detail: (id: string) => [...conversationKeys.all, "detail", id] as const,
};

export function conversationListQueryOptions(view: ConversationListView, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: conversationKeys.list(view),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/conversations", { params: { query: toApiQuery(view) }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function conversationDetailQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: conversationKeys.detail(id),
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/admin/conversations/{conversation_id}", { params: { path: { conversation_id: id } }, signal }),
      ),
  });
}
