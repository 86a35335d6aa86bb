import { useSyncExternalStore } from "react";

import { session, type AdminUser, type SessionState } from "./session";

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.getState);
}

/** The signed-in user; only for components under `RequireAuth`, which renders them signed in only. */
export function useCurrentUser(): AdminUser {
  const state = useSession();
  if (state.status !== "signed-in") throw new Error("useCurrentUser() needs a signed-in session (render under RequireAuth).");
  return state.user;
}
