import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Navigate, Outlet, useLocation } from "react-router";

import { LOGIN_PATH, loginPath } from "./login-path";
import { session } from "./session";
import { useSession } from "./use-session";

/** Full-page placeholder while the refresh cookie is tried on page load. */
export function SessionCheck() {
  return (
    <main className="grid min-h-dvh place-items-center px-4">
      <p role="status" className="text-sm text-muted-foreground">
        Checking your session…
      </p>
    </main>
  );
}

/**
 * Renders the signed-in part of the app, or sends the user to the login page with the
 * current page as the return path: on first visit (after trying the refresh cookie), and
 * whenever the session ends (sign-out, or a 401 a refresh could not cure).
 */
export function RequireAuth() {
  const state = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();

  useEffect(() => {
    void session.restore();
  }, []);

  useEffect(() => {
    // Cached pages may hold PII: nobody who signs in next in this tab may see them.
    if (state.status === "signed-out") queryClient.clear();
  }, [state.status, queryClient]);

  // Tabs share the refresh cookie: after someone else signs in in another tab, this tab's next
  // refresh brings their session. Nothing of the previous user's may stay on screen.
  const userId = state.status === "signed-in" ? state.user.id : null;
  const previousUserId = useRef(userId);
  useEffect(() => {
    if (previousUserId.current !== null && userId !== null && previousUserId.current !== userId) {
      void queryClient.resetQueries();
    }
    previousUserId.current = userId;
  }, [userId, queryClient]);

  if (state.status === "signed-in") return <Outlet />;
  if (state.status === "signed-out") {
    // After a deliberate sign-out the next person starts at the overview, not on this page.
    const to = state.reason === "signed-out" ? LOGIN_PATH : loginPath(location);
    return <Navigate to={to} replace />;
  }
  return <SessionCheck />;
}
