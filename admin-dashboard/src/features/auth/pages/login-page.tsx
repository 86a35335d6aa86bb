import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Navigate, useSearchParams } from "react-router";

import { TopBar } from "@/components/layout/top-bar";
import { config } from "@/config";

import { LoginForm } from "../components/login-form";
import { safeReturnPath } from "../login-path";
import { session, type SignedOutReason } from "../session";
import { useSession } from "../use-session";

const NOTICES: Record<Exclude<SignedOutReason, null>, string> = {
  "signed-out": "You have signed out.",
  expired: "Your session has ended. Sign in again to continue.",
  unreachable: `Could not reach the API at ${config.apiUrl} to check your session.`,
};

export function LoginPage() {
  const state = useSession();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const returnTo = safeReturnPath(params.get("next"));

  useEffect(() => {
    // Arriving here with a live refresh cookie (a bookmark, a reload) goes straight back in.
    void session.restore();
  }, []);

  if (state.status === "signed-in") return <Navigate to={returnTo} replace />;

  const notice = state.status === "signed-out" && state.reason ? NOTICES[state.reason] : null;

  return (
    <div className="flex min-h-dvh flex-col">
      <title>{`Sign in · ${config.appName} Admin`}</title>
      <TopBar appName={config.appName} environment={config.environment} />
      <main id="main-content" className="grid flex-1 place-items-start justify-center px-4 py-16">
        <div className="w-full max-w-sm rounded-lg border bg-card p-6 shadow-xs">
          <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
          <p className="mt-1 mb-6 text-sm text-muted-foreground">to the {config.appName} admin dashboard.</p>
          {state.status === "unknown" || state.status === "restoring" ? (
            <p role="status" className="text-sm text-muted-foreground">
              Checking your session…
            </p>
          ) : (
            <>
              {notice ? (
                <p role="status" className="mb-4 rounded-md border bg-muted px-3 py-2 text-sm">
                  {notice}
                </p>
              ) : null}
              <LoginForm
                onSubmit={async (email, password) => {
                  // A new session starts with an empty cache: nothing of the last user's lingers.
                  queryClient.clear();
                  await session.signIn(email, password);
                }}
              />
            </>
          )}
        </div>
      </main>
    </div>
  );
}
