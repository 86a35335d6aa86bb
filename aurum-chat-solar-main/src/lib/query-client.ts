import { QueryClient, type DefaultOptions } from '@tanstack/react-query';

import { ApiError } from '../api/errors';

export const MAX_QUERY_RETRIES = 1;

/**
 * Retry a failed query once, unless the API refused the request (4xx): asking again
 * will get the same answer, and a 429 wants fewer requests, not more.
 */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.isClientError) return false;
  return failureCount < MAX_QUERY_RETRIES;
}

export function createQueryClient(overrides: DefaultOptions = {}): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetryQuery,
        refetchOnWindowFocus: false,
        staleTime: 30_000,
        ...overrides.queries,
      },
      mutations: {
        // A repeated POST may create a second lead or message; callers opt in per mutation.
        retry: false,
        ...overrides.mutations,
      },
    },
  });
}
