import { isRouteErrorResponse, Link, useRouteError } from "react-router";

import { Button } from "@/components/ui/button";

/**
 * Shown in place of a page that throws while rendering or its code fails to load (typically a stale tab
 * after a deploy removed the old chunks: a reload fixes it).
 */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : "Unknown error";

  return (
    <div className="max-w-lg">
      <title>Something went wrong</title>
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-2 text-sm text-muted-foreground">
        This page could not be shown. Reloading usually helps, especially right after an update.
      </p>
      <p className="mt-4 rounded-md border bg-muted px-3 py-2 font-mono text-xs break-words">{detail}</p>
      <div className="mt-6 flex gap-3">
        <Button
          onClick={() => {
            window.location.reload();
          }}
        >
          Reload
        </Button>
        <Link to="/" reloadDocument className="inline-flex h-9 items-center rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted">
          Go to the overview
        </Link>
      </div>
    </div>
  );
}

/** Last resort when the shell itself fails: the same message on a bare page. */
export function RootRouteError() {
  return (
    <main className="mx-auto px-6 py-16">
      <RouteError />
    </main>
  );
}
