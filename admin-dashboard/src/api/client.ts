import createClient, { type Middleware } from "openapi-fetch";

import { config } from "@/config";

import { ApiError, isAbortError, NetworkError } from "./errors";
import type { paths } from "./schema";

/** Turns a rejected fetch (server down, DNS, CORS, offline) into a `NetworkError`; a cancelled request stays an AbortError. */
export const networkErrorMiddleware: Middleware = {
  onError({ error, request }) {
    if (isAbortError(error) || error instanceof NetworkError) return undefined;
    return new NetworkError(new URL(request.url).origin, { cause: error });
  },
};

export function createApiClient(options: { baseUrl?: string } = {}) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? config.apiUrl,
    // The refresh token is an HttpOnly cookie on the API's auth path; the browser only sends it with credentials.
    credentials: "include",
    // Looked up on each call (not captured once) so tests can stub `fetch` at the boundary.
    fetch: (request) => globalThis.fetch(request),
  });
  client.use(networkErrorMiddleware);
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/**
 * The app's one client. Features add behaviour through middleware (`apiClient.use(...)`),
 * e.g. the auth feature attaches the bearer token; see `src/main.tsx`.
 */
export const apiClient: ApiClient = createApiClient();

/**
 * Unwraps an openapi-fetch result: the typed data on success, an `ApiError` thrown otherwise,
 * so TanStack Query sees every failure (and the global 401 handler sees 401s).
 */
export async function unwrap<Data>(
  request: Promise<{ data?: Data; error?: unknown; response: Response }>,
): Promise<Data> {
  const { data, error, response } = await request;
  if (error !== undefined || !response.ok) throw ApiError.fromResponse(response, error);
  return data as Data;
}
