import { queryOptions } from "@tanstack/react-query";

import { apiClient, type ApiClient } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { components } from "@/api/schema";

export type Readiness = components["schemas"]["Readiness"];
export type ReadinessCheck = components["schemas"]["Check"];

const READINESS_POLL_MS = 30_000;

function isReadiness(body: unknown): body is Readiness {
  return (
    typeof body === "object" &&
    body !== null &&
    "status" in body &&
    typeof body.status === "string" &&
    "checks" in body &&
    typeof body.checks === "object" &&
    body.checks !== null
  );
}

/**
 * `GET /health/ready`. A 503 with a readiness body is an answer, not a failure: the API is
 * up and reports its database down, which the panel shows as "Unavailable".
 */
export async function fetchReadiness(client: ApiClient, signal?: AbortSignal): Promise<Readiness> {
  const { data, error, response } = await client.GET("/health/ready", { signal });
  if (data) return data;
  if (response.status === 503 && isReadiness(error)) return error;
  throw ApiError.fromResponse(response, error);
}

export function readinessQueryOptions(client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: ["health", "ready"] as const,
    queryFn: ({ signal }) => fetchReadiness(client, signal),
    refetchInterval: READINESS_POLL_MS,
  });
}
