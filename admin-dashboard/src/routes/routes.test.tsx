import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { apiError, jsonResponse, renderRoute, stubApi, stubFetch } from "@/test/utils";

const healthy = () => jsonResponse({ status: "ok", checks: {}, degraded: [] });

describe("routes", () => {
  it("renders the 404 page inside the shell for an unknown path", async () => {
    renderRoute("/no/such/page?x=1", { as: "analyst" });

    expect(await screen.findByRole("heading", { level: 1, name: "Page not found" })).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveTextContent("There is no page at /no/such/page.");
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Overview" })).not.toHaveAttribute("aria-current");
    expect(document.title).toBe("Page not found · Aurum Solar Admin");
  });

  it("links from the 404 page back to the overview", async () => {
    stubFetch(healthy);
    const { user, router } = renderRoute("/missing", { as: "analyst" });

    await user.click(await within(screen.getByRole("main")).findByRole("link", { name: "Go to the overview" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/");
    expect(document.title).toBe("Overview · Aurum Solar Admin");
  });

  it("renders the overview with the live API status at /", async () => {
    stubApi({ "GET /health/ready": healthy });
    renderRoute("/", { as: "analyst" });

    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    // The readiness panel among the overview's analytics (those requests fail here: not stubbed).
    expect(await screen.findByText("Operational")).toBeInTheDocument();
  });

  it.each([
    ["/users", "analyst"],
    ["/users", "manager"],
    ["/audit-log", "analyst"],
    ["/audit-log", "manager"],
  ] as const)("shows %s to a %s as a no-access page, without asking the API", async (path, role) => {
    const fetchMock = stubApi({});
    renderRoute(path, { as: role });

    expect(await screen.findByRole("heading", { level: 1, name: "No access" })).toBeInTheDocument();
    expect(screen.getByRole("main")).toHaveTextContent("This page is for the admin role only.");
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows an API 403 as a message, not a crash", async () => {
    stubApi({
      "GET /api/v1/admin/leads": () => apiError(403, "ip_not_allowed", "Access from this network address is not allowed."),
    });
    renderRoute("/leads", { as: "manager" });

    expect(await screen.findByRole("alert")).toHaveTextContent(
      "You don't have access to this. Access from this network address is not allowed.",
    );
    expect(screen.getByRole("heading", { level: 1, name: "Leads" })).toBeInTheDocument();
  });
});
