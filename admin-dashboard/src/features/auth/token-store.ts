/**
 * The access token lives in memory only: never localStorage or sessionStorage, where any
 * injected script could read it. A reload forgets it; the HttpOnly refresh cookie is what
 * restores a session (`session.ts`).
 *
 * `subscribe` + `getAccessToken` fit React's `useSyncExternalStore`.
 */

type Listener = () => void;

let accessToken: string | null = null;
const listeners = new Set<Listener>();

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  const next = token === "" ? null : token;
  if (next === accessToken) return;
  accessToken = next;
  for (const listener of [...listeners]) listener();
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
