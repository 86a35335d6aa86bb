/** Admin roles, from least to most privileged (docs/architecture.md, "Roles"). */
export const ROLES = ["analyst", "manager", "admin"] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  analyst: "Analyst",
  manager: "Manager",
  admin: "Admin",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * True when `role` ranks at least as high as `minimum`: the same rule as the API's
 * `RequireRole` (analyst < manager < admin), so the dashboard hides exactly what the API refuses.
 */
export function hasRole(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
