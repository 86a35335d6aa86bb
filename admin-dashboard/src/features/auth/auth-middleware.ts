import type { Middleware } from "openapi-fetch";

import { getAccessToken } from "./token-store";

/** Builds the middleware that sends `Authorization: Bearer <token>` whenever a token is held. */
export function createAuthMiddleware(readToken: () => string | null = getAccessToken): Middleware {
  return {
    onRequest({ request }) {
      const token = readToken();
      // A header set explicitly by the caller (e.g. a refresh call) wins.
      if (token && !request.headers.has("Authorization")) {
        request.headers.set("Authorization", `Bearer ${token}`);
      }
      return request;
    },
  };
}

export const authMiddleware: Middleware = createAuthMiddleware();
