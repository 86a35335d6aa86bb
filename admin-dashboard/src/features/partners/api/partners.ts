import { queryOptions } from "@tanstack/react-query";

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import type { components } from "@/api/schema";

type Schemas = components["schemas"];
export type PartnerSummary = Schemas["PartnerSummary"];
export type PartnerDetail = Schemas["PartnerDetail"];
export type PartnerCreate = Schemas["PartnerCreate"];
export type PartnerUpdate = Schemas["PartnerUpdate"];
export type PartnerStatus = PartnerSummary["status"];
export type ServiceArea = Schemas["ServiceArea"];
export type ApiKey = Schemas["ApiKeyOut"];
export type ApiKeyScope = ApiKey["scopes"][number];
export type IssuedApiKey = Schemas["IssuedApiKey"];
export type LedgerEntry = Schemas["LedgerEntryOut"];
export type Sale = Schemas["SaleOut"];
export type Return = Schemas["ReturnOut"];
export type PartnerOutcomes = Schemas["PartnerOutcomes"];
export type WebhookEndpoint = Schemas["EndpointOut"];
export type WebhookDelivery = Schemas["DeliveryOut"];

export const PARTNER_STATUSES = ["active", "paused", "suspended"] as const satisfies readonly PartnerStatus[];
export const API_KEY_SCOPES = ["leads:read", "returns:write", "outcomes:write", "account:read", "account:write"] as const satisfies readonly ApiKeyScope[];
export const TIERS = ["A", "B", "C"] as const;

export const partnerKeys = {
  all: ["admin", "partners"] as const,
  list: (filters: { status: string; q: string }) => [...partnerKeys.all, "list", filters] as const,
  detail: (id: string) => [...partnerKeys.all, "detail", id] as const,
  keys: (id: string) => [...partnerKeys.all, "detail", id, "keys"] as const,
  ledger: (id: string) => [...partnerKeys.all, "detail", id, "ledger"] as const,
  outcomes: (id: string) => [...partnerKeys.all, "detail", id, "outcomes"] as const,
  endpoints: (id: string) => [...partnerKeys.all, "detail", id, "endpoints"] as const,
  deliveries: (id: string) => [...partnerKeys.all, "detail", id, "deliveries"] as const,
};

export const saleKeys = {
  all: ["admin", "sales"] as const,
  list: (filters: { partner_id?: string; lead_id?: string; mode?: string; cursor?: string }) => [...saleKeys.all, filters] as const,
};
export const returnKeys = {
  all: ["admin", "returns"] as const,
  list: (filters: { status: string[]; partner_id?: string; cursor?: string }) => [...returnKeys.all, filters] as const,
};

export function partnerListQueryOptions(filters: { status: string; q: string }, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.list(filters),
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/admin/partners", {
          params: { query: { status: (filters.status || undefined) as PartnerStatus | undefined, q: filters.q || undefined } },
          signal,
        }),
      ),
  });
}

export function partnerQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.detail(id),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/partners/{partner_id}", { params: { path: { partner_id: id } }, signal })),
  });
}

export function apiKeysQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.keys(id),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/partners/{partner_id}/api-keys", { params: { path: { partner_id: id } }, signal })),
  });
}

export function ledgerQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.ledger(id),
    queryFn: ({ signal }) =>
      unwrap(client.GET("/api/v1/admin/partners/{partner_id}/ledger", { params: { path: { partner_id: id }, query: { limit: 25 } }, signal })),
  });
}

export function outcomesQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.outcomes(id),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/partners/{partner_id}/outcomes", { params: { path: { partner_id: id } }, signal })),
  });
}

export function endpointsQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.endpoints(id),
    queryFn: ({ signal }) => unwrap(client.GET("/api/v1/admin/webhook-endpoints", { params: { query: { partner_id: id } }, signal })),
  });
}

export function deliveriesQueryOptions(id: string, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: partnerKeys.deliveries(id),
    queryFn: ({ signal }) =>
      unwrap(client.GET("/api/v1/admin/webhook-deliveries", { params: { query: { partner_id: id, limit: 25 } }, signal })),
  });
}

export function salesQueryOptions(filters: { partner_id?: string; lead_id?: string; mode?: string; cursor?: string }, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: saleKeys.list(filters),
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/admin/sales", {
          params: {
            query: {
              partner_id: filters.partner_id,
              lead_id: filters.lead_id,
              mode: filters.mode === "exclusive" || filters.mode === "shared" ? filters.mode : undefined,
              cursor: filters.cursor,
              limit: 50,
            },
          },
          signal,
        }),
      ),
  });
}

export function returnsQueryOptions(filters: { status: string[]; partner_id?: string; cursor?: string }, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: returnKeys.list(filters),
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/admin/returns", {
          params: {
            query: {
              status: filters.status.length ? (filters.status as Return["status"][]) : undefined,
              partner_id: filters.partner_id,
              cursor: filters.cursor,
              limit: 50,
            },
          },
          signal,
        }),
      ),
  });
}

export function createPartner(body: PartnerCreate, client: ApiClient = apiClient): Promise<PartnerDetail> {
  return unwrap(client.POST("/api/v1/admin/partners", { body }));
}

export function updatePartner(id: string, body: PartnerUpdate, client: ApiClient = apiClient): Promise<PartnerDetail> {
  return unwrap(client.PATCH("/api/v1/admin/partners/{partner_id}", { params: { path: { partner_id: id } }, body }));
}

export function createApiKey(id: string, body: { name: string; scopes: ApiKeyScope[] }, client: ApiClient = apiClient): Promise<IssuedApiKey> {
  return unwrap(client.POST("/api/v1/admin/partners/{partner_id}/api-keys", { params: { path: { partner_id: id } }, body }));
}

export function rotateApiKey(id: string, keyId: string, client: ApiClient = apiClient): Promise<IssuedApiKey> {
  return unwrap(
    client.POST("/api/v1/admin/partners/{partner_id}/api-keys/{key_id}/rotate", { params: { path: { partner_id: id, key_id: keyId } }, body: { overlap_hours: 24 } }),
  );
}

export function revokeApiKey(id: string, keyId: string, client: ApiClient = apiClient): Promise<ApiKey> {
  return unwrap(client.POST("/api/v1/admin/partners/{partner_id}/api-keys/{key_id}/revoke", { params: { path: { partner_id: id, key_id: keyId } } }));
}

export function postLedgerEntry(
  id: string,
  body: { kind: "topup" | "adjustment"; amount_cents: number; note: string | null },
  client: ApiClient = apiClient,
): Promise<LedgerEntry> {
  return unwrap(client.POST("/api/v1/admin/partners/{partner_id}/ledger", { params: { path: { partner_id: id } }, body }));
}

export function decideReturn(id: string, body: { decision: "accept" | "reject"; note: string | null }, client: ApiClient = apiClient): Promise<Return> {
  return unwrap(client.POST("/api/v1/admin/returns/{return_id}/decision", { params: { path: { return_id: id } }, body }));
}

export function redeliver(deliveryId: string, client: ApiClient = apiClient) {
  return unwrap(client.POST("/api/v1/admin/webhook-deliveries/{delivery_id}/redeliver", { params: { path: { delivery_id: deliveryId } } }));
}

export function replayEndpoint(endpointId: string, since: string, client: ApiClient = apiClient) {
  return unwrap(client.POST("/api/v1/admin/webhook-endpoints/{endpoint_id}/replay", { params: { path: { endpoint_id: endpointId } }, body: { since } }));
}

export function enableEndpoint(endpointId: string, client: ApiClient = apiClient) {
  return unwrap(client.POST("/api/v1/admin/webhook-endpoints/{endpoint_id}/enable", { params: { path: { endpoint_id: endpointId } } }));
}

/** `"12.50"` -> `1250`; `""` -> `null` (no price); anything else -> `undefined` (not money). */
export function dollarsToCents(text: string): number | null | undefined {
  const trimmed = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (trimmed === "") return null;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return undefined;
  const [whole = "0", fraction = ""] = trimmed.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** `1250` -> `"12.50"`, `null` -> `""`: a price as a person types it. */
export function centsToDollars(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "";
  return `${String(Math.trunc(cents / 100))}.${String(Math.abs(cents % 100)).padStart(2, "0")}`;
}

/** `"850, 85281 852"` -> prefixes `["850", "852"]`, ZIPs `["85281"]`, and anything that is neither. */
export function splitZips(text: string): { prefixes: string[]; zips: string[]; invalid: string[] } {
  const tokens = [...new Set(text.split(/[\s,;]+/).map((token) => token.trim()).filter(Boolean))];
  return {
    prefixes: tokens.filter((token) => /^\d{1,4}$/.test(token)),
    zips: tokens.filter((token) => /^\d{5}$/.test(token)),
    invalid: tokens.filter((token) => !/^\d{1,5}$/.test(token)),
  };
}
