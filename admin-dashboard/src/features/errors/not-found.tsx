import { Link, useLocation } from "react-router";

import { PageHeader } from "@/components/page-header";

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <div className="max-w-xl">
      <PageHeader title="Page not found" />
      <p className="text-sm text-muted-foreground">
        There is no page at <code className="rounded bg-muted px-1 py-0.5 font-mono text-foreground">{pathname}</code>.
        The link may be old, or the page may not exist yet.
      </p>
      <Link
        to="/"
        className="mt-6 inline-flex h-9 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary/90"
      >
        Go to the overview
      </Link>
    </div>
  );
}
