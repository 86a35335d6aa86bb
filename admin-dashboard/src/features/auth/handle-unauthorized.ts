import { session } from "./session";

/**
 * The app's one reaction to a 401 from any query or mutation (wired in `src/main.tsx`).
 * The auth middleware has already refreshed the token and retried the request once, so a
 * 401 here means the session is over: the token is dropped and `RequireAuth` sends the user
 * to the login page with the current page as the return path.
 */
export function handleUnauthorized(): void {
  session.expire();
}
