import { queryOptions } from '@tanstack/react-query';

import { api } from '../../api/client';
import { toApiError } from '../../api/errors';
import type { components } from '../../api/schema';

export type Readiness = components['schemas']['Readiness'];

function isReadiness(body: unknown): body is Readiness {
  return (
    typeof body === 'object' &&
    body !== null &&
    'status' in body &&
    ['ok', 'degraded', 'unavailable'].includes(String(body.status))
  );
}

/**
 * The API's readiness report. A 503 still carries the report (saying which dependency is
 * down), so it resolves with `status: "unavailable"` rather than throwing.
 */
export async function fetchReadiness(signal: AbortSignal): Promise<Readiness> {
  const { data, error, response } = await api.GET('/health/ready', { signal });
  if (data) return data;
  if (response.status === 503 && isReadiness(error)) return error;
  throw toApiError(response, error);
}

export const readinessQuery = queryOptions({
  queryKey: ['health', 'ready'],
  queryFn: ({ signal }) => fetchReadiness(signal),
});
