import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { components } from "@/api/schema";
import { adminUser } from "@/test/fixtures";
import { apiError, jsonResponse, renderRoute, requestsOf, stubApi } from "@/test/utils";

type AdminUser = components["schemas"]["AdminUserOut"];

const USERS = "GET /api/v1/admin/users";

/** A tiny users API over an in-memory list, with the last-admin rule. */
function usersApi(initial: AdminUser[]) {
  let users = [...initial];
  const writes: unknown[] = [];
  const fetchMock = stubApi({
    [USERS]: (_request, url) => {
      const role = url.searchParams.get("role");
      const active = url.searchParams.get("is_active");
      return jsonResponse({
        items: users.filter((user) => (!role || user.role === role) && (active === null || String(user.is_active) === active)),
      });
    },
    "POST /api/v1/admin/users": async (request) => {
      const body = (await request.json()) as { email: string; role: AdminUser["role"]; password: string };
      writes.push(body);
      if (users.some((user) => user.email === body.email)) return apiError(409, "email_taken", "An admin user with this email already exists.");
      const created = adminUser(body.role, { id: `new-${String(users.length)}`, email: body.email, last_login_at: null });
      users = [...users, created];
      return jsonResponse(created, 201);
    },
    "PATCH /api/v1/admin/users/:id": async (request, _url, { id }) => {
      const body = (await request.json()) as Partial<AdminUser>;
      writes.push(body);
      const target = users.find((user) => user.id === id);
      if (!target) return apiError(404, "user_not_found", "No admin user has this id.");
      const activeAdmins = users.filter((user) => user.role === "admin" && user.is_active);
      const losesAdmin = target.role === "admin" && target.is_active && ((body.role !== undefined && body.role !== "admin") || body.is_active === false);
      if (losesAdmin && activeAdmins.length === 1) {
        return apiError(409, "last_active_admin", "This is the last active admin; make another user admin first.");
      }
      const updated = { ...target, ...body };
      users = users.map((user) => (user.id === id ? updated : user));
      return jsonResponse(updated);
    },
  });
  return { fetchMock, writes };
}

function row(email: string) {
  return screen.getByRole("row", { name: new RegExp(email) });
}

describe("users page", () => {
  it("lists the users with their role and status", async () => {
    usersApi([adminUser("admin"), adminUser("analyst", { is_active: false })]);
    renderRoute("/users", { as: "admin" });

    await screen.findByRole("row", { name: /analyst@example.com/ });
    expect(row("admin@example.com")).toHaveTextContent("(you)");
    expect(within(row("admin@example.com")).getByLabelText("Role of admin@example.com")).toHaveValue("admin");
    expect(row("analyst@example.com")).toHaveTextContent("Disabled");
    expect(within(row("analyst@example.com")).getByRole("button", { name: "Enable analyst@example.com" })).toBeInTheDocument();
  });

  it("creates a user", async () => {
    const { writes } = usersApi([adminUser("admin")]);
    const { user } = renderRoute("/users", { as: "admin" });
    const form = await screen.findByRole("region", { name: "Add a user" });

    await user.type(within(form).getByLabelText("Email"), "new.manager@example.com");
    await user.selectOptions(within(form).getByLabelText("Role"), "manager");
    await user.type(within(form).getByLabelText("Initial password"), "a long enough password");
    await user.click(within(form).getByRole("button", { name: "Add user" }));

    expect(await within(form).findByText("Added new.manager@example.com as manager.")).toBeInTheDocument();
    expect(writes).toEqual([{ email: "new.manager@example.com", role: "manager", password: "a long enough password" }]);
    expect(await screen.findByRole("row", { name: /new.manager@example.com/ })).toBeInTheDocument();
    expect(within(form).getByLabelText("Email")).toHaveValue("");
    expect(within(form).getByLabelText("Initial password")).toHaveValue("");
  });

  it("checks the password length before asking the API", async () => {
    const { writes } = usersApi([adminUser("admin")]);
    const { user } = renderRoute("/users", { as: "admin" });
    const form = await screen.findByRole("region", { name: "Add a user" });

    await user.type(within(form).getByLabelText("Email"), "x@example.com");
    await user.type(within(form).getByLabelText("Initial password"), "short");
    // Past the browser's own minlength check (jsdom skips it for typed values): the form's check.
    within(form).getByRole("button", { name: "Add user" }).closest("form")?.requestSubmit();

    expect(await within(form).findByRole("alert")).toHaveTextContent("The password needs at least 12 characters.");
    expect(within(form).getByLabelText("Initial password")).toHaveAttribute("aria-invalid", "true");
    expect(writes).toEqual([]);
  });

  it("states the server's password rule next to the field", async () => {
    usersApi([adminUser("admin")]);
    renderRoute("/users", { as: "admin" });
    const form = await screen.findByRole("region", { name: "Add a user" });
    const field = within(form).getByLabelText("Initial password");

    expect(field).toHaveAttribute("minLength", "12");
    expect(field).toHaveAccessibleDescription(/At least 12 characters.*not a common password.*not made from the email/);
  });

  it("shows the server's reason when it refuses a password", async () => {
    const fetchMock = stubApi({
      [USERS]: () => jsonResponse({ items: [adminUser("admin")] }),
      "POST /api/v1/admin/users": () =>
        jsonResponse(
          {
            error: {
              code: "weak_password",
              message: "The password must not be made from the account's email address.",
              details: [{ field: "password", location: "body", message: "The password must not be made from the account's email address.", type: "weak_password" }],
            },
          },
          422,
        ),
    });
    const { user } = renderRoute("/users", { as: "admin" });
    const form = await screen.findByRole("region", { name: "Add a user" });

    await user.type(within(form).getByLabelText("Email"), "pat.ops@example.com");
    await user.type(within(form).getByLabelText("Initial password"), "PatOps2024!!");
    await user.click(within(form).getByRole("button", { name: "Add user" }));

    expect(await within(form).findByRole("alert")).toHaveTextContent("The password must not be made from the account's email address.");
    expect(within(form).getByLabelText("Initial password")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByLabelText("Email")).not.toHaveAttribute("aria-invalid");
    expect(requestsOf(fetchMock).some((request) => request.method === "POST")).toBe(true);
  });

  it("shows the API's message when the email is taken", async () => {
    usersApi([adminUser("admin"), adminUser("manager")]);
    const { user } = renderRoute("/users", { as: "admin" });
    const form = await screen.findByRole("region", { name: "Add a user" });

    await user.type(within(form).getByLabelText("Email"), "manager@example.com");
    await user.type(within(form).getByLabelText("Initial password"), "a fine password");
    await user.click(within(form).getByRole("button", { name: "Add user" }));

    expect(await within(form).findByRole("alert")).toHaveTextContent("An admin user with this email already exists.");
  });

  it("changes a user's role", async () => {
    const { writes } = usersApi([adminUser("admin"), adminUser("analyst")]);
    const { user } = renderRoute("/users", { as: "admin" });
    await screen.findByRole("row", { name: /analyst@example.com/ });

    expect(within(row("analyst@example.com")).queryByRole("button", { name: /Change role/ })).not.toBeInTheDocument();
    await user.selectOptions(within(row("analyst@example.com")).getByLabelText("Role of analyst@example.com"), "manager");
    await user.click(within(row("analyst@example.com")).getByRole("button", { name: "Change role of analyst@example.com" }));

    expect(await screen.findByText("analyst@example.com is now manager; their sessions have ended.")).toBeInTheDocument();
    expect(writes).toEqual([{ role: "manager" }]);
    await waitFor(() => {
      expect(within(row("analyst@example.com")).getByLabelText("Role of analyst@example.com")).toHaveValue("manager");
    });
  });

  it("disables and re-enables a user", async () => {
    const { writes } = usersApi([adminUser("admin"), adminUser("manager")]);
    const { user } = renderRoute("/users", { as: "admin" });
    await screen.findByRole("row", { name: /manager@example.com/ });

    await user.click(within(row("manager@example.com")).getByRole("button", { name: "Disable manager@example.com" }));
    expect(await screen.findByText("manager@example.com is disabled; their sessions have ended.")).toBeInTheDocument();
    await user.click(await within(row("manager@example.com")).findByRole("button", { name: "Enable manager@example.com" }));
    expect(await screen.findByText("manager@example.com is enabled; their sessions have ended.")).toBeInTheDocument();
    expect(writes).toEqual([{ is_active: false }, { is_active: true }]);
  });

  it("does not offer the signed-in admin a way to disable or demote themselves", async () => {
    const { writes } = usersApi([adminUser("admin"), adminUser("analyst")]);
    renderRoute("/users", { as: "admin" });
    await screen.findByRole("row", { name: /admin@example.com/ });

    const own = within(row("admin@example.com"));
    expect(own.getByLabelText("Role of admin@example.com")).toBeDisabled();
    expect(own.getByLabelText("Role of admin@example.com")).toHaveAccessibleDescription("Another admin must change your own role or status.");
    expect(own.queryByRole("button", { name: /Disable/ })).not.toBeInTheDocument();
    // Everyone else's row keeps its actions.
    expect(within(row("analyst@example.com")).getByRole("button", { name: "Disable analyst@example.com" })).toBeEnabled();
    expect(writes).toEqual([]);
  });

  it("shows the API's reason when it refuses a change", async () => {
    stubApi({
      [USERS]: () => jsonResponse({ items: [adminUser("admin"), adminUser("manager")] }),
      "PATCH /api/v1/admin/users/:id": () => apiError(409, "last_active_admin", "This is the last active admin; make another user admin first."),
    });
    const { user } = renderRoute("/users", { as: "admin" });
    await screen.findByRole("row", { name: /manager@example.com/ });

    await user.click(within(row("manager@example.com")).getByRole("button", { name: "Disable manager@example.com" }));
    expect(await screen.findByText("manager@example.com: This is the last active admin; make another user admin first.")).toBeInTheDocument();
    expect(row("manager@example.com")).toHaveTextContent("Active");
  });

  it("keeps its role and status filters in the URL", async () => {
    const { fetchMock } = usersApi([adminUser("admin"), adminUser("analyst"), adminUser("manager", { is_active: false })]);
    const { user, router } = renderRoute("/users?role=manager", { as: "admin" });
    await screen.findByRole("row", { name: /manager@example.com/ });
    expect(screen.queryByRole("row", { name: /analyst@example.com/ })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Status"), "active");
    await waitFor(() => {
      expect(router.state.location.search).toBe("?role=manager&status=active");
    });
    expect(await screen.findByText("No users match these filters.")).toBeInTheDocument();
    const last = new URL(requestsOf(fetchMock).at(-1)?.url ?? "");
    expect(last.searchParams.get("role")).toBe("manager");
    expect(last.searchParams.get("is_active")).toBe("true");
  });
});
