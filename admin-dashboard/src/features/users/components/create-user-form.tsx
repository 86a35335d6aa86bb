import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type SubmitEvent } from "react";

import { ApiError } from "@/api/errors";
import { describeError } from "@/lib/describe-error";
import { Button } from "@/components/ui/button";
import { FieldHint, Input, Label, Select } from "@/components/ui/field";
import { isRole, ROLE_LABELS, ROLES, type Role } from "@/features/auth/roles";

import { createUser, PASSWORD_MAX, PASSWORD_MIN, userKeys, type AdminUserCreate } from "../api/users";

/** The API's 422 details name the fields; say what to fix in words. */
function createErrorMessage(error: Error): string {
  if (error instanceof ApiError && error.status === 422 && Array.isArray(error.details)) {
    const details: unknown[] = error.details;
    const fields = details
      .map((detail): unknown =>
        typeof detail === "object" && detail !== null && "loc" in detail && Array.isArray(detail.loc) ? (detail.loc as unknown[]).at(-1) : undefined,
      )
      .filter((field): field is string => typeof field === "string");
    if (fields.includes("email")) return "Enter a valid email address.";
    if (fields.includes("password")) return `The password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`;
  }
  return describeError(error);
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
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      setProblem(`The password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`);
      return;
    }
    setProblem(null);
    create.mutate({ email: email.trim(), role, password });
  }

  const error = problem ?? (create.error ? createErrorMessage(create.error) : null);
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
            aria-invalid={problem !== null || undefined}
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
          <FieldHint id={`${id}-password-hint`}>
            {PASSWORD_MIN} to {PASSWORD_MAX} characters. Share it with them privately.
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
