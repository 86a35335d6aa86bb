import { Activity, BarChart3, ClipboardList, Filter, Handshake, LayoutDashboard, MessagesSquare, Receipt, Undo2, ScrollText, Users, type LucideIcon } from "lucide-react";

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
 * The sidebar, in order. A page gets an entry when its route exists, never before
 * (Partners and Analytics join as they land). The roles match the API's rules and the
 * route guards in `src/routes/index.tsx`.
 */
export const navigation: readonly NavItem[] = [
  { title: "Overview", to: "/", icon: LayoutDashboard, roles: ROLES, end: true },
  { title: "Revenue", to: "/revenue", icon: BarChart3, roles: ROLES },
  { title: "Funnel", to: "/funnel", icon: Filter, roles: ROLES },
  { title: "Leads", to: "/leads", icon: ClipboardList, roles: ROLES },
  { title: "Conversations", to: "/conversations", icon: MessagesSquare, roles: ROLES },
  { title: "Partners", to: "/partners", icon: Handshake, roles: ROLES },
  { title: "Sales", to: "/sales", icon: Receipt, roles: ROLES },
  { title: "Returns", to: "/returns", icon: Undo2, roles: ROLES },
  { title: "System health", to: "/system", icon: Activity, roles: ["manager", "admin"] },
  { title: "Users", to: "/users", icon: Users, roles: ["admin"] },
  { title: "Audit log", to: "/audit-log", icon: ScrollText, roles: ["admin"] },
];

export function navItemsForRole(items: readonly NavItem[], role: Role): NavItem[] {
  return items.filter((item) => item.roles.includes(role));
}
