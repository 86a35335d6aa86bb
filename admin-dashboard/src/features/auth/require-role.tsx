import { Outlet } from "react-router";

import { ForbiddenPage } from "@/features/errors/forbidden";

import { hasRole, type Role } from "./roles";
import { useCurrentUser } from "./use-session";

/** Renders its routes for `minimum` and higher roles, and a "no access" page for the rest. */
export function RequireRole({ minimum }: { minimum: Role }) {
  const user = useCurrentUser();
  return hasRole(user.role, minimum) ? <Outlet /> : <ForbiddenPage requiredRole={minimum} />;
}
