import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { leadSummary, tokenResponse } from "@/test/fixtures";
import { apiError, jsonResponse, renderRoute, requestsOf, stubApi } from "@/test/utils";

import { session } from "./session";

const HINT = "aurum-admin:has-session";
const leadsPage = { items: [leadSummary()], next_cursor: null };
const healthy = () => jsonResponse({ status: "ok", checks: {}, degraded: [] });

async function signIn(user: ReturnType<typeof renderRoute>["user"], email = "manager@example.com", password = "correct horse battery") {
  await user.type(await screen.findByLabelText("Email"), email);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("login page", () => {
  it("sends a signed-out visitor to the login page with a return path, and back there after signing in", async () => {
    const fetchMock = stubApi({
      "POST /api/v1/auth/login": () => jsonResponse(tokenResponse("manager")),
      "GET /api/v1/admin/leads": () => jsonResponse(leadsPage),
    });
    const { user, router } = renderRoute("/leads?status=new&tier=A");

    expect(await screen.findByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/leads?status=new&tier=A")}`);
    expect(screen.getByRole("banner")).toBeInTheDocument();
    expect(screen.getByRole("main")).toBeInTheDocument();
    expect(document.title).toBe("Sign in · Aurum Solar Admin");
    // Nothing was asked of the API before the user signed in (no session hint: no refresh either).
    expect(fetchMock).not.toHaveBeenCalled();

    await signIn(user);

    expect(await screen.findByRole("heading", { level: 1, name: "Leads" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/leads");
    expect(router.state.location.search).toBe("?status=new&tier=A");
    await screen.findByRole("link", { name: "Ada Lovelace" });
    const leadsRequest = requestsOf(fetchMock).find((request) => request.url.includes("/admin/leads"));
    expect(leadsRequest?.headers.get("Authorization")).toBe("Bearer access-manager");
  });

  it("says the credentials are wrong without saying which, and clears the password", async () => {
    stubApi({ "POST /api/v1/auth/login": () => apiError(401, "invalid_credentials", "The email or password is incorrect.") });
    const { user, router } = renderRoute("/login");

    await signIn(user, "nobody@example.com", "guess");

    expect(await screen.findByRole("alert")).toHaveTextContent("The email or password is incorrect.");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByLabelText("Email")).toHaveValue("nobody@example.com");
    expect(router.state.location.pathname).toBe("/login");
  });

  it.each([
    ["600", "Too many attempts, try again in 10 minutes."],
    ["61", "Too many attempts, try again in 2 minutes."],
    ["5", "Too many attempts, try again in 1 minute."],
  ])("after repeated failures (Retry-After: %s) says when to try again", async (retryAfter, message) => {
    stubApi({
      "POST /api/v1/auth/login": () =>
        apiError(429, "too_many_failed_logins", "Too many failed sign-ins for this email; try again later.", { "Retry-After": retryAfter }),
    });
    const { user } = renderRoute("/login");

    await signIn(user);
    expect(await screen.findByRole("alert")).toHaveTextContent(message);
  });

  it("says so when the API cannot be reached", async () => {
    stubApi({});
    const { user } = renderRoute("/login");

    await signIn(user);
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not reach the API at http://api.test");
  });

  it("never returns to another site after signing in", async () => {
    stubApi({
      "POST /api/v1/auth/login": () => jsonResponse(tokenResponse("analyst")),
      "GET /health/ready": healthy,
    });
    const { user, router } = renderRoute(`/login?next=${encodeURIComponent("//evil.example/phish")}`);

    await signIn(user, "analyst@example.com");
    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
  });

  it("keeps the session across a reload: the refresh cookie is tried before the login form", async () => {
    localStorage.setItem(HINT, "1");
    const fetchMock = stubApi({
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("admin")),
      "GET /api/v1/admin/leads": () => jsonResponse(leadsPage),
    });
    const { router } = renderRoute("/leads");

    expect(screen.getByRole("status")).toHaveTextContent("Checking your session…");
    expect(await screen.findByRole("heading", { level: 1, name: "Leads" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Password")).not.toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/leads");
    const paths = requestsOf(fetchMock).map((request) => new URL(request.url).pathname);
    expect(paths[0]).toBe("/api/v1/auth/refresh");
  });

  it("sends a visitor whose session is gone to the login form, saying why", async () => {
    localStorage.setItem(HINT, "1");
    stubApi({ "POST /api/v1/auth/refresh": () => apiError(401, "session_expired", "The session has expired; sign in again.") });
    const { router } = renderRoute("/audit-log");

    expect(await screen.findByText("Your session has ended. Sign in again to continue.")).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/audit-log")}`);
  });

  it("goes straight to the return path when already signed in", async () => {
    stubApi({ "GET /api/v1/admin/conversations": () => jsonResponse({ items: [], next_cursor: null }) });
    const { router } = renderRoute(`/login?next=${encodeURIComponent("/conversations")}`, { as: "analyst" });

    expect(await screen.findByRole("heading", { level: 1, name: "Conversations" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/conversations");
  });
});

describe("session end", () => {
  it("returns to the login page with the current page when a 401 cannot be cured by a refresh", async () => {
    stubApi({
      "GET /api/v1/admin/leads": () => apiError(401, "session_ended", "This session has ended; sign in again."),
      "POST /api/v1/auth/refresh": () => apiError(401, "session_ended", "This session has ended; sign in again."),
    });
    const { router } = renderRoute("/leads?q=ada", { as: "manager" });

    expect(await screen.findByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent("/leads?q=ada")}`);
    expect(screen.getByText("Your session has ended. Sign in again to continue.")).toBeInTheDocument();
  });

  it("signs out at the API and shows the login page, with nothing of the session left", async () => {
    const fetchMock = stubApi({
      "GET /health/ready": healthy,
      "POST /api/v1/auth/logout": () => new Response(null, { status: 204 }),
    });
    const { user, router, queryClient } = renderRoute("/", { as: "admin" });
    await screen.findByRole("heading", { level: 1, name: "Overview" });

    await user.click(within(screen.getByRole("banner")).getByRole("button", { name: "Sign out" }));

    expect(await screen.findByText("You have signed out.")).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/login");
    expect(router.state.location.search).toBe("");
    const logout = requestsOf(fetchMock).find((request) => request.url.endsWith("/api/v1/auth/logout"));
    expect(logout?.headers.get("Authorization")).toBe("Bearer access-admin");
    expect(session.getState().status).toBe("signed-out");
    await waitFor(() => {
      expect(queryClient.getQueryCache().getAll()).toHaveLength(0);
    });
  });
});

describe("another user in another tab", () => {
  it("drops this tab's data when a refresh brings someone else's session", async () => {
    let calls = 0;
    stubApi({
      "GET /api/v1/admin/leads": () => jsonResponse({ items: [leadSummary(calls++ === 0 ? {} : { first_name: "Someone", last_name: "Else" })], next_cursor: null }),
      "POST /api/v1/auth/refresh": () => jsonResponse(tokenResponse("analyst")),
    });
    const { queryClient } = renderRoute("/leads", { as: "manager" });
    await screen.findByRole("link", { name: "Ada Lovelace" });
    const leadsQuery = () => queryClient.getQueryCache().findAll({ queryKey: ["admin", "leads"] });
    expect(leadsQuery()).toHaveLength(1);

    await session.refreshAccessToken();

    expect(await screen.findByRole("link", { name: "Someone Else" })).toBeInTheDocument();
    expect(within(screen.getByRole("banner")).getByText("analyst@example.com")).toBeInTheDocument();
    expect(calls).toBe(2);
  });
});
