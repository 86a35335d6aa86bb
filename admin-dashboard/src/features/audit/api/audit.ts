import { keepPreviousData, queryOptions } from "@tanstack/react-query";

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import type { components, operations } from "@/api/schema";
import { readCursorPage } from "@/lib/cursor-pagination";
import { DATETIME_LOCAL_PATTERN, localDateTimeToIso, readInt, readString, writeParam } from "@/lib/search-params";

export type AuditEntry = components["schemas"]["AuditEntryOut"];
type ListQuery = NonNullable<operations["admin_audit-list_audit_log"]["parameters"]["query"]>;

/** The actions the API records (see its `Action` list), then the families they group into. */
export const KNOWN_ACTIONS = [
  "auth.login",
  "auth.login_failed",
  "auth.login_locked",
  "auth.logout",
  "auth.password_changed",
  "auth.refresh_reuse_detected",
  "lead.export",
  "lead.update",
  "user.create",
  "user.update",
  "auth",
  "lead",
  "user",
] as const;
export const KNOWN_TARGET_TYPES = ["lead", "admin_user", "session"] as const;
export const PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

// The API's own rule for `action`: one word, or family.word.
const ACTION_PATTERN = /^[a-z_]+(\.[a-z_]+)?$/;

export interface AuditFilters {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** `datetime-local` values, the user's local time. */
  since: string;
  until: string;
}

export interface AuditView {
  filters: AuditFilters;
  limit: number;
  cursor: string | undefined;
}

export const EMPTY_FILTERS: AuditFilters = { actor: "", action: "", targetType: "", targetId: "", since: "", until: "" };

export function readAuditView(params: URLSearchParams): AuditView {
  return {
    filters: {
      actor: readString(params, "actor").slice(0, 254),
      action: readString(params, "action", ACTION_PATTERN),
      targetType: readString(params, "target_type").slice(0, 32),
      targetId: readString(params, "target_id").slice(0, 64),
      since: readString(params, "since", DATETIME_LOCAL_PATTERN),
      until: readString(params, "until", DATETIME_LOCAL_PATTERN),
    },
    limit: readInt(params, "limit", PAGE_SIZES, DEFAULT_PAGE_SIZE),
    cursor: readCursorPage(params).cursor,
  };
}

export function writeAuditFilters(params: URLSearchParams, filters: AuditFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  writeParam(next, "actor", filters.actor);
  writeParam(next, "action", filters.action);
  writeParam(next, "target_type", filters.targetType);
  writeParam(next, "target_id", filters.targetId);
  writeParam(next, "since", filters.since);
  writeParam(next, "until", filters.until);
  return next;
}

export function isValidAction(action: string): boolean {
  return action === "" || ACTION_PATTERN.test(action);
}

export function toApiQuery(view: AuditView): ListQuery {
  const { filters } = view;
  const query: ListQuery = { limit: view.limit };
  if (view.cursor) query.cursor = view.cursor;
  if (filters.actor) query.actor_email = filters.actor;
  if (filters.action) query.action = filters.action;
  if (filters.targetType) query.target_type = filters.targetType;
  if (filters.targetId) query.target_id = filters.targetId;
  const since = localDateTimeToIso(filters.since);
  if (since) query.since = since;
  const until = localDateTimeToIso(filters.until);
  if (until) query.until = until;
  return query;
}

export const auditKeys = {
  all: ["admin", "audit-log"] as const,
  list: (view: AuditView) => [...auditKeys.all, "list", view] as const,
};

export function auditLogQueryOptions(view: AuditView, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: auditKeys.list(view),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/audit-log", { params: { query: toApiQuery(view) }, signal })),
    placeholderData: keepPreviousData,
  });
}
