/** Admin roles, from least to most privileged (see DESIGN.md, "Role rules"). */
export const ROLES = ["analyst", "manager", "admin"] as const;

export type Role = (typeof ROLES)[number];
