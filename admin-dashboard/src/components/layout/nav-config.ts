import { LayoutDashboard, type LucideIcon } from "lucide-react";

import { ROLES, type Role } from "@/features/auth/roles";

export interface NavItem {
  title: string;
  /** Route path; must match a route in `src/routes/index.tsx`. */
  to: string;
  icon: LucideIcon;
  /** Roles that may open the page; the sidebar hides the entry from everyone else. */
  roles: readonly Role[];
  /** Active only on an exact match (for `/`, which prefixes every path). */
  end?: boolean;
}

/**
 * The sidebar, in order. A page gets an entry when its route exists, never before:
 * Leads, Conversations, Partners, Analytics, Users and Audit log join as they land.
 */
export const navigation: readonly NavItem[] = [
  { title: "Overview", to: "/", icon: LayoutDashboard, roles: ROLES, end: true },
];

export function navItemsForRole(items: readonly NavItem[], role: Role): NavItem[] {
  return items.filter((item) => item.roles.includes(role));
}
