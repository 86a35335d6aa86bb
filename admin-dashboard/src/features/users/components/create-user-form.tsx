import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type SubmitEvent } from "react";

import { ApiError } from "@/api/errors";
import { describeError } from "@/lib/describe-error";
import { Button } from "@/components/ui/button";
import { FieldHint, Input, Label, Select } from "@/components/ui/field";
import { isRole, ROLE_LABELS, ROLES, type Role } from "@/features/auth/roles";

import { createUser, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE, userKeys, type AdminUserCreate } from "../api/users";

/** The fields a refusal names (the API's 422 details carry `field`), to mark them invalid. */
function refusedFields(error: Error | null): string[] {
  if (!(error instanceof ApiError) || error.status !== 422 || !Array.isArray(error.details)) return [];
  const details: unknown[] = error.details;
  return details
    .map((detail): unknown => (typeof detail === "object" && detail !== null && "field" in detail ? detail.field : undefined))
    .filter((field): field is string => typeof field === "string");
}

/** The same length check as the API's; the rest of the rule (common or account-derived
 * passwords) only the API judges, and its message is shown as it says it. */
function passwordLengthProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `The password needs at least ${String(PASSWORD_MIN)} characters.`;
  if (password.length > PASSWORD_MAX) return `The password may have at most ${String(PASSWORD_MAX)} characters.`;
  return null;
}

export function CreateUserForm() {
  const id = useId();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("analyst");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (body: AdminUserCreate) => createUser(body),
    onSuccess: () => {
      setEmail("");
      setPassword("");
      setRole("analyst");
      return queryClient.invalidateQueries({ queryKey: userKeys.all });
    },
  });

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const lengthProblem = passwordLengthProblem(password);
    setProblem(lengthProblem);
    if (lengthProblem) return;
    create.mutate({ email: email.trim(), role, password });
  }

  const error = problem ?? (create.error ? describeError(create.error) : null);
  const refused = refusedFields(create.error);
  const passwordInvalid = problem !== null || refused.includes("password");
  return (
    <form onSubmit={submit} className="space-y-4" aria-describedby={`${id}-result`}>
      <div className="grid gap-4 md:grid-cols-3">
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-email`}>Email</Label>
          <Input
            id={`${id}-email`}
            type="email"
            required
            maxLength={254}
            autoComplete="off"
            aria-invalid={refused.includes("email") || undefined}
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
            }}
          />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-role`}>Role</Label>
          <Select
            id={`${id}-role`}
            value={role}
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
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-password`}>Initial password</Label>
          <Input
            id={`${id}-password`}
            type="password"
            required
            minLength={PASSWORD_MIN}
            maxLength={PASSWORD_MAX}
            autoComplete="new-password"
            aria-describedby={`${id}-password-hint`}
            aria-invalid={passwordInvalid || undefined}
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
          <FieldHint id={`${id}-password-hint`}>
            {PASSWORD_RULE} Share it with them privately.
          </FieldHint>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </Button>
        <div id={`${id}-result`}>
          {error ? (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          ) : (
            <p role="status" className="text-sm text-muted-foreground">
              {create.isSuccess ? `Added ${create.data.email} as ${ROLE_LABELS[create.data.role].toLowerCase()}.` : null}
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
