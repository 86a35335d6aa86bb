import createClient from 'openapi-fetch';

import { config } from '../config';
import { NetworkError, toApiError } from './errors';
import type { paths } from './schema';

/**
 * The network boundary. Reads `globalThis.fetch` on every call (tests stub it there) and
 * turns a rejected fetch into a `NetworkError`, unless the caller aborted the request:
 * a cancelled query is not an outage.
 */
async function fetchFromApi(request: Request): Promise<Response> {
  try {
    return await globalThis.fetch(request);
  } catch (cause) {
    if (request.signal.aborted) throw cause;
    throw new NetworkError({ cause });
  }
}

/** Typed client for the Aurum Solar API, generated from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: config.apiUrl, fetch: fetchFromApi });

interface FetchResult<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/**
 * Resolves to the body of a successful response and throws `ApiError` for any other.
 * A network failure has already become a `NetworkError` at the boundary.
 *
 *     const health = await unwrap(api.GET('/health', { signal }));
 */
export async function unwrap<Data>(pending: Promise<FetchResult<Data>>): Promise<Data> {
  const { data, error, response } = await pending;
  if (!response.ok) throw toApiError(response, error);
  return data as Data;
}
