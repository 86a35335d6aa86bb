import { setAccessToken } from "./token-store";

/**
 * The app's one reaction to a 401 from any query or mutation (wired in `src/main.tsx`):
 * the access token is no longer accepted, so it is dropped. When the auth endpoints land,
 * this is where a silent refresh and the redirect to the login page go.
 */
export function handleUnauthorized(): void {
  setAccessToken(null);
}
