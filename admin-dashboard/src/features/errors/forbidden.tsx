import { Link } from "react-router";

import { PageHeader } from "@/components/page-header";
import { ROLE_LABELS, type Role } from "@/features/auth/roles";

/** For a page the signed-in role may not open (the navigation hides it; a link or URL may not). */
export function ForbiddenPage({ requiredRole }: { requiredRole?: Role }) {
  return (
    <div className="max-w-xl">
      <PageHeader title="No access" />
      <p className="text-sm text-muted-foreground">
        {requiredRole
          ? `This page is for the ${ROLE_LABELS[requiredRole].toLowerCase()} role only.`
          : "Your role cannot open this page."}{" "}
        Ask an admin if you need it.
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
