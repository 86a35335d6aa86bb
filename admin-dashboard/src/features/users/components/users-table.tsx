import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";

import { describeError } from "@/lib/describe-error";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { isRole, ROLE_LABELS, ROLES, type Role } from "@/features/auth/roles";
import { formatDateTime } from "@/lib/format";

import { updateUser, userKeys, type AdminUser, type AdminUserUpdate } from "../api/users";

export interface UserActionResult {
  ok: boolean;
  message: string;
}

interface UserRowProps {
  user: AdminUser;
  isSelf: boolean;
  onResult: (result: UserActionResult) => void;
}

function UserRow({ user, isSelf, onResult }: UserRowProps) {
  const id = useId();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const update = useMutation({
    mutationFn: (change: AdminUserUpdate) => updateUser(user.id, change),
    onSuccess: (updated, change) => {
      const what =
        change.role !== undefined && change.role !== null
          ? `${updated.email} is now ${ROLE_LABELS[updated.role].toLowerCase()}`
          : `${updated.email} is ${updated.is_active ? "enabled" : "disabled"}`;
      onResult({ ok: true, message: `${what}; their sessions have ended.` });
      return queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
    onError: (error) => {
      // e.g. 409 last_active_admin: "This is the last active admin; make another user admin first."
      setRole(user.role);
      onResult({ ok: false, message: `${user.email}: ${describeError(error)}` });
    },
  });

  return (
    <tr className="border-b last:border-b-0">
      <th scope="row" className="py-2 pr-4 pl-4 font-medium">
        <span className="break-all">{user.email}</span>
        {isSelf ? <span className="ml-1 text-xs font-normal text-muted-foreground">(you)</span> : null}
      </th>
      <td data-label="Role" className="py-2 pr-4">
        <div className="flex items-center gap-2">
          <label htmlFor={`${id}-role`} className="sr-only">
            Role of {user.email}
          </label>
          <Select
            id={`${id}-role`}
            className="w-32"
            value={role}
            disabled={update.isPending || isSelf}
            aria-describedby={isSelf ? `${id}-self` : undefined}
            onChange={(event) => {
              if (isRole(event.target.value)) setRole(event.target.value);
            }}
          >
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {ROLE_LABELS[value]}
              </option>
            ))}
          </Select>
          {role !== user.role ? (
            <Button
              size="sm"
              aria-label={`Change role of ${user.email}`}
              disabled={update.isPending}
              onClick={() => {
                update.mutate({ role });
              }}
            >
              Change role
            </Button>
          ) : null}
        </div>
      </td>
      <td data-label="Status" className="py-2 pr-4">
        <Badge tone={user.is_active ? "success" : "neutral"}>{user.is_active ? "Active" : "Disabled"}</Badge>
      </td>
      <td data-label="Last sign-in" className="py-2 pr-4 whitespace-nowrap">{user.last_login_at ? formatDateTime(user.last_login_at) : "Never"}</td>
      <td data-label="Created" className="py-2 pr-4 whitespace-nowrap">{formatDateTime(user.created_at)}</td>
      <td className="py-2 pr-4 text-right">
        {isSelf ? (
          // The API refuses too (409 self_change): it would sign them out with nobody to undo it.
          <p id={`${id}-self`} className="text-xs text-muted-foreground">
            Another admin must change your own role or status.
          </p>
        ) : (
        <Button
          variant="outline"
          size="sm"
          aria-label={`${user.is_active ? "Disable" : "Enable"} ${user.email}`}
          disabled={update.isPending}
          onClick={() => {
            update.mutate({ is_active: !user.is_active });
          }}
        >
          {update.isPending ? "Saving…" : user.is_active ? "Disable" : "Enable"}
        </Button>
        )}
      </td>
    </tr>
  );
}

export function UsersTable({ users, currentUserId, onResult }: { users: readonly AdminUser[]; currentUserId: string; onResult: (result: UserActionResult) => void }) {
  return (
    <div className="overflow-x-auto rounded-lg border bg-card shadow-xs">
      <table className="stack-table w-full text-left text-sm">
        <caption className="sr-only">Dashboard users</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            <th scope="col" className="py-2 pr-4 pl-4 font-medium">Email</th>
            <th scope="col" className="py-2 pr-4 font-medium">Role</th>
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
            <th scope="col" className="py-2 pr-4 font-medium">Last sign-in</th>
            <th scope="col" className="py-2 pr-4 font-medium">Created</th>
            <th scope="col" className="py-2 pr-4 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            // Keyed by role and state too: after a change (or a refused one) the row starts clean.
            <UserRow key={`${user.id}:${user.role}:${String(user.is_active)}`} user={user} isSelf={user.id === currentUserId} onResult={onResult} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
