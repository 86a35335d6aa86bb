import { queryOptions } from "@tanstack/react-query";

import { apiClient, unwrap, type ApiClient } from "@/api/client";
import type { components } from "@/api/schema";
import { ROLES, type Role } from "@/features/auth/roles";
import { readEnum } from "@/lib/search-params";

export type AdminUser = components["schemas"]["AdminUserOut"];
export type AdminUserCreate = components["schemas"]["AdminUserCreate"];
export type AdminUserUpdate = components["schemas"]["AdminUserUpdate"];

/** The API's password rule (`PASSWORD_MIN_LENGTH`..`PASSWORD_MAX_LENGTH` in the backend's
 * `core/security.py`); the API also refuses common passwords and ones made from the email or
 * the product's name, and says why. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
export const PASSWORD_RULE = `At least ${String(PASSWORD_MIN)} characters (at most ${String(PASSWORD_MAX)}); not a common password and not made from the email or the product's name.`;

export const USER_STATUSES = ["active", "disabled"] as const;

export interface UserFilters {
  role: "" | Role;
  status: "" | (typeof USER_STATUSES)[number];
}

export function readUserFilters(params: URLSearchParams): UserFilters {
  return {
    role: readEnum(params, "role", ["", ...ROLES], ""),
    status: readEnum(params, "status", ["", ...USER_STATUSES], ""),
  };
}

export const userKeys = {
  all: ["admin", "users"] as const,
  list: (filters: UserFilters) => [...userKeys.all, "list", filters] as const,
};

export function userListQueryOptions(filters: UserFilters, client: ApiClient = apiClient) {
  return queryOptions({
    queryKey: userKeys.list(filters),
    queryFn: ({ signal }) =>
      unwrap(
        client.GET("/api/v1/admin/users", {
          params: {
            query: {
              role: filters.role || undefined,
              is_active: filters.status === "" ? undefined : filters.status === "active",
            },
          },
          signal,
        }),
      ),
  });
}

export function createUser(body: AdminUserCreate, client: ApiClient = apiClient): Promise<AdminUser> {
  return unwrap(client.POST("/api/v1/admin/users", { body }));
}

export function updateUser(id: string, body: AdminUserUpdate, client: ApiClient = apiClient): Promise<AdminUser> {
  return unwrap(client.PATCH("/api/v1/admin/users/{user_id}", { params: { path: { user_id: id } }, body }));
}
