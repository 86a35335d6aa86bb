import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";

import { ErrorNotice } from "@/components/error-notice";
import { PageHeader } from "@/components/page-header";
import { Label, Select } from "@/components/ui/field";
import { Section } from "@/components/ui/section";
import { ROLE_LABELS, ROLES } from "@/features/auth/roles";
import { useCurrentUser } from "@/features/auth/use-session";
import { writeParam } from "@/lib/search-params";
import { cn } from "@/lib/utils";

import { readUserFilters, userListQueryOptions } from "./api/users";
import { CreateUserForm } from "./components/create-user-form";
import { UsersTable, type UserActionResult } from "./components/users-table";

/** Who may sign in to the dashboard, with which role (admins only). */
export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const filters = readUserFilters(params);
  const users = useQuery(userListQueryOptions(filters));
  const currentUser = useCurrentUser();
  const [result, setResult] = useState<UserActionResult | null>(null);

  function setFilter(key: "role" | "status", value: string) {
    const next = new URLSearchParams(params);
    writeParam(next, key, value);
    setParams(next);
  }

  return (
    <>
      <PageHeader title="Users" description="Who can sign in to this dashboard, and as which role." />
      <Section title="Add a user" className="mb-6">
        <CreateUserForm />
      </Section>

      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap gap-3" role="group" aria-label="Filter users">
          <div className="flex items-center gap-2">
            <Label htmlFor="users-role" className="text-sm font-normal text-muted-foreground">
              Role
            </Label>
            <Select
              id="users-role"
              className="w-36"
              value={filters.role}
              onChange={(event) => {
                setFilter("role", event.target.value);
              }}
            >
              <option value="">Any role</option>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {ROLE_LABELS[role]}
                </option>
              ))}
            </Select>
          </div>
          <div className="flex items-center gap-2">
            <Label htmlFor="users-status" className="text-sm font-normal text-muted-foreground">
              Status
            </Label>
            <Select
              id="users-status"
              className="w-36"
              value={filters.status}
              onChange={(event) => {
                setFilter("status", event.target.value);
              }}
            >
              <option value="">Any status</option>
              <option value="active">Active</option>
              <option value="disabled">Disabled</option>
            </Select>
          </div>
        </div>
        <p className="text-xs text-muted-foreground">A change of role or status ends that user's sessions at once.</p>
      </div>

      {/* A live region must be in the page before its text changes: it stays, empty, until then. */}
      <div aria-live="polite" className="mb-3 empty:mb-0">
        {result ? (
          <p
            className={cn(
              "rounded-md border px-3 py-2 text-sm",
              result.ok ? "border-success/30 bg-success-soft text-success" : "border-destructive/30 bg-destructive-soft text-destructive",
            )}
          >
            {result.message}
          </p>
        ) : null}
      </div>

      {users.isPending ? (
        <p role="status" className="text-sm text-muted-foreground">
          Loading users…
        </p>
      ) : users.isError ? (
        <ErrorNotice error={users.error} title="The users could not be loaded." />
      ) : users.data.items.length === 0 ? (
        <p className="rounded-lg border bg-card p-6 text-sm text-muted-foreground">No users match these filters.</p>
      ) : (
        <UsersTable users={users.data.items} currentUserId={currentUser.id} onResult={setResult} />
      )}
    </>
  );
}
