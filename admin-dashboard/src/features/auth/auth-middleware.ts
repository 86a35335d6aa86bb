import type { Middleware } from "openapi-fetch";

import { NetworkError } from "@/api/errors";

import { session } from "./session";
import { getAccessToken } from "./token-store";

export interface AuthMiddlewareOptions {
  /** The access token to send, or null when signed out. */
  readToken?: () => string | null;
  /**
   * Trades the refresh cookie for a new access token: true when a new token is held, false
   * when the session is over. Without it, 401s are passed through untouched.
   */
  refresh?: () => Promise<boolean>;
  /** True when the held token is about to expire: refresh before sending rather than fail. */
  tokenExpiresSoon?: () => boolean;
}

// Sign-in, refresh and sign-out answer 401 for their own reasons; refreshing on them would loop.
const SESSION_ENDPOINTS = new Set(["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"]);

/**
 * Requests that need the session: the API's, except the session endpoints. Others (the
 * readiness poll on the overview) must never refresh: a poll is not the user being active,
 * and refreshing on it would keep an idle session alive for ever.
 */
function needsSession(schemaPath: string): boolean {
  return schemaPath.startsWith("/api/v1/") && !SESSION_ENDPOINTS.has(schemaPath);
}

function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : null;
}

/**
 * Sends `Authorization: Bearer <token>` whenever a token is held and, when a request answers
 * 401, refreshes the token once (shared with every other request doing the same) and retries
 * the request once. A 401 that survives that reaches the app's one 401 handler, which ends
 * the session (`handle-unauthorized.ts`).
 */
export function createAuthMiddleware({
  readToken = getAccessToken,
  refresh,
  tokenExpiresSoon,
}: AuthMiddlewareOptions = {}): Middleware {
  // A copy of each request in flight, for the one retry (a sent request's body is spent).
  const retryable = new Map<string, Request>();

  return {
    async onRequest({ request, schemaPath, id }) {
      const sessionRequest = needsSession(schemaPath);
      if (sessionRequest && refresh && tokenExpiresSoon?.()) {
        // A failed refresh here is not this request's failure: send it, and let the 401 path decide.
        await refresh().catch(() => false);
      }
      const token = readToken();
      // A header set explicitly by the caller wins.
      if (token && !request.headers.has("Authorization")) {
        request.headers.set("Authorization", `Bearer ${token}`);
      }
      if (sessionRequest && refresh) retryable.set(id, request.clone());
      return request;
    },

    async onResponse({ response, id, options }) {
      const copy = retryable.get(id);
      retryable.delete(id);
      if (response.status !== 401 || !copy || !refresh) return undefined;
      const sentToken = bearerToken(copy);
      if (sentToken === null) return undefined; // not signed in: nothing to refresh

      // Another request may have refreshed while this one was in flight: use its token.
      const held = readToken();
      const renewed = held !== null && held !== sentToken ? true : await refresh();
      const token = readToken();
      if (!renewed || token === null) return undefined;

      copy.headers.set("Authorization", `Bearer ${token}`);
      try {
        return await options.fetch(copy);
      } catch (error) {
        throw new NetworkError(new URL(copy.url).origin, { cause: error });
      }
    },

    onError({ id }) {
      retryable.delete(id);
      return undefined;
    },
  };
}

export const authMiddleware: Middleware = createAuthMiddleware({
  refresh: () => session.refreshAccessToken(),
  tokenExpiresSoon: session.tokenExpiresSoon,
});
